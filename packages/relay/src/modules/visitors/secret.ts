import { randomBytes } from 'node:crypto'
import type { SettingsStore } from '../../infra/db/settings.ts'
import type { UnitOfWork } from '../../infra/db/unit-of-work.ts'

const SECRET_SETTING = 'visitor_token_secret'

/** The HMAC secret of visitor tokens: from config, else the one kept in the database (created once). */
export async function loadSecret(
  db: UnitOfWork,
  settings: SettingsStore,
  configured: string | undefined,
): Promise<string> {
  if (configured) return configured
  return db.transaction(async (tx) => {
    const stored = await settings.get(SECRET_SETTING, tx)
    if (stored) return stored
    const secret = randomBytes(32).toString('base64url')
    await settings.set(tx, SECRET_SETTING, secret)
    return secret
  })
}
