import type { Role } from '@parley/protocol'

/** One screen of the settings area: its address, its name in the navigation, who sees it. */
export interface SettingsSection {
  /** In the address: `#settings/<id>`. */
  id: string
  /** In the navigation and as the screen's heading. */
  label: string
  /** The custom element rendered for it; it gets `.api` (RestApi) and `.operator`. */
  tag: string
  /** Roles that see it; the relay checks permissions again on every request. */
  roles: readonly Role[]
}

/** The settings screens, in navigation order. */
export const SECTIONS: readonly SettingsSection[] = [
  { id: 'site', label: 'Site', tag: 'parley-site-settings', roles: ['admin'] },
  { id: 'employees', label: 'Employees', tag: 'parley-employees-settings', roles: ['admin'] },
  { id: 'groups', label: 'Groups', tag: 'parley-groups-settings', roles: ['admin'] },
  {
    id: 'scenarios',
    label: 'Scenarios',
    tag: 'parley-scenarios-settings',
    roles: ['admin', 'supervisor'],
  },
  { id: 'privacy', label: 'Privacy', tag: 'parley-privacy-settings', roles: ['admin'] },
  {
    id: 'consents',
    label: 'Consents',
    tag: 'parley-consents-settings',
    roles: ['admin', 'supervisor'],
  },
  { id: 'audit', label: 'Audit log', tag: 'parley-audit-settings', roles: ['admin', 'supervisor'] },
  {
    id: 'canned',
    label: 'Canned responses',
    tag: 'parley-canned-settings',
    roles: ['admin', 'supervisor', 'operator'],
  },
  { id: 'api-keys', label: 'API keys', tag: 'parley-api-keys-settings', roles: ['admin'] },
  { id: 'crm', label: 'CRM', tag: 'parley-crm-settings', roles: ['admin'] },
  { id: 'webhooks', label: 'Webhooks', tag: 'parley-webhooks-settings', roles: ['admin'] },
  { id: 'channels', label: 'Channels', tag: 'parley-channels-settings', roles: ['admin'] },
]

/** The sections `role` may open. */
export function sectionsFor(role: Role | undefined): SettingsSection[] {
  return role ? SECTIONS.filter((section) => section.roles.includes(role)) : []
}
