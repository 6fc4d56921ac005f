import { randomBytes, scryptSync } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { DUMMY_PASSWORD_HASH, hashPassword, needsRehash, verifyPassword } from './password.ts'

/** A hash as the previous version stored it: scrypt N=2^14, r=8, p=1. */
function legacyHash(password: string): string {
  const salt = randomBytes(16)
  const key = scryptSync(password, salt, 64, { N: 16384, r: 8, p: 1 })
  return `scrypt$16384$8$1$${salt.toString('base64url')}$${key.toString('base64url')}`
}

describe('password hashes', () => {
  it('are scrypt with N=2^17, r=8, p=1, made without blocking the event loop', async () => {
    let ticks = 0
    const timer = setInterval(() => ticks++, 5)
    const stored = await hashPassword('correct horse battery')
    clearInterval(timer)
    expect(stored).toMatch(/^scrypt\$131072\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{86}$/)
    expect(ticks).toBeGreaterThan(0)
    expect(needsRehash(stored)).toBe(false)
    expect(await verifyPassword('correct horse battery', stored)).toBe(true)
    expect(await verifyPassword('wrong horse battery', stored)).toBe(false)
  })

  it('made with the previous cost still verify, and ask to be rehashed', async () => {
    const stored = legacyHash('correct horse battery')
    expect(await verifyPassword('correct horse battery', stored)).toBe(true)
    expect(await verifyPassword('wrong horse battery', stored)).toBe(false)
    expect(needsRehash(stored)).toBe(true)
  })

  it('ask to be rehashed when any parameter is below the current one', () => {
    const salt = Buffer.alloc(16).toString('base64url')
    const key = Buffer.alloc(64).toString('base64url')
    expect(needsRehash(`scrypt$131072$4$1$${salt}$${key}`)).toBe(true)
    expect(needsRehash(`scrypt$131072$8$1$${salt}$${key}`)).toBe(false)
    expect(needsRehash(`scrypt$131072$8$1$${salt}$${key.slice(0, 43)}`)).toBe(true)
    expect(needsRehash(`bcrypt$10$${salt}`)).toBe(true)
  })

  it('that are malformed verify as false instead of throwing', async () => {
    const salt = Buffer.alloc(16).toString('base64url')
    const key = Buffer.alloc(64).toString('base64url')
    const malformed = [
      '',
      'plain-text-password',
      `scrypt$abc$8$1$${salt}$${key}`,
      `scrypt$1000$8$1$${salt}$${key}`,
      `scrypt$16384$0$1$${salt}$${key}`,
      `scrypt$16384$8$1$$${key}`,
      `scrypt$16384$8$1$${salt}$`,
      `scrypt$16384$8$1$${salt}$${key}$extra`,
      `scrypt$1073741824$8$1$${salt}$${key}`,
    ]
    const results = await Promise.all(malformed.map((stored) => verifyPassword('x', stored)))
    expect(results).toEqual(malformed.map(() => false))
    expect(malformed.map(needsRehash)).toEqual(malformed.map(() => true))
  })

  it('have a dummy with the current cost, which no password matches', async () => {
    expect(needsRehash(DUMMY_PASSWORD_HASH)).toBe(false)
    expect(await verifyPassword('', DUMMY_PASSWORD_HASH)).toBe(false)
  })
})
