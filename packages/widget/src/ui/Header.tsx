import type { ConnectionStatus, VisitorClient } from '@parley/client'
import type { Strings } from '../i18n.ts'
import { useStore } from '../use-store.ts'
import { Icon } from './icons.tsx'

interface HeaderProps {
  t: Strings
  title: string
  client: VisitorClient | undefined
  onMinimize(): void
}

/** Panel title, the assigned operator (photo, name, position) and the connection state. */
export function Header({ t, title, client, onMinimize }: HeaderProps) {
  return (
    <header class="header">
      {client ? <Operator client={client} /> : null}
      <div class="heading">
        <h2 class="title">{title}</h2>
        {client ? <Presence t={t} client={client} /> : null}
      </div>
      <button type="button" class="minimize" aria-label={t.minimize} onClick={onMinimize}>
        <Icon name="down" />
      </button>
    </header>
  )
}

function Operator({ client }: { client: VisitorClient }) {
  const photo = useStore(client.$conversation)?.operator?.photoUrl
  return photo && /^https?:\/\//.test(photo) ? (
    <img class="avatar" src={photo} alt="" width={40} height={40} />
  ) : null
}

function statusText(t: Strings, status: ConnectionStatus, operatorsOnline: number): string {
  if (status === 'connected') return operatorsOnline > 0 ? t.online : t.offline
  const other: Partial<Record<ConnectionStatus, string>> = {
    connecting: t.connecting,
    reconnecting: t.reconnecting,
    closed: t.disconnected,
  }
  return other[status] ?? ''
}

function Presence({ t, client }: { t: Strings; client: VisitorClient }) {
  const status = useStore(client.$status)
  const online = useStore(client.$operatorsOnline)
  const operator = useStore(client.$conversation)?.operator
  return (
    <p class="status" data-status={status}>
      {operator ? (
        <span class="operator">
          {operator.name}
          {operator.position ? <span class="position">, {operator.position}</span> : null}
        </span>
      ) : null}
      <span>{statusText(t, status, online)}</span>
    </p>
  )
}
