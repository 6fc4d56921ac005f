import { ParleyCloseForm } from './close-form.ts'
import { ParleyConsole } from './console-app.ts'
import { ParleyConversationList } from './conversation-list.ts'
import { ParleyConversation } from './conversation-view.ts'
import { ParleyFormCard } from './form-card.ts'
import { ParleyLeadControls } from './lead-controls.ts'
import { ParleyLogin } from './login-form.ts'
import { ParleyMessageLog } from './message-log.ts'
import { ParleyRatingStars } from './rating-stars.ts'
import { ParleyReplyComposer } from './reply-composer.ts'
import { ParleySetPassword } from './set-password.ts'
import { ParleyStatusBar } from './status-bar.ts'
import type { ParleyVisitorCard } from './visitor-card.ts'
import { ParleyWorkspace } from './workspace.ts'

/** Tag names of the console's custom elements. */
export const CONSOLE_ELEMENTS = {
  'parley-console': ParleyConsole,
  'parley-login': ParleyLogin,
  'parley-set-password': ParleySetPassword,
  'parley-workspace': ParleyWorkspace,
  'parley-status-bar': ParleyStatusBar,
  'parley-conversation-list': ParleyConversationList,
  'parley-conversation': ParleyConversation,
  'parley-message-log': ParleyMessageLog,
  'parley-reply-composer': ParleyReplyComposer,
  'parley-form-card': ParleyFormCard,
  'parley-rating-stars': ParleyRatingStars,
  'parley-lead-controls': ParleyLeadControls,
  'parley-close-form': ParleyCloseForm,
} as const

/** Registers every console element that is not registered yet (safe to call twice). */
export function defineConsoleElements(registry: CustomElementRegistry = customElements): void {
  for (const [tag, element] of Object.entries(CONSOLE_ELEMENTS)) {
    if (!registry.get(tag)) registry.define(tag, element)
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'parley-console': ParleyConsole
    'parley-login': ParleyLogin
    'parley-set-password': ParleySetPassword
    'parley-workspace': ParleyWorkspace
    'parley-status-bar': ParleyStatusBar
    'parley-conversation-list': ParleyConversationList
    'parley-conversation': ParleyConversation
    'parley-message-log': ParleyMessageLog
    'parley-reply-composer': ParleyReplyComposer
    'parley-form-card': ParleyFormCard
    'parley-rating-stars': ParleyRatingStars
    'parley-visitor-card': ParleyVisitorCard
    'parley-lead-controls': ParleyLeadControls
    'parley-close-form': ParleyCloseForm
  }
}
