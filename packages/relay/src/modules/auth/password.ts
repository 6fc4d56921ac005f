import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto'

/**
 * Current scrypt cost for new hashes: N=2^17, r=8, p=1, the minimum OWASP's Password
 * Storage Cheat Sheet recommends. One derivation takes ~128 MiB and ~0.3 s on libuv's
 * thread pool. Hashes made with a lower cost still verify; `needsRehash` tells the
 * caller to store a new one after a successful login.
 * https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html#scrypt
 */
/** The default N; `RelayConfig.passwordCost` may lower it (tests) or raise it. */
export const DEFAULT_N = 2 ** 17
const N = DEFAULT_N
const R = 8
const P = 1
const SALT_LENGTH = 16
const KEY_LENGTH = 64
/** The most parallelism a stored hash may ask for: p multiplies the time of a check. */
const MAX_P = 16
/** scrypt needs 128·r·(N+2) + 128·r·p bytes (OpenSSL's check); the current cost plus 1 MiB. */
const MAX_MEMORY = 128 * R * N + 1024 * 1024

const FORMAT = /^scrypt\$(\d{1,10})\$(\d{1,3})\$(\d{1,3})\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/

interface Parsed {
  n: number
  r: number
  p: number
  salt: Buffer
  key: Buffer
}

/** The parts of a `scrypt$N$r$p$salt$hash` string, or `undefined` when it is not one we can check. */
function parse(stored: string): Parsed | undefined {
  const match = FORMAT.exec(stored)
  if (!match) return undefined
  const [, nText = '', rText = '', pText = '', saltText = '', keyText = ''] = match
  const n = Number(nText)
  const r = Number(rText)
  const p = Number(pText)
  const powerOfTwo = n > 1 && (n & (n - 1)) === 0
  if (!powerOfTwo || r < 1 || p < 1 || p > MAX_P) return undefined
  if (128 * r * (n + 2) + 128 * r * p > MAX_MEMORY) return undefined
  const salt = Buffer.from(saltText, 'base64url')
  const key = Buffer.from(keyText, 'base64url')
  if (salt.length === 0 || key.length !== KEY_LENGTH) return undefined
  return { n, r, p, salt, key }
}

function derive(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, KEY_LENGTH, { N: n, r, p, maxmem: MAX_MEMORY }, (error, key) =>
      error ? reject(error) : resolve(key),
    )
  })
}

function format(n: number, r: number, p: number, salt: Buffer, key: Buffer): string {
  return `scrypt$${n}$${r}$${p}$${salt.toString('base64url')}$${key.toString('base64url')}`
}

/**
 * Hashes a password with scrypt at the current cost and a random 16-byte salt:
 * `scrypt$N$r$p$salt$hash` (base64url). Runs on the thread pool, not the event loop.
 */
export async function hashPassword(password: string, n = N): Promise<string> {
  const salt = randomBytes(SALT_LENGTH)
  return format(n, R, P, salt, await derive(password, salt, n, R, P))
}

/**
 * Checks a password against a `hashPassword` result, of the current or an earlier cost,
 * in constant time. A malformed hash, or one asking for more memory than the current
 * cost, resolves `false`.
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parse(stored)
  if (!parsed) return false
  const key = await derive(password, parsed.salt, parsed.n, parsed.r, parsed.p)
  return timingSafeEqual(key, parsed.key)
}

/**
 * Whether a stored hash should be replaced by `hashPassword(password)` once the password
 * has verified: true when its N, r, p or salt length is below the current ones, or it is
 * not a `scrypt$N$r$p$salt$hash` string this version can check.
 */
export function needsRehash(stored: string, n = N): boolean {
  const parsed = parse(stored)
  if (!parsed) return true
  return parsed.n < n || parsed.r < R || parsed.p < P || parsed.salt.length < SALT_LENGTH
}

/**
 * A hash no password matches, at the current cost: verified against when the email is
 * unknown, so the answer takes as long as for a known one.
 */
export const DUMMY_PASSWORD_HASH = dummyPasswordHash(N)

/** `DUMMY_PASSWORD_HASH` at another N (`RelayConfig.passwordCost`). */
export function dummyPasswordHash(n: number): string {
  return format(n, R, P, Buffer.alloc(SALT_LENGTH), Buffer.alloc(KEY_LENGTH))
}

/** A random password for generated admin accounts: 20 url-safe characters. */
export function generatePassword(): string {
  return randomBytes(15).toString('base64url')
}
