import type { Decision } from '@parley/scenarios'
import { useLayoutEffect, useRef } from 'preact/hooks'
import type { Locale } from '../i18n.ts'
import { Message } from '../invitation.tsx'
import { applyStyles } from '../styles.ts'
import { Icon } from '../ui/icons.tsx'
import css from './scenarios.css?inline'

/** The invitation bubble's name, its reply button, its close button. */
const STRINGS: Record<Locale, [string, string, string]> = {
  en: ['Invitation', 'Reply', 'Dismiss invitation'],
  ru: ['Приглашение', 'Ответить', 'Закрыть приглашение'],
}

interface InviteProps {
  /** A `bubble` or `pulse` invitation on screen. */
  decision: Decision
  locale: Locale
  onReply(): void
  onDismiss(): void
}

/**
 * Drawn before the omni-button while an invitation is on screen: a `bubble`
 * as a non-modal dialog ("Invitation": the operator's message as in the chat,
 * "Reply", "Dismiss invitation"; Escape dismisses), or a marker that makes the
 * button pulse. Brings the scenarios stylesheet while it is there.
 */
export function Invite({ decision: { action }, locale, onReply, onDismiss }: InviteProps) {
  const ref = useRef<HTMLDivElement>(null)
  useLayoutEffect(() => applyStyles(ref.current!.getRootNode() as ShadowRoot, css), [])
  const [label, reply, dismiss] = STRINGS[locale]
  const close = () => {
    // The focused close button disappears: focus goes to the omni-button, not to <body>.
    ref.current!.parentElement!.querySelector<HTMLElement>('.launcher')?.focus()
    onDismiss()
  }
  return action.type === 'bubble' ? (
    <div
      ref={ref}
      class="log bubble"
      role="dialog"
      aria-label={label}
      onKeyDown={(e) => e.key === 'Escape' && close()}
    >
      {Message(action)}
      <button type="button" class="reply" onClick={onReply}>
        {reply}
      </button>
      <button type="button" class="dismiss" aria-label={dismiss} onClick={close}>
        <Icon name="close" />
      </button>
    </div>
  ) : (
    <div ref={ref} class="invite" data-pulse />
  )
}
