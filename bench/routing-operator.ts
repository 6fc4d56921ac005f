/**
 * One simulated operator of the routing scenario: opens the operator socket with their own
 * session cookie, and for each conversation the relay assigns to them answers at once and
 * closes it `handleMs` later.
 */
import { type ConversationSummary, type OperatorOutbound, PROTOCOL_VERSION } from '@parley/protocol'
import WebSocket from 'ws'
import type { BenchOperator } from './routing-setup.ts'

export interface OperatorOptions {
  /** `ws://host:port` of the relay. */
  base: string
  operator: BenchOperator
  /** How long the operator keeps a conversation before closing it. */
  handleMs: number
  /** Milliseconds on the scenario's clock. */
  now: () => number
  /** The relay told this operator that a conversation is theirs (the first time). */
  onAssigned: (event: { conversationId: string; operatorId: string; at: number }) => void
}

export interface OperatorStats {
  id: string
  name: string
  groupIndex: number
  /** Most conversations the relay had given this operator at once, as its frames told. */
  maxOpen: number
  /** Conversations assigned to this operator. */
  assigned: number
  errors: Record<string, number>
}

export interface SimulatedOperator {
  stats: OperatorStats
  /** Conversations the relay says are this operator's now. */
  open(): number
  close(): void
}

/** Resolves once the relay says the operator is online. */
export async function connectOperator(options: OperatorOptions): Promise<SimulatedOperator> {
  const { operator, handleMs, now, onAssigned } = options
  const stats: OperatorStats = {
    id: operator.id,
    name: operator.name,
    groupIndex: operator.groupIndex,
    maxOpen: 0,
    assigned: 0,
    errors: {},
  }
  // Open, by the relay's frames: in from an assignment, out at a close's ack or a frame that
  // shows it closed or someone else's. A close under way still counts.
  const mine = new Set<string>()
  const seen = new Set<string>()
  /** Conversations this operator sent `close` for, and the close frames' cids. */
  const closed = new Set<string>()
  const closeCids = new Map<string, string>()
  const timers = new Set<NodeJS.Timeout>()
  let counter = 0
  let ending = false
  const ws = new WebSocket(`${options.base}/v1/operator`, { headers: { cookie: operator.cookie } })
  const send = (frame: object) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame))
  }

  const conversation = (c: ConversationSummary) => {
    if (c.operator?.id !== operator.id || c.status !== 'open') {
      mine.delete(c.id)
      return
    }
    // A conversation comes back only through a new assignment after it left; once closed, never.
    if (mine.has(c.id) || closed.has(c.id)) return
    mine.add(c.id)
    stats.maxOpen = Math.max(stats.maxOpen, mine.size)
    stats.assigned += 1
    if (!seen.has(c.id)) {
      seen.add(c.id)
      onAssigned({ conversationId: c.id, operatorId: operator.id, at: now() })
    }
    counter += 1
    send({ t: 'send', cid: `${operator.name}-r${counter}`, conversationId: c.id, text: 'Hello!' })
    const timer = setTimeout(() => {
      timers.delete(timer)
      if (!mine.has(c.id)) return
      counter += 1
      const cid = `${operator.name}-c${counter}`
      closed.add(c.id)
      closeCids.set(cid, c.id)
      send({ t: 'close', cid, conversationId: c.id })
    }, handleMs)
    timers.add(timer)
  }

  // Online by connecting: the relay makes a person online when their socket opens, and
  // says so in a `status` frame.
  await new Promise<void>((resolve, reject) => {
    ws.once('error', reject)
    ws.once('close', (code) => reject(new Error(`${operator.name}: socket closed (${code})`)))
    ws.once('open', () => send({ t: 'hello', v: PROTOCOL_VERSION }))
    ws.on('message', (raw) => {
      const frame = JSON.parse(String(raw)) as OperatorOutbound
      switch (frame.t) {
        case 'status':
          if (frame.status === 'online') resolve()
          break
        case 'ack': {
          const conversationId = closeCids.get(frame.cid)
          if (conversationId !== undefined) mine.delete(conversationId)
          closeCids.delete(frame.cid)
          break
        }
        case 'conversation':
          conversation(frame.conversation)
          break
        case 'error':
          stats.errors[frame.code] = (stats.errors[frame.code] ?? 0) + 1
          break
      }
    })
  })

  ws.on('close', (code) => {
    if (!ending) stats.errors[`socket closed ${code}`] = 1
  })

  return {
    stats,
    open: () => mine.size,
    close: () => {
      ending = true
      for (const timer of timers) clearTimeout(timer)
      timers.clear()
      ws.terminate()
    },
  }
}
