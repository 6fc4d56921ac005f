/**
 * One simulated visitor of the routing scenario: arrives (connects and says hello), sends
 * one message, which opens a chat the relay routes, and records on the scenario's clock
 * what the relay tells it — the ack, its places in the queue, who took it, the close.
 */
import { PROTOCOL_VERSION, type VisitorOutbound } from '@parley/protocol'
import WebSocket from 'ws'

/** What one visitor went through; times in ms on the scenario's clock. */
export interface VisitorRecord {
  index: number
  groupIndex: number
  /** When it opened its socket. */
  arrivedAt?: number
  /** When the relay's welcome came and it sent its message. */
  sentAt?: number
  ackAt?: number
  conversationId?: string
  /** The last `queue` frame's place; null once it no longer waits (or before any). */
  position: number | null
  /** First `conversation` frame naming an operator. */
  assignedAt?: number
  operatorId?: string
  closedAt?: number
  errors: string[]
}

export interface VisitorOptions {
  base: string
  siteId: string
  record: VisitorRecord
  now: () => number
}

/** Opens the visitor's socket; it sends its message as soon as the relay welcomes it. */
export function arriveVisitor({ base, siteId, record, now }: VisitorOptions): { close(): void } {
  record.arrivedAt = now()
  const ws = new WebSocket(`${base}/v1/visitor?site=${siteId}`)
  const cid = `v${record.index}`
  let ending = false
  ws.once('open', () =>
    ws.send(
      JSON.stringify({ t: 'hello', v: PROTOCOL_VERSION, page: { url: 'http://bench/routing' } }),
    ),
  )
  ws.on('error', (err) => record.errors.push(`socket: ${err.message}`))
  ws.on('close', (code) => {
    if (!ending && record.closedAt === undefined) record.errors.push(`socket closed ${code}`)
  })
  ws.on('message', (raw) => {
    const frame = JSON.parse(String(raw)) as VisitorOutbound
    switch (frame.t) {
      case 'welcome':
        record.sentAt = now()
        ws.send(JSON.stringify({ t: 'send', cid, text: 'Hello, I have a question' }))
        break
      case 'ack':
        if (frame.cid === cid) {
          record.ackAt = now()
          record.conversationId ??= frame.conversationId
        }
        break
      case 'queue':
        record.position = frame.position
        break
      case 'conversation': {
        const c = frame.conversation
        record.conversationId ??= c.id
        if (c.operator && record.assignedAt === undefined) {
          record.assignedAt = now()
          record.operatorId = c.operator.id
        }
        if (c.status === 'closed') {
          record.closedAt ??= now()
          ending = true
        }
        break
      }
      case 'error':
        record.errors.push(frame.code)
        break
    }
  })
  return {
    close: () => {
      ending = true
      ws.terminate()
    },
  }
}
