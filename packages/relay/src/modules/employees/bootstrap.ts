import { randomBytes } from 'node:crypto'
import type { ResolvedConfig } from '../../config/config.ts'
import { randomId } from '../../infra/ids.ts'
import type { Store } from '../../store/types.ts'
import { generatePassword, hashPassword } from '../auth/password.ts'
import { toSiteRecord } from '../sites/sites.ts'

const SECRET_SETTING = 'visitor_token_secret'

/** The HMAC secret: from config, else the one kept in the database (created once). */
export async function loadSecret(store: Store, configured: string | undefined): Promise<string> {
  if (configured) return configured
  const stored = await store.getSetting(SECRET_SETTING)
  if (stored) return stored
  const secret = randomBytes(32).toString('base64url')
  await store.setSetting(SECRET_SETTING, secret)
  return secret
}

/**
 * Creates the first admin when there are no employees. Returns the password when
 * it was generated (the caller prints it once), else undefined.
 */
export async function ensureAdmin(
  store: Store,
  config: ResolvedConfig,
): Promise<string | undefined> {
  if ((await store.listEmployees()).length > 0) return undefined
  const password = config.admin.password ?? generatePassword()
  await store.createEmployee({
    id: randomId('u'),
    email: config.admin.email,
    name: 'Admin',
    role: 'admin',
    passwordHash: await hashPassword(password),
    createdAt: config.now(),
  })
  return config.admin.password ? undefined : password
}

/**
 * Writes every configured site (and `demo` with `--demo`) to the store. Keys the
 * definition gives win; other settings (edited through the admin API) are kept.
 */
export async function seedSites(store: Store, config: ResolvedConfig): Promise<void> {
  for (const site of config.sites) {
    await store.putSite(toSiteRecord(site, await store.getSite(site.id)))
  }
}

/**
 * Sets a new generated password for the configured admin email (or the first
 * admin when that email is unknown); ends every session of that admin.
 */
export async function resetAdminPassword(
  store: Store,
  email: string,
): Promise<{ email: string; password: string }> {
  const employees = await store.listEmployees()
  const admin =
    employees.find((e) => e.email.toLowerCase() === email.toLowerCase() && e.role === 'admin') ??
    employees.find((e) => e.role === 'admin')
  const password = generatePassword()
  const passwordHash = await hashPassword(password)
  if (admin) {
    await store.setEmployeePassword(admin.id, passwordHash)
    return { email: admin.email, password }
  }
  await store.createEmployee({
    id: randomId('u'),
    email,
    name: 'Admin',
    role: 'admin',
    passwordHash,
    createdAt: Date.now(),
  })
  return { email, password }
}
