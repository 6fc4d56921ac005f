import { ParleyApiKeysSettings } from './api-keys.ts'
import { ParleyAuditSettings } from './audit.ts'
import { ParleyButtonPreview } from './button-preview.ts'
import { ParleyCannedSettings } from './canned.ts'
import { ParleyChannelsSettings } from './channels.ts'
import { ParleyConsentsSettings } from './consents.ts'
import { ParleyCrmSettings } from './crm.ts'
import { ParleyEmbedSnippet } from './embed-snippet.ts'
import { ParleyEmployeesSettings } from './employees.ts'
import { ParleyGroupsSettings } from './groups.ts'
import { ParleyPrivacySettings } from './privacy.ts'
import { ParleyScenariosSettings } from './scenarios.ts'
import { ParleySettings } from './settings-view.ts'
import { ParleySiteSettings } from './site.ts'
import { ParleyWebhooksSettings } from './webhooks.ts'

/**
 * The settings screens' elements. They are a chunk of their own, loaded the first time
 * someone opens Settings (`loadSettings`): an operator who never does never downloads them.
 */
export const SETTINGS_ELEMENTS = {
  'parley-settings': ParleySettings,
  'parley-site-settings': ParleySiteSettings,
  'parley-employees-settings': ParleyEmployeesSettings,
  'parley-groups-settings': ParleyGroupsSettings,
  'parley-canned-settings': ParleyCannedSettings,
  'parley-privacy-settings': ParleyPrivacySettings,
  'parley-consents-settings': ParleyConsentsSettings,
  'parley-audit-settings': ParleyAuditSettings,
  'parley-api-keys-settings': ParleyApiKeysSettings,
  'parley-crm-settings': ParleyCrmSettings,
  'parley-webhooks-settings': ParleyWebhooksSettings,
  'parley-channels-settings': ParleyChannelsSettings,
  'parley-scenarios-settings': ParleyScenariosSettings,
  'parley-embed-snippet': ParleyEmbedSnippet,
  'parley-button-preview': ParleyButtonPreview,
} as const

/** Registers every settings element not registered yet (safe to call twice). */
export function defineSettingsElements(registry: CustomElementRegistry = customElements): void {
  for (const [tag, element] of Object.entries(SETTINGS_ELEMENTS)) {
    if (!registry.get(tag)) registry.define(tag, element)
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'parley-settings': ParleySettings
    'parley-site-settings': ParleySiteSettings
    'parley-employees-settings': ParleyEmployeesSettings
    'parley-groups-settings': ParleyGroupsSettings
    'parley-canned-settings': ParleyCannedSettings
    'parley-privacy-settings': ParleyPrivacySettings
    'parley-consents-settings': ParleyConsentsSettings
    'parley-audit-settings': ParleyAuditSettings
    'parley-api-keys-settings': ParleyApiKeysSettings
    'parley-crm-settings': ParleyCrmSettings
    'parley-webhooks-settings': ParleyWebhooksSettings
    'parley-channels-settings': ParleyChannelsSettings
    'parley-scenarios-settings': ParleyScenariosSettings
    'parley-embed-snippet': ParleyEmbedSnippet
    'parley-button-preview': ParleyButtonPreview
  }
}
