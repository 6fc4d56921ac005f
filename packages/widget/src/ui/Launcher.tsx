import { useStore } from '@nanostores/preact'
import type { VisitorClient } from '@parley/client'
import type { Ref } from 'preact'
import type { Strings } from '../i18n.ts'

interface LauncherProps {
  t: Strings
  open: boolean
  panelId: string
  client: VisitorClient | undefined
  buttonRef: Ref<HTMLButtonElement>
  onClick(): void
}

/** The round button that opens and closes the chat; shows unread operator replies. */
export function Launcher({ t, open, panelId, client, buttonRef, onClick }: LauncherProps) {
  return (
    <button
      ref={buttonRef}
      type="button"
      class="launcher"
      aria-label={open ? t.closeChat : t.openChat}
      aria-expanded={open ? 'true' : 'false'}
      aria-controls={panelId}
      aria-describedby={`${panelId}-unread`}
      onClick={onClick}
    >
      <svg viewBox="0 0 24 24" aria-hidden="true" class="icon">
        {open ? <path d="M6 6l12 12M18 6L6 18" /> : <path d="M4 5h16v11H9l-5 4z" />}
      </svg>
      {client && !open ? <Unread t={t} client={client} id={`${panelId}-unread`} /> : null}
    </button>
  )
}

function Unread({ t, client, id }: { t: Strings; client: VisitorClient; id: string }) {
  const unread = useStore(client.$unread)
  if (unread <= 0) return null
  return (
    <span class="badge" id={id}>
      <span aria-hidden="true">{unread > 99 ? '99+' : unread}</span>
      <span class="sr">{t.unread(unread)}</span>
    </span>
  )
}
