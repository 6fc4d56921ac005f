import type { Ack, OperatorInbound, OperatorSend, VisitorInbound } from '@parley/protocol'
import type { FastifyInstance } from 'fastify'
import { type Outcome, publishAll } from '../../infra/bus/outcome.ts'
import { relayError } from '../../infra/errors.ts'
import type { ReplySocket } from '../../infra/ws/frame-socket.ts'
import type { Actor, OperatorActor } from './actor.ts'

/** What a frame handler gets besides its frame: who sent it, on which socket. */
export interface FrameContext<A extends Actor> {
  actor: A
  socket: ReplySocket
}

/** One handler per frame type; each returns what to ack and publish, or nothing. */
export type FrameTable<A extends Actor, F extends { t: string }> = {
  [T in F['t']]: (
    context: FrameContext<A>,
    frame: Extract<F, { t: T }>,
  ) => Promise<Outcome | undefined>
}

type Shared = { t: 'send' | 'typing' | 'read' | 'sync' | 'ping' }

/** The frames both sockets speak: send, typing, read, sync, ping. */
export function conversationFrames(app: FastifyInstance): FrameTable<Actor, SharedFrames> {
  const { conversations } = app
  const table: FrameTable<Actor, SharedFrames> = {
    send: ({ actor }, frame) => conversations.send(actor, frame),
    // `sendOverRest` runs this same handler for `POST /v1/conversations/:id/messages`.
    typing: ({ actor, socket }, frame) => conversations.typing(actor, frame, socket.id),
    read: ({ actor, socket }, frame) => conversations.read(actor, frame, socket.id),
    sync: async ({ actor, socket }, frame) => {
      await socket.replay((emit) => conversations.replay(actor, frame.cursor, emit))
      return undefined
    },
    ping: async ({ socket }) => {
      socket.send({ t: 'pong' })
      return undefined
    },
  }
  return table
}

type SharedFrames = Extract<VisitorInbound | OperatorInbound, Shared>

/**
 * Runs the frame's handler (tracked, so shutdown waits for it), then sends the ack on this
 * socket and publishes the rest. `hello` is each socket's own business and never comes here.
 */
export async function dispatch<A extends Actor, F extends { t: string }>(
  app: FastifyInstance,
  table: FrameTable<A, F>,
  context: FrameContext<A>,
  frame: F,
): Promise<void> {
  const handler = table[frame.t as F['t']] as
    | ((context: FrameContext<A>, frame: F) => Promise<Outcome | undefined>)
    | undefined
  if (!handler) throw relayError('bad_frame', `Unexpected frame type: ${frame.t}`)
  const outcome = await app.inflight.track(handler(context, frame))
  if (!outcome) return
  if (outcome.ack) context.socket.send(outcome.ack)
  publishAll(app.bus, outcome)
}

/**
 * An operator's `send` that came over REST (`POST /v1/conversations/:id/messages`): the
 * socket's own handler, tracked like a frame, then published the same way; the ack is the
 * reply. A repeated `cid` gets the first ack and publishes nothing.
 */
export async function sendOverRest(
  app: FastifyInstance,
  actor: OperatorActor,
  frame: OperatorSend,
): Promise<Ack> {
  const handler = conversationFrames(app).send
  const outcome = await app.inflight.track(handler({ actor, socket: NO_SOCKET }, frame))
  publishAll(app.bus, outcome!)
  return outcome!.ack!
}

/** `send` never touches its socket; a REST call has none, and a handler that did would throw. */
const NO_SOCKET: ReplySocket = {
  get id(): string {
    throw new Error('A REST request has no socket id')
  },
  send: () => {
    throw new Error('A REST request has no socket to send on')
  },
  replay: () => Promise.reject(new Error('A REST request has no socket to replay on')),
}
