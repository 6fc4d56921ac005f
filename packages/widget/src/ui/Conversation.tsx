import type { ChatMessage, QueuePlace, VisitorClient } from '@parley/client'
import type { ConversationSummary, SiteConfig } from '@parley/protocol'
import { atom } from 'nanostores'
import type { ComponentChild } from 'preact'
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks'
import type { WidgetController } from '../controller.ts'
import type { Strings } from '../i18n.ts'
import type { Invitation } from '../invitation.tsx'
import { useStore } from '../use-store.ts'
import { Composer } from './Composer.tsx'
import { Lazy } from './Lazy.tsx'
import { MessageText } from './MessageText.tsx'

interface LogProps {
  t: Strings
  greeting: string
  /** An engagement invitation: shown instead of the greeting, with the operator's card. */
  invitation?: Invitation | undefined
  messages: readonly ChatMessage[]
}

/** The relay's invitation event (`data.type`; `data.invitation` in events stored before). */
const isInvitation = (m: ChatMessage) => m.data?.type === 'invitation' || !!m.data?.invitation

/** The message history: a polite live region, so screen readers announce new messages. */
export function Log({ t, greeting, invitation, messages }: LogProps) {
  const ref = useRef<HTMLDivElement>(null)
  useLayoutEffect(() => {
    const el = ref.current
    if (el) el.scrollTop = el.scrollHeight
  }, [messages.length, messages[messages.length - 1]?.status])
  return (
    <div ref={ref} class="log" role="log" aria-live="polite" aria-label={t.messages}>
      {/* Once the relay has stored the invitation (below), the local card would repeat it. */}
      {(!messages.some(isInvitation) && invitation) ||
        (greeting ? (
          <div class="msg msg--operator">
            <p class="text">{greeting}</p>
          </div>
        ) : null)}
      {messages.map((m) => {
        // The stored invitation reads, for the visitor, as the operator's message it was.
        const invite = isInvitation(m)
        // A system event (closed, rated) is a centred note even when the visitor caused it.
        const side = invite ? 'operator' : m.kind === 'system' ? 'system' : m.author.kind
        const author = invite ? m.data!.operator : m.author.name
        // A system event in the visitor's language, from its facts; one stored before them
        // (no `data.type`) by its text; the invitation by its message.
        const d = m.data
        const text =
          d?.type === 'closed'
            ? t.closedBy(d.operator!)
            : d?.type === 'rated'
              ? t.rated(d.rating!)
              : d?.type === 'transferred'
                ? d.operator && t.transferred(d.operator)
                : (d?.message ?? m.text)
        // A system event with nothing to tell the visitor (a transfer to a group, whose
        // operator the header shows next; a type from a newer relay) shows nothing.
        return text ? (
          <div key={m.key} class={`msg msg--${side}`} data-status={m.status}>
            {side === 'operator' && author ? <span class="author">{author}</span> : null}
            <p class="text">
              <MessageText text={text} />
            </p>
            {side === 'visitor' && m.status !== 'sent' ? (
              <span class="mark">{m.status === 'pending' ? t.sending : t.failed}</span>
            ) : null}
          </div>
        ) : null
      })}
    </div>
  )
}

/** The queue notice's text: the place, and the wait in whole minutes when the relay could estimate it. */
function queueText(t: Strings, { position, waitSeconds: s }: QueuePlace): string {
  return t.queue(position, s === null ? -1 : s < 60 ? 0 : Math.round(s / 60))
}

interface ChatProps {
  controller: WidgetController
  t: Strings
  client: VisitorClient | undefined
  config: SiteConfig
  open: boolean
  /** The site asks for the pre-chat form and this visitor has not sent it. */
  prechat: boolean
  onClose(): void
}

const noConversation = atom<ConversationSummary | undefined>(undefined)

/**
 * The chat: history (empty until the client exists), typing line, composer (or,
 * once the conversation is closed, the rating and "Start a new conversation");
 * or the pre-chat form before the first conversation.
 */
export function Chat(props: ChatProps) {
  const { controller, t, client, config, prechat, onClose } = props
  const conversation = useStore(client?.$conversation ?? noConversation)
  const invitation = useStore(controller.$invitation)
  if (prechat && !conversation) {
    return <Lazy t={t} name="PrechatForm" props={{ controller, t, onClose }} />
  }
  const composer = (focus?: boolean) => (
    <Composer
      t={t}
      initial={controller.draft}
      focus={focus}
      onInteract={controller.interact}
      onDraft={(text) => {
        controller.draft = text
      }}
      onSend={controller.send}
      onTyping={controller.setTyping}
    />
  )
  return client ? (
    <Conversation {...props} client={client} invitation={invitation} composer={composer} />
  ) : (
    <>
      <Log t={t} greeting={config.chat.greeting} invitation={invitation} messages={[]} />
      {composer()}
    </>
  )
}

interface ConversationProps extends ChatProps {
  client: VisitorClient
  invitation: Invitation | undefined
  composer(focus?: boolean): ComponentChild
}

/**
 * The live conversation of a connected client; marks replies read while the panel is open.
 * While it waits for an operator, a polite live region under the log tells the place in the
 * queue and, when the relay can estimate it, the wait (the client's `$queue`).
 * A closed conversation takes no more messages: its rating (until rated) and a button
 * that brings the composer back stand in for the composer; the next message then opens a
 * new conversation (the client's rule). What closed it, and the rating, are the relay's
 * system events in the log: no notice here repeats them.
 */
function Conversation(props: ConversationProps) {
  const { controller, t, client, open, composer } = props
  const messages = useStore(client.$messages)
  const typing = useStore(client.$operatorTyping)
  const conversation = useStore(client.$conversation)
  const place = useStore(client.$queue)
  /** The closed conversation the visitor chose to leave behind. */
  const [left, leave] = useState<string>()
  useEffect(() => {
    if (open && messages.length > 0) client.markRead()
  }, [open, messages.length, client])
  const closed =
    conversation?.status === 'closed' && messages.length > 0 && conversation.id !== left
  return (
    <>
      <Log
        t={t}
        greeting={props.config.chat.greeting}
        invitation={props.invitation}
        messages={messages}
      />
      {/* Always there, empty while not waiting: a live region announces changes, not arrivals. */}
      <p class="notice" role="status">
        {place && !closed ? queueText(t, place) : ''}
      </p>
      <p class="typing">{typing ? t.typing : ''}</p>
      {closed ? (
        <div class="closed">
          {conversation.rating ? null : (
            <Lazy t={t} name="Rating" props={{ controller, t, conversationId: conversation.id }} />
          )}
          <button type="button" class="send" onClick={() => leave(conversation.id)}>
            {t.newConversation}
          </button>
        </div>
      ) : (
        composer(!!left)
      )}
    </>
  )
}
