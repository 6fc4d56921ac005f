/**
 * Messenger channels against their fakes (`node --import tsx bench/channels.ts`): for each of
 * Telegram, Viber and VK, `chats` visitors write to the bot (the inbound webhook's latency
 * p50/p99 over HTTP), then an operator answers each `replies` times over REST, and the
 * outbox sends with its default pacing (1 message a second per chat, 30 a second per bot):
 * outbound messages/s until the fake has them all, and whether each arrived exactly once.
 * Prints one JSON line per channel.
 */
import { createHmac } from 'node:crypto'
import { parseArgs } from 'node:util'
import { startFakeTelegram, telegramText } from '../packages/relay/src/testing/fake-telegram.ts'
import { startFakeViber, viberText } from '../packages/relay/src/testing/fake-viber.ts'
import { startFakeVk, vkMessage } from '../packages/relay/src/testing/fake-vk.ts'
import { startRelay } from '../packages/relay/src/testing/relay.ts'

const { values } = parseArgs({
  options: {
    chats: { type: 'string', default: '30' },
    replies: { type: 'string', default: '3' },
  },
})
const CHATS = Number(values.chats)
const REPLIES = Number(values.replies)

const pick = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN

const telegram = await startFakeTelegram({ tokens: ['1:bench'] })
const viber = await startFakeViber({ token: 'viber-bench' })
const vk = await startFakeVk({ token: 'vk-bench' })
const relay = await startRelay({
  publicUrl: 'http://127.0.0.1:1',
  channels: {
    secretKey: 'c'.repeat(64),
    telegramApiRoot: telegram.apiRoot,
    viberApiRoot: viber.apiRoot,
    vkApiBaseUrl: vk.apiBaseUrl,
  },
})
viber.reachRelayWith((url, init) => relay.fetch(new URL(url).pathname, init))
const cookie = await relay.login()
// The operator answers from the console: online, with room for every chat.
const me = await (await relay.fetch('/v1/auth/me', { headers: { cookie } })).json()
await relay.fetch(`/v1/admin/employees/${me.operator.id}`, {
  method: 'PATCH',
  headers: { cookie, 'content-type': 'application/json' },
  body: JSON.stringify({ capacity: 100 }),
})
const { groups } = await (
  await relay.fetch('/v1/admin/sites/shop/groups', { headers: { cookie } })
).json()
for (const group of groups) {
  await relay.fetch(`/v1/admin/groups/${group.id}`, {
    method: 'PATCH',
    headers: { cookie, 'content-type': 'application/json' },
    body: JSON.stringify({ capacity: 100 }),
  })
}
const { socket } = await relay.operator({ cookie })
await socket.next((f) => f.t === 'status' && f.status === 'online')

async function api(method: string, path: string, body?: unknown) {
  const response = await relay.fetch(path, {
    method,
    headers: { cookie, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  // biome-ignore lint/suspicious/noExplicitAny: replies are read field by field
  return response.json() as Promise<Record<string, any>>
}

interface Case {
  kind: 'telegram' | 'viber' | 'vk'
  credentials: Record<string, string>
  /** One inbound request from chat `i`. */
  inbound(path: string, i: number): Promise<Response>
  sent(): number
  distinct(): number
}

const post = (path: string, body: string, headers: Record<string, string>) =>
  fetch(`${relay.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  })

const cases: Case[] = [
  {
    kind: 'telegram',
    credentials: { token: '1:bench' },
    inbound: (path, i) =>
      post(path, JSON.stringify(telegramText(10_000 + i, `Hello ${i}`)), {
        'x-telegram-bot-api-secret-token': telegram.webhook('1:bench')!.secret!,
      }),
    sent: () => telegram.callsOf('sendMessage').length,
    distinct: () =>
      new Set(telegram.callsOf('sendMessage').map((c) => `${c.params.chat_id}:${c.params.text}`))
        .size,
  },
  {
    kind: 'viber',
    credentials: { token: 'viber-bench' },
    inbound: (path, i) => {
      const raw = viberText(`user${i}==`, `Hello ${i}`)
      return post(path, raw, {
        'x-viber-content-signature': createHmac('sha256', 'viber-bench').update(raw).digest('hex'),
      })
    },
    sent: () => viber.callsOf('send_message').length,
    distinct: () =>
      new Set(viber.callsOf('send_message').map((c) => `${c.body.receiver}:${c.body.text}`)).size,
  },
  {
    kind: 'vk',
    credentials: { token: 'vk-bench', secret: 'vk-secret', confirmation: 'ok123' },
    inbound: (path, i) =>
      post(path, JSON.stringify(vkMessage(20_000 + i, `Hello ${i}`, 'vk-secret')), {}),
    sent: () => vk.delivered.length,
    distinct: () => new Set(vk.delivered.map((m) => m.randomId)).size,
  },
]

for (const c of cases) {
  const { contactPoint } = await api('POST', '/v1/admin/contact-points', {
    kind: c.kind,
    siteId: 'shop',
    name: `Bench ${c.kind}`,
    credentials: c.credentials,
  })
  const path = contactPoint.webhookPath as string
  const latencies: number[] = []
  for (let i = 0; i < CHATS; i++) {
    const started = performance.now()
    const response = await c.inbound(path, i)
    await response.arrayBuffer()
    if (response.status !== 200) throw new Error(`${c.kind} inbound: HTTP ${response.status}`)
    latencies.push(performance.now() - started)
  }
  latencies.sort((a, b) => a - b)
  const conversations = (await relay.stores.conversations.list(10_000)).filter(
    (s) => s.channel === c.kind,
  )
  const started = performance.now()
  for (let r = 0; r < REPLIES; r++) {
    for (const conversation of conversations) {
      const answer = await api('POST', `/v1/conversations/${conversation.id}/messages`, {
        cid: `bench-${r}-${conversation.id}`,
        text: `Reply ${r}`,
      })
      if (!answer.id) throw new Error(`reply refused: ${JSON.stringify(answer)}`)
    }
  }
  const total = conversations.length * REPLIES
  while (c.sent() < total) await new Promise((r) => setTimeout(r, 20))
  const seconds = (performance.now() - started) / 1000
  console.log(
    JSON.stringify({
      channel: c.kind,
      inboundMs: {
        p50: Number(pick(latencies, 0.5).toFixed(1)),
        p99: Number(pick(latencies, 0.99).toFixed(1)),
      },
      outbound: total,
      outboundPerSecond: Number((total / seconds).toFixed(1)),
      receivedOnce: c.distinct() === total && c.sent() === total,
    }),
  )
}

await relay.close()
await Promise.all([telegram.close(), viber.close(), vk.close()])
