import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { buildServer } from '../../app.ts'
import { resolveConfig } from '../../config/config.ts'
import { injectRelay } from '../../testing/relay.ts'
import { createCredentialBox } from './credentials.ts'

const dir = mkdtempSync(join(tmpdir(), 'parley-channels-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const body = {
  kind: 'telegram',
  siteId: 'shop',
  name: 'Bot',
  mode: 'polling',
  credentials: { token: '1:x' },
}

describe('PARLEY_SECRET_KEY', () => {
  it('is refused at configuration when it is not 64 hex digits, saying how to make one', () => {
    for (const secretKey of ['short', 'g'.repeat(64), 'a'.repeat(63)]) {
      expect(() => resolveConfig({ databasePath: ':memory:', channels: { secretKey } })).toThrow(
        /64 hex digits.*openssl rand -hex 32/,
      )
    }
  })

  it('is needed to add a contact point: without it the API says so and stores nothing', async () => {
    const relay = await injectRelay()
    try {
      const cookie = await relay.login()
      const response = await relay.fetch('/v1/admin/contact-points', {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
      expect(response.status).toBe(503)
      expect(await response.json()).toMatchObject({ code: 'channel_secret_key_missing' })
      expect(await relay.stores.channels.listContactPoints()).toEqual([])
    } finally {
      await relay.close()
    }
  })

  it('stops a relay whose database has contact points from starting without it', async () => {
    const databasePath = join(dir, 'points.db')
    const base = {
      databasePath,
      admin: { password: 'a long enough password' },
      passwordCost: 2 ** 12,
      staticDirs: { widget: '/none', console: '/none', demoSite: '/none' },
      sites: [{ id: 'shop' }],
      geoip: { database: false as const },
    }
    const first = await buildServer({
      ...base,
      channels: { secretKey: 'b'.repeat(64), telegramApiRoot: 'http://127.0.0.1:9' },
    })
    await first.ready()
    await first.channels.create(body as never)
    await first.close()
    await expect(buildServer(base)).rejects.toThrow(
      /1 messenger contact point\(s\) but PARLEY_SECRET_KEY is not set/,
    )
  })
})

describe('sealed credentials', () => {
  it('open with the key and contact point they were sealed for, and no other', () => {
    const box = createCredentialBox('c'.repeat(64))
    const sealed = box.seal('cp_1', { token: '123:secret' })
    expect(sealed).not.toContain('123:secret')
    expect(box.open('cp_1', sealed)).toEqual({ token: '123:secret' })
    expect(() => box.open('cp_2', sealed)).toThrow()
    expect(() => createCredentialBox('d'.repeat(64)).open('cp_1', sealed)).toThrow()
  })
})
