/**
 * The webhooks scenario, run in its own process by bench/run.ts against a fresh relay
 * (started with PARLEY_WEBHOOKS_ALLOW_PRIVATE=127.0.0.1).
 *
 * Starts a receiver on 127.0.0.1 that verifies every signature with `standardwebhooks`,
 * subscribes it to `message.created`, then runs phases of `visitors` visitors each sending
 * `per-visitor` messages a second (one conversation each: deliveries of a conversation go in
 * order, conversations in parallel) for `duration` seconds, and waits up to `drain` seconds
 * for the outbox to empty. Per phase: events/s offered, deliveries/s received while sending
 * and until the last one, and the outbox lag (the message's stored time → the receiver
 * has it verified) p50/p99/max. Prints one JSON line (`WebhooksResult`).
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { parseArgs } from 'node:util'
import { PROTOCOL_VERSION } from '@parley/protocol'
import { Webhook } from 'standardwebhooks'
import WebSocket from 'ws'
import { login } from './routing-setup.ts'

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    email: { type: 'string' },
    password: { type: 'string' },
    site: { type: 'string', default: 'bench' },
    phases: { type: 'string', default: '100x10,300x10' },
    duration: { type: 'string', default: '5' },
    drain: { type: 'string', default: '30' },
  },
})
const url = values.url!
const base = url.replace(/^http/, 'ws')
const durationMs = Number(values.duration) * 1000

export interface PhaseResult {
  visitors: number
  offeredPerSecond: number
  sent: number
  /** Messages the relay acknowledged (stored) while the visitors were sending. */
  ackedPerSecondWhileSending: number
  delivered: number
  duplicates: number
  badSignatures: number
  deliveredPerSecondWhileSending: number
  deliveredPerSecondToLast: number
  lagMs: { p50: number; p99: number; max: number }
  undelivered: number
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const pick = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN

// The receiver.
let secret = ''
let verifier: Webhook | undefined
const seen = new Set<string>()
let arrivals: { at: number; lag: number }[] = []
let duplicates = 0
let badSignatures = 0
const receiver = createServer((req, res) => {
  const chunks: Buffer[] = []
  req.on('data', (c) => chunks.push(c))
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8')
    try {
      const payload = verifier!.verify(body, req.headers as Record<string, string>) as {
        data: { message: { at: number } }
      }
      const id = String(req.headers['webhook-id'])
      if (seen.has(id)) duplicates++
      else {
        seen.add(id)
        const now = Date.now()
        arrivals.push({ at: now, lag: now - payload.data.message.at })
      }
      res.writeHead(204).end()
    } catch {
      badSignatures++
      res.writeHead(400).end()
    }
  })
})
await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r))
const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`

const cookie = await login(url, values.email!, values.password!)
const created = await fetch(`${url}/v1/admin/webhooks`, {
  method: 'POST',
  headers: { cookie, 'content-type': 'application/json' },
  body: JSON.stringify({ url: hookUrl, events: ['message.created'] }),
})
if (created.status !== 201) throw new Error(`endpoint: ${created.status} ${await created.text()}`)
const { secret: made, endpoint } = (await created.json()) as {
  secret: string
  endpoint: { id: string }
}
secret = made
verifier = new Webhook(secret)

/** Acks of sent messages (the relay stored them, with their outbox rows). */
let acks = 0

/** A visitor socket, welcomed. */
function visitor(): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${base}/v1/visitor?site=${values.site}`)
    ws.once('open', () => ws.send(JSON.stringify({ t: 'hello', v: PROTOCOL_VERSION })))
    ws.once('error', reject)
    ws.on('message', function first(raw) {
      if (JSON.parse(String(raw)).t === 'welcome') {
        ws.off('message', first)
        ws.on('message', (more) => {
          if (String(more).startsWith('{"t":"ack"')) acks++
        })
        resolve(ws)
      }
    })
  })
}

async function phase(
  visitors: number,
  perVisitor: number,
  expectDeliveries: boolean,
): Promise<PhaseResult> {
  arrivals = []
  duplicates = 0
  badSignatures = 0
  seen.clear()
  const sockets: WebSocket[] = []
  for (let i = 0; i < visitors; i += 50) {
    sockets.push(
      ...(await Promise.all(Array.from({ length: Math.min(50, visitors - i) }, visitor))),
    )
  }
  let sent = 0
  acks = 0
  const started = Date.now()
  const timers = sockets.map((ws, i) => {
    let n = 0
    // Spread the sockets over the interval so the load is even.
    const every = 1000 / perVisitor
    const tick = () => {
      ws.send(JSON.stringify({ t: 'send', cid: `p${visitors}-${i}-${n++}`, text: 'webhook bench' }))
      sent++
    }
    return setTimeout(
      function loop() {
        tick()
        timers[i] = setTimeout(loop, every) as never
      },
      (i / visitors) * every,
    )
  })
  await sleep(durationMs)
  for (const t of timers) clearTimeout(t)
  const stopped = Date.now()
  const ackedWhileSending = acks
  const whileSending = arrivals.filter((a) => a.at <= stopped).length
  const deadline = Date.now() + Number(values.drain) * 1000
  while (expectDeliveries && arrivals.length < sent && Date.now() < deadline) await sleep(100)
  for (const ws of sockets) ws.terminate()
  const lags = arrivals.map((a) => a.lag).sort((a, b) => a - b)
  const last = arrivals.at(-1)?.at ?? stopped
  return {
    visitors,
    offeredPerSecond: Math.round(sent / ((stopped - started) / 1000)),
    sent,
    ackedPerSecondWhileSending: Math.round(ackedWhileSending / ((stopped - started) / 1000)),
    delivered: arrivals.length,
    duplicates,
    badSignatures,
    deliveredPerSecondWhileSending: Math.round(whileSending / ((stopped - started) / 1000)),
    deliveredPerSecondToLast: Math.round(arrivals.length / ((last - started) / 1000)),
    lagMs: { p50: pick(lags, 0.5), p99: pick(lags, 0.99), max: lags.at(-1) ?? Number.NaN },
    undelivered: expectDeliveries ? sent - arrivals.length : 0,
  }
}

/** Turns the endpoint on or off (a phase spec ending in `off` measures the relay without it). */
async function setActive(active: boolean) {
  const res = await fetch(`${url}/v1/admin/webhooks/${endpoint.id}`, {
    method: 'PATCH',
    headers: { cookie, 'content-type': 'application/json' },
    body: JSON.stringify({ active }),
  })
  if (!res.ok) throw new Error(`endpoint: ${res.status}`)
}

const results: (PhaseResult & { endpoint: boolean })[] = []
for (const spec of values.phases!.split(',')) {
  const off = spec.endsWith('off')
  const [visitors, perVisitor] = spec.replace(/off$/, '').split('x').map(Number) as [number, number]
  await setActive(!off)
  results.push({ ...(await phase(visitors, perVisitor, !off)), endpoint: !off })
}
receiver.close()
console.log(JSON.stringify({ phases: results }))
process.exit(0)
