import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'

/** A contact point's credentials in clear (only ever in memory). */
export interface ChannelCredentials {
  token?: string
  secret?: string
  confirmation?: string
}

const IV_BYTES = 12
const TAG_BYTES = 16

/**
 * Seals and opens contact point credentials with AES-256-GCM under the relay's
 * `PARLEY_SECRET_KEY` (32 bytes, written as 64 hex digits). A sealed value is
 * base64(IV ‖ ciphertext ‖ tag); the contact point id is the additional data, so a sealed
 * value copied onto another contact point does not open.
 */
export interface CredentialBox {
  seal(contactPointId: string, credentials: ChannelCredentials): string
  open(contactPointId: string, sealed: string): ChannelCredentials
}

/** Why `PARLEY_SECRET_KEY` is not usable, or undefined when it is. */
export function secretKeyProblem(key: string | undefined): string | undefined {
  if (key === undefined || key === '') {
    return 'PARLEY_SECRET_KEY is not set: channel credentials are stored encrypted with it. Generate one with `openssl rand -hex 32` and set it.'
  }
  if (!/^[0-9a-fA-F]{64}$/.test(key)) {
    return 'PARLEY_SECRET_KEY must be 64 hex digits (32 bytes), e.g. from `openssl rand -hex 32`.'
  }
  return undefined
}

/** A box over a key `secretKeyProblem` accepts (throws otherwise). */
export function createCredentialBox(hexKey: string): CredentialBox {
  const problem = secretKeyProblem(hexKey)
  if (problem) throw new TypeError(problem)
  const key = Buffer.from(hexKey, 'hex')
  return {
    seal(contactPointId, credentials) {
      const iv = randomBytes(IV_BYTES)
      const cipher = createCipheriv('aes-256-gcm', key, iv)
      cipher.setAAD(Buffer.from(contactPointId))
      const body = Buffer.concat([
        cipher.update(JSON.stringify(credentials), 'utf8'),
        cipher.final(),
      ])
      return Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64')
    },
    open(contactPointId, sealed) {
      const raw = Buffer.from(sealed, 'base64')
      const iv = raw.subarray(0, IV_BYTES)
      const tag = raw.subarray(raw.length - TAG_BYTES)
      const decipher = createDecipheriv('aes-256-gcm', key, iv)
      decipher.setAAD(Buffer.from(contactPointId))
      decipher.setAuthTag(tag)
      const text = Buffer.concat([
        decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)),
        decipher.final(),
      ]).toString('utf8')
      return JSON.parse(text) as ChannelCredentials
    },
  }
}
