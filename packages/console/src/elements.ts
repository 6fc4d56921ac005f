import { ParleyConsole } from './console-app.ts'
import { ParleyConversationList } from './conversation-list.ts'
import { ParleyConversation } from './conversation-view.ts'
import { ParleyFormCard } from './form-card.ts'
import { ParleyLogin } from './login-form.ts'
import { ParleyMessageLog } from './message-log.ts'
import { ParleyRatingStars } from './rating-stars.ts'
import { ParleyReplyComposer } from './reply-composer.ts'
import { ParleySetPassword } from './set-password.ts'
import { ParleyAuditSettings } from './settings/audit.ts'
import { ParleyConsentsSettings } from './settings/consents.ts'
import { ParleyEmployeesSettings } from './settings/employees.ts'
import { ParleyGroupsSettings } from './settings/groups.ts'
import { ParleyPrivacySettings } from './settings/privacy.ts'
import { ParleySettings } from './settings/settings-view.ts'
import { ParleySiteSettings } from './settings/site.ts'
import { ParleyWebhooksSettings } from './settings/webhooks.ts'
import { ParleyStatusBar } from './status-bar.ts'
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
  'parley-settings': ParleySettings,
  'parley-employees-settings': ParleyEmployeesSettings,
  'parley-site-settings': ParleySiteSettings,
  'parley-groups-settings': ParleyGroupsSettings,
  'parley-privacy-settings': ParleyPrivacySettings,
  'parley-consents-settings': ParleyConsentsSettings,
  'parley-audit-settings': ParleyAuditSettings,
  'parley-webhooks-settings': ParleyWebhooksSettings,
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
    'parley-settings': ParleySettings
    'parley-employees-settings': ParleyEmployeesSettings
    'parley-site-settings': ParleySiteSettings
    'parley-groups-settings': ParleyGroupsSettings
    'parley-privacy-settings': ParleyPrivacySettings
    'parley-consents-settings': ParleyConsentsSettings
    'parley-audit-settings': ParleyAuditSettings
    'parley-webhooks-settings': ParleyWebhooksSettings
  }
}
