/**
 * Load generator, run in its own process by bench/run.ts. Opens N visitor and M
 * operator sockets, has every visitor send `rate` messages a second for
 * `duration` seconds, and prints one JSON line of results on stdout.
 *
 * Latency is visitor `send` → operator `event`, measured on one clock (the
 * timestamp rides in the message text). Before the window each visitor sends one message
 * and waits for its ack (in batches), so the window measures messages into conversations
 * that exist, not 2,000 conversations being opened and routed at once.
 */
import { parseArgs } from 'node:util'
import { io } from 'socket.io-client'
import WebSocket from 'ws'

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    /** Where the operators connect (another relay of the same deployment); default `url`. */
    'operator-url': { type: 'string' },
    site: { type: 'string', default: 'demo' },
    token: { type: 'string', default: '' },
    visitors: { type: 'string', default: '1000' },
    operators: { type: 'string', default: '20' },
    rate: { type: 'string', default: '1' },
    duration: { type: 'string', default: '10' },
    /** `ws`: Parley's frames as WebSocket text; `socketio`: bench/socketio-relay.ts. */
    transport: { type: 'string', default: 'ws' },
  },
})
const base = values.url!.replace(/^http/, 'ws')
const operatorBase = (values['operator-url'] ?? values.url!).replace(/^http/, 'ws')
const visitors = Number(values.visitors)
const operators = Number(values.operators)
const rate = Number(values.rate)
const durationMs = Number(values.duration) * 1000

/** One client socket, whichever transport: text frames in and out. */
interface Client {
  send(text: string): void
  on(event: 'message', listener: (text: string) => void): void
  off(event: 'message', listener: (text: string) => void): void
  terminate(): void
}

function connect(url: string): Promise<Client> {
  const listeners = new Set<(text: string) => void>()
  const emit = (text: string) => {
    for (const listener of listeners) listener(text)
  }
  const client = (send: (text: string) => void, terminate: () => void): Client => ({
    send,
    on: (_event, listener) => listeners.add(listener),
    off: (_event, listener) => listeners.delete(listener),
    terminate,
  })
  if (values.transport === 'socketio') {
    // A frame `{t, ...rest}` is the Socket.IO event `t` with `rest` as its payload.
    const address = url.replace(/^ws/, 'http').split('?')[0]!
    const socket = io(address.replace(/\/v1\/.*$/, ''), {
      transports: ['websocket'],
      reconnection: false,
      query: { role: address.endsWith('/v1/operator') ? 'operator' : 'visitor' },
    })
    socket.onAny((t: string, payload: object) => emit(JSON.stringify({ t, ...payload })))
    const sio = client(
      (text) => {
        const { t, ...rest } = JSON.parse(text) as { t: string }
        socket.emit(t, rest)
      },
      () => socket.disconnect(),
    )
    return new Promise((resolve, reject) => {
      socket.once('connect', () => resolve(sio))
      socket.once('connect_error', reject)
    })
  }
  const ws = new WebSocket(url)
  ws.on('message', (raw) => emit(String(raw)))
  const plain = client(
    (text) => ws.send(text),
    () => ws.terminate(),
  )
  return new Promise((resolve, reject) => {
    ws.once('error', reject)
    ws.once('open', () => resolve(plain))
  })
}

async function open(url: string, hello: object): Promise<Client> {
  const client = await connect(url)
  return new Promise((resolve, reject) => {
    const onWelcome = (text: string) => {
      const frame = JSON.parse(text)
      if (frame.t === 'welcome') {
        client.off('message', onWelcome)
        resolve(client)
      } else if (frame.t === 'error') reject(new Error(`${frame.code}: ${frame.message}`))
    }
    client.on('message', onWelcome)
    client.send(JSON.stringify(hello))
  })
}

async function inBatches<T>(count: number, make: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = []
  for (let i = 0; i < count; i += 100) {
    const batch = Array.from({ length: Math.min(100, count - i) }, (_, j) => make(i + j))
    out.push(...(await Promise.all(batch)))
  }
  return out
}

