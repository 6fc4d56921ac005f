import type { InvitationOperator } from '@parley/protocol'
import type { Decision } from '@parley/scenarios'
import type { ReadableAtom } from 'nanostores'
import { useLayoutEffect, useRef } from 'preact/hooks'
import type { Locale } from '../i18n.ts'
import { applyStyles } from '../styles.ts'
import { Icon } from '../ui/icons.tsx'
import { useStore } from '../use-store.ts'
import css from './scenarios.css?inline'

/** The invitation bubble's name, its reply button, its close button. */
const STRINGS: Record<Locale, [string, string, string]> = {
  en: ['Invitation', 'Reply', 'Dismiss invitation'],
  ru: ['Приглашение', 'Ответить', 'Закрыть приглашение'],
}

interface InviteProps {
  /** The bubble or pulse on screen, if any. */
  $shown: ReadableAtom<Decision | undefined>
  locale: Locale
  onReply(decision: Decision): void
  onDismiss(decision: Decision): void
}

/**
 * Drawn before the omni-button: a `bubble` invitation as a non-modal dialog
 * ("Invitation": the message, "Reply", "Dismiss invitation"; Escape dismisses),
 * or a marker that makes the button pulse. Brings the scenarios stylesheet.
 */
export function Invite({ $shown, locale, onReply, onDismiss }: InviteProps) {
  const ref = useRef<HTMLDivElement>(null)
  useLayoutEffect(() => applyStyles(ref.current!.getRootNode() as ShadowRoot, css), [])
  const shown = useStore($shown)
  const action = shown?.action
  const [label, reply, dismiss] = STRINGS[locale]
  const close = () => {
    // The focused close button disappears: focus goes to the omni-button, not to <body>.
    ref.current?.parentElement?.querySelector<HTMLElement>('.launcher')?.focus()
    onDismiss(shown!)
  }
  return (
    <div ref={ref} class="invite" data-pulse={action?.type === 'pulse' ? '' : undefined}>
      {action?.type === 'bubble' ? (
        <div
          class="bubble"
          role="dialog"
          aria-label={label}
          onKeyDown={(e) => {
            if (e.key === 'Escape') close()
          }}
        >
          <Author operator={action.operator} />
          <p>{action.message}</p>
          <button type="button" class="reply" onClick={() => onReply(shown!)}>
            {reply}
          </button>
          <button type="button" class="dismiss" aria-label={dismiss} onClick={close}>
            <Icon name="close" />
          </button>
        </div>
      ) : null}
    </div>
  )
}

/** The inviting operator: photo, name, position. */
function Author({ operator }: { operator: InvitationOperator | undefined }) {
  if (!operator) return null
  const photo = operator.photoUrl
  return (
    <span class="author">
      {photo && /^(https?:)?\/\//.test(photo) ? (
        <img class="avatar" src={photo} alt="" width={24} height={24} />
      ) : null}
      {operator.name}
      {operator.position ? <span class="position">, {operator.position}</span> : null}
    </span>
  )
}

/** The invitation as the first operator message of the chat (a local message, never sent). */
export function Message({ text, operator }: { text: string; operator?: InvitationOperator }) {
  return (
    <div class="msg msg--operator">
      <Author operator={operator} />
      <p class="text">{text}</p>
    </div>
  )
}
