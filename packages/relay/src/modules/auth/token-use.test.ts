import { afterEach, beforeEach, expect, it } from 'vitest'
import { injectRelay, type TestRelay } from '../../testing/relay.ts'

let relay: TestRelay
let cookie: string
let now = 1_000_000
beforeEach(async () => {
  now = 1_000_000
  relay = await injectRelay({ now: () => now })
  cookie = await relay.login()
})
afterEach(async () => {
  await relay.close()
})

async function lastUsed(): Promise<(number | null)[]> {
  const reply = await relay.fetch('/v1/admin/tokens', { headers: { cookie } })
  const { tokens } = (await reply.json()) as { tokens: { lastUsedAt: number | null }[] }
  return tokens.map((t) => t.lastUsedAt)
}

it('lists when each API token was last used by a call that got through, to the minute', async () => {
  const created = await relay.fetch('/v1/admin/tokens', {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'crm', scopes: ['conversations:read'] }),
  })
  const { token } = (await created.json()) as { token: string }
  expect(await lastUsed()).toEqual([null])
  // A refused call is no use: it changes nothing.
  const refused = await relay.fetch('/v1/integrations/leads', {
    headers: { authorization: `Bearer ${token}` },
  })
  expect(refused.status).toBe(403)
  expect(await lastUsed()).toEqual([null])
  const use = () =>
    relay.fetch('/v1/conversations', { headers: { authorization: `Bearer ${token}` } })
  expect((await use()).status).toBe(200)
  expect(await lastUsed()).toEqual([1_000_000])
  // Within the minute nothing is written again; after it, the new time is.
  now += 59_000
  await use()
  expect(await lastUsed()).toEqual([1_000_000])
  now += 1_000
  await use()
  expect(await lastUsed()).toEqual([1_060_000])
})