const latencies: number[] = []
let delivered = 0
let acked = 0
let errors = 0
let measuring = false
/** Messages sent before the window opened are not measured. */
let measuredFrom = Number.POSITIVE_INFINITY
let measuredUntil = Number.POSITIVE_INFINITY

const ops = await inBatches(operators, () =>
  open(`${operatorBase}/v1/operator`, { t: 'hello', v: 1, apiToken: values.token }),
)
for (const op of ops) {
  op.on('message', (text) => {
    if (!text.includes('"t":"event"')) return
    const frame = JSON.parse(text)
    const sent = Number(frame.text.split(' ')[1])
    if (measuring && sent >= measuredFrom && sent <= measuredUntil) {
      delivered += 1
      latencies.push(performance.timeOrigin + performance.now() - sent)
    }
  })
}
const vis = await inBatches(visitors, () =>
  open(`${base}/v1/visitor?site=${values.site}`, {
    t: 'hello',
    v: 1,
    page: { url: 'http://bench/' },
  }),
)
// Like a real client, a visitor names its conversation once the first ack told it.
const conversationOf: (string | undefined)[] = []
const sentAt: number[][] = vis.map(() => [])
vis.forEach((v, i) => {
  v.on('message', (text) => {
    if (text.includes('"t":"ack"')) {
      // A socket's acks come in the order of its sends.
      const sent = sentAt[i]!.shift()!
      if (sent >= measuredFrom && sent <= measuredUntil) acked += 1
      conversationOf[i] ??= JSON.parse(text).conversationId
    } else if (text.includes('"t":"error"')) {
      errors += 1
      sentAt[i]!.shift()
    }
  })
})

// Warm-up: every visitor's conversation opened, a hundred visitors at a time.
for (let i = 0; i < vis.length; i += 100) {
  await Promise.all(
    vis.slice(i, i + 100).map(
      (v, j) =>
        new Promise<void>((resolve) => {
          const k = i + j
          const wait = setInterval(() => {
            if (conversationOf[k] !== undefined) {
              clearInterval(wait)
              resolve()
            }
          }, 5)
          sentAt[k]!.push(0)
          v.send(JSON.stringify({ t: 'send', cid: `warm-${k}`, text: 'warm-up' }))
        }),
    ),
  )
}

let counter = 0
const interval = 1000 / rate
const timers = vis.map((v, i) => {
  const send = () => {
    counter += 1
    sentAt[i]!.push(performance.timeOrigin + performance.now())
    v.send(
      JSON.stringify({
        t: 'send',
        cid: `b${i}-${counter}`,
        conversationId: conversationOf[i],
        text: `bench ${performance.timeOrigin + performance.now()}`,
      }),
    )
  }
  // Spread the visitors evenly over the first interval so the load is steady.
  return setTimeout(
    () => {
      send()
      timers[i] = setInterval(send, interval)
    },
    (i / visitors) * interval,
  )
}) as NodeJS.Timeout[]

measuring = true
measuredFrom = performance.timeOrigin + performance.now()
// The runner samples the relay's CPU time between these two lines.
console.log('measuring')
const started = performance.now()
await new Promise((r) => setTimeout(r, durationMs))
for (const t of timers) clearInterval(t)
const elapsed = (performance.now() - started) / 1000
measuredUntil = performance.timeOrigin + performance.now()
console.log('stopped')
// Acks and events of messages sent in the window still count (a late one is slow, not lost).
await new Promise((r) => setTimeout(r, 1000))
measuring = false

latencies.sort((a, b) => a - b)
const pick = (q: number) =>
  latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN
console.log(
  JSON.stringify({
    messagesPerSecond: acked / elapsed,
    deliveriesPerSecond: delivered / elapsed,
    p50: pick(0.5),
    p99: pick(0.99),
    errors,
  }),
)
for (const s of [...vis, ...ops]) s.terminate()
process.exit(0)
