import { useStore } from '@nanostores/preact'
import type { ChatMessage, VisitorClient } from '@parley/client'
import { useEffect, useLayoutEffect, useRef } from 'preact/hooks'
import type { Strings } from '../i18n.ts'
import { MessageText } from './MessageText.tsx'

interface LogProps {
  t: Strings
  greeting: string
  messages: readonly ChatMessage[]
}

/** The message history: a polite live region, so screen readers announce new messages. */
export function Log({ t, greeting, messages }: LogProps) {
  const ref = useRef<HTMLDivElement>(null)
  useLayoutEffect(() => {
    const el = ref.current
    if (el) el.scrollTop = el.scrollHeight
  }, [messages.length, messages[messages.length - 1]?.status])
  return (
    <div ref={ref} class="log" role="log" aria-live="polite" aria-label={t.messages}>
      {greeting ? (
        <div class="msg msg--operator">
          <p class="text">{greeting}</p>
        </div>
      ) : null}
      {messages.map((m) => (
        <div key={m.key} class={`msg msg--${m.author.kind}`} data-status={m.status}>
          {m.author.kind === 'operator' && m.author.name ? (
            <span class="author">{m.author.name}</span>
          ) : null}
          <p class="text">
            <MessageText text={m.text} />
          </p>
          {m.author.kind === 'visitor' && m.status !== 'sent' ? (
            <span class="mark">{m.status === 'pending' ? t.sending : t.failed}</span>
          ) : null}
        </div>
      ))}
    </div>
  )
}

interface ConversationProps {
  t: Strings
  greeting: string
  open: boolean
  client: VisitorClient
}

/** The live conversation of a connected client; marks replies read while the panel is open. */
export function Conversation({ t, greeting, open, client }: ConversationProps) {
  const messages = useStore(client.$messages)
  const typing = useStore(client.$operatorTyping)
  useEffect(() => {
    if (open && messages.length > 0) client.markRead()
  }, [open, messages.length, client])
  return (
    <>
      <Log t={t} greeting={greeting} messages={messages} />
      <p class="typing">{typing ? t.typing : ''}</p>
    </>
  )
}
