import {
  CLOSE_CODES,
  type OperatorHello,
  type OperatorInbound,
  PROTOCOL_VERSION,
  parseOperatorFrame,
} from '@parley/protocol'
import type { FastifyInstance } from 'fastify'
import { OPERATORS_TOPIC } from '../../infra/bus/topics.ts'
import { relayError } from '../../infra/errors.ts'
import { FrameSocket } from '../../infra/ws/frame-socket.ts'
import type { EmployeeRecord } from '../../store/types.ts'
import {
  employeeFromApiToken,
  employeeFromSession,
  SESSION_COOKIE,
  toProfile,
} from '../auth/session.ts'
import type { Actor } from './service.ts'

/** Conversations listed in the operator `welcome`. */
const WELCOME_CONVERSATIONS = 100

/** `GET /v1/operator`: the operator WebSocket (session cookie, or `apiToken` in hello). */
export async function operatorGateway(app: FastifyInstance): Promise<void> {
  const { config, store, bus, conversations, presence } = app.parley

  app.get('/v1/operator', { websocket: true }, (ws, request) => {
    if (app.parley.shuttingDown) {
      ws.close(CLOSE_CODES.goingAway, 'relay shutting down')
      return
    }
    let fromCookie: EmployeeRecord | undefined
    let actor: (Actor & { kind: 'operator' }) | undefined

    const socket: FrameSocket<OperatorInbound> = new FrameSocket<OperatorInbound>({
      socket: ws,
      parse: (raw) => parseOperatorFrame(raw, config.limits),
      rateLimit: config.rateLimit,
      now: config.now,
      log: request.log,
      isShuttingDown: () => app.parley.shuttingDown,
      onFrame: async (frame) => {
        if (!actor) {
          if (frame.t !== 'hello') throw relayError('hello_required')
          actor = await hello(frame)
          return
        }
        switch (frame.t) {
          case 'hello':
            throw relayError('hello_repeated')
          case 'send':
            return conversations.send(actor, frame, (ack) => socket.send(ack))
          case 'close':
            return conversations.close(actor, frame, (ack) => socket.send(ack))
          case 'typing':
            return conversations.typing(actor, frame, socket.id)
          case 'read':
            return conversations.read(actor, frame, socket.id)
          case 'sync': {
            const who = actor
            return socket.replay((emit) => conversations.replay(who, frame.cursor, emit))
          }
          case 'ping':
            return socket.send({ t: 'pong' })
        }
      },
    })

    socket.enqueue(async () => {
      fromCookie = await employeeFromSession(store, request.cookies[SESSION_COOKIE], config.now())
    })

    async function hello(
      frame: OperatorHello,
    ): Promise<(Actor & { kind: 'operator' }) | undefined> {
      if (frame.v !== PROTOCOL_VERSION) {
        socket.refuse('unsupported_version', CLOSE_CODES.badHello)
        return undefined
      }
      const employee =
        frame.apiToken !== undefined
          ? await employeeFromApiToken(store, frame.apiToken)
          : fromCookie
      if (!employee) {
        socket.refuse('unauthorized', CLOSE_CODES.unauthorized)
        return undefined
      }
      const who: Actor & { kind: 'operator' } = {
        kind: 'operator',
        id: employee.id,
        name: employee.name,
      }
      await socket.replay(async (emit) => {
        socket.onTeardown(bus.subscribe(OPERATORS_TOPIC, socket.deliver.bind(socket)))
        socket.send({
          t: 'welcome',
          v: PROTOCOL_VERSION,
          operator: toProfile(employee),
          conversations: await store.listConversations(WELCOME_CONVERSATIONS),
        })
        await conversations.replay(who, frame.cursor ?? {}, emit, { skipAhead: true })
      })
      socket.onTeardown(presence.add(employee.id))
      return who
    }
  })
}
