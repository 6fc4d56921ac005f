import type { InvitationOperator } from '@parley/protocol'
import type { ComponentChild } from 'preact'
import type { WidgetController } from './controller.ts'
import type { View } from './types.ts'

/**
 * An invitation, drawn as the operator's first message (photo, name, position, text): an
 * engagement scenario's, or one an operator sent (proactive chat).
 */
export type Invitation = ComponentChild

/** The scenarios chunk's entry: starts the engine for a controller; returns the teardown. */
export type StartScenarios = (controller: WidgetController) => () => void

/** What an invitation shows: a message, and the operator's card on it. */
export interface Invite {
  message: string
  operator?: InvitationOperator | undefined
}

/**
 * The invitation as the operator's message (photo, name, position, text): first
 * in the chat's log (a local message, never sent), and in the bubble.
 */
export function Message({ message, operator: o }: Invite) {
  return (
    <div class="msg">
      {o ? (
        <span class="author">
          {/* The relay accepts only http(s) photo URLs. */}
          {o.photoUrl ? <img class="avatar" src={o.photoUrl} alt="" /> : null} {o.name}
          {o.position ? `, ${o.position}` : null}
        </span>
      ) : null}
      <p class="text">{message}</p>
    </div>
  )
}

/**
 * Shows an invitation: its message (if any) first in the chat, the panel opened on `view`
 * without taking focus (`quiet`, until it has rendered), and the visitor's next message or
 * form naming `id` (a scenario, or an operator's invitation). A scenario's `openChat` and
 * `openCallback` and an operator's invitation all come here.
 */
export function invite(
  controller: WidgetController,
  id: string,
  shown: Invite | object,
  view: View = 'chat',
): void {
  controller.scenarioId = id
  if ('message' in shown) controller.$invitation.set(Message(shown))
  controller.quiet = true
  controller.open(view)
}
