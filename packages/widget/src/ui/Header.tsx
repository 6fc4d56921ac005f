import { useStore } from '@nanostores/preact'
import type { ConnectionStatus, VisitorClient } from '@parley/client'
import type { Strings } from '../i18n.ts'

interface HeaderProps {
  t: Strings
  title: string
  client: VisitorClient | undefined
  onMinimize(): void
}

/** Chat title, the assigned operator and the connection state. */
export function Header({ t, title, client, onMinimize }: HeaderProps) {
  return (
    <header class="header">
      <div class="heading">
        <h2 class="title">{title}</h2>
        {client ? <Presence t={t} client={client} /> : null}
      </div>
      <button type="button" class="minimize" aria-label={t.minimize} onClick={onMinimize}>
        <svg viewBox="0 0 24 24" aria-hidden="true" class="icon">
          <path d="M6 9l6 6 6-6" />
        </svg>
      </button>
    </header>
  )
}

function statusText(t: Strings, status: ConnectionStatus, operatorsOnline: number): string {
  switch (status) {
    case 'connecting':
      return t.connecting
    case 'reconnecting':
      return t.reconnecting
    case 'connected':
      return operatorsOnline > 0 ? t.online : t.offline
    case 'closed':
      return t.disconnected
    default:
      return ''
  }
}

function Presence({ t, client }: { t: Strings; client: VisitorClient }) {
  const status = useStore(client.$status)
  const online = useStore(client.$operatorsOnline)
  const conversation = useStore(client.$conversation)
  const operator = conversation?.operator?.name
  return (
    <p class="status" data-status={status}>
      {operator ? <span class="operator">{operator}</span> : null}
      <span>{statusText(t, status, online)}</span>
    </p>
  )
}
