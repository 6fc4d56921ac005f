import {
  CLOSE_CODES,
  type OperatorHello,
  type OperatorInbound,
  type Permission,
  PROTOCOL_VERSION,
  parseOperatorFrame,
} from '@parley/protocol'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { OPERATORS_TOPIC, operatorTopic } from '../../infra/bus/topics.ts'
import { relayError } from '../../infra/errors.ts'
import { acceptSocket } from '../../infra/ws/accept.ts'
import type { FrameSocket } from '../../infra/ws/frame-socket.ts'
import { ends, type Principal, SESSION_COOKIE } from '../auth/service.ts'
import { toProfile } from '../employees/service.ts'
import type { OperatorActor } from './actor.ts'
import { conversationFrames, dispatch, type FrameTable } from './frames.ts'

/** Conversations listed in the operator `welcome`. */
const WELCOME_CONVERSATIONS = 100

type Frames = Exclude<OperatorInbound, { t: 'hello' }>

/** What each operator frame needs (`ROLE_PERMISSIONS`); `hello` needs `conversations:read`. */
const FRAME_PERMISSIONS: Readonly<Record<Frames['t'], Permission | null>> = {
  send: 'conversations:reply',
  close: 'conversations:reply',
  accept: 'conversations:reply',
  status: 'conversations:reply',
  transfer: 'conversations:transfer',
  typing: 'conversations:reply',
  read: 'conversations:reply',
  sync: 'conversations:read',
  ping: null,
}

/**
 * Whether a browser page at `origin` may open the operator socket: the console's own origin
 * (the relay's host) or one listed in `operatorOrigins`. No Origin header: not a browser
 * (a bot with an API token), which cookies cannot be borrowed by.
 */
export function isOperatorOriginAllowed(
  request: FastifyRequest,
  allowed: readonly string[],
): boolean {
  const origin = request.headers.origin
  if (origin === undefined) return true
  let host: string
  try {
    host = new URL(origin).host
  } catch {
    return false
  }
  return host === request.host || allowed.includes(origin)
}

/** `GET /v1/operator`: the operator WebSocket (session cookie, or `apiToken` in hello). */
export async function operatorSocket(app: FastifyInstance): Promise<void> {
  const { config, bus, conversations, auth, routingService: routing } = app
  const frames: FrameTable<OperatorActor, Frames> = {
    ...conversationFrames(app),
    close: ({ actor }, frame) => conversations.close(actor, frame),
    accept: async ({ actor }, frame) => {
      // Members of its group may try (and learn `already_assigned` when someone was faster).
      const conversation = await conversations.get(frame.conversationId)
      const member =
        conversation?.group !== undefined && routing.groupsOf(actor.id).has(conversation.group)
      if (!conversation || !(member || conversations.visibleTo(actor, conversation))) {
        throw relayError('conversation_not_found')
      }
      if (conversation.status === 'closed') throw relayError('conversation_closed')
      return routing.accept(actor, frame.conversationId, frame.cid)
    },
    transfer: ({ actor }, frame) => routing.transfer(actor, actor, frame),
    status: async ({ actor }, frame) => {
      routing.statuses.choose(actor.id, frame.status)
      return { ack: { t: 'ack', cid: frame.cid, id: actor.id, at: config.now() }, publish: [] }
    },
  }

  app.get('/v1/operator', { websocket: true }, (ws, request) => {
    let fromCookie: Principal | undefined
    let actor: OperatorActor | undefined
    let permissions: ReadonlySet<Permission> = new Set()

    const accepted = acceptSocket<OperatorInbound>(app, ws, request, {
      parse: (raw) => parseOperatorFrame(raw, config.limits),
      onFrame: async (frame): Promise<void> => {
        if (!actor) {
          if (frame.t !== 'hello') throw relayError('hello_required')
          actor = await app.inflight.track(hello(frame))
          if (actor) socket.authenticated()
          return
        }
        if (frame.t === 'hello') throw relayError('hello_repeated')
        const needed = FRAME_PERMISSIONS[frame.t]
        if (needed && !permissions.has(needed)) {
          throw relayError('forbidden', `${frame.t} needs the ${needed} permission`)
        }
        // Any frame is activity: an away operator is back.
        if (frame.t !== 'ping') routing.statuses.activity(actor.id)
        return dispatch(app, frames, { actor, socket }, frame)
      },
    })
    if (!accepted) return
    // Frames reach onFrame only after this line: no frame is handled during construction.
    const socket: FrameSocket<OperatorInbound> = accepted

    socket.enqueue(async () => {
      if (!isOperatorOriginAllowed(request, config.operatorOrigins)) {
        return socket.refuse('origin_not_allowed', CLOSE_CODES.forbidden)
      }
      fromCookie = await auth.fromSession(request.cookies[SESSION_COOKIE])
    })

    async function hello(frame: OperatorHello): Promise<OperatorActor | undefined> {
      if (frame.v !== PROTOCOL_VERSION) {
        socket.refuse('unsupported_version', CLOSE_CODES.badHello)
        return undefined
      }
      const found =
        frame.apiToken !== undefined ? await auth.fromApiToken(frame.apiToken) : fromCookie
      if (!found) {
        socket.refuse('unauthorized', CLOSE_CODES.unauthorized)
        return undefined
      }
      const { employee, credential } = found
      if (!found.permissions.has('conversations:read')) {
        socket.refuse('forbidden', CLOSE_CODES.forbidden)
        return undefined
      }
      permissions = found.permissions
      await auth.noteUse(found)
      // Logout, a password change or reset and a revoked token end this socket at once.
      socket.onTeardown(
        auth.onEnded((ended) => {
          if (ends(ended, credential)) socket.refuse('unauthorized', CLOSE_CODES.unauthorized)
        }),
      )
      const who: OperatorActor = {
        kind: 'operator',
        id: employee.id,
        name: employee.name,
        permissions,
      }
      await socket.replay(async (emit) => {
        // Only what this operator may see (their groups, theirs, or every one for admins).
        socket.onTeardown(
          bus.subscribe(OPERATORS_TOPIC, (message) => {
            if (!message.audience || routing.canSee(who, message.audience)) socket.deliver(message)
          }),
        )
        socket.onTeardown(bus.subscribe(operatorTopic(employee.id), socket.deliver.bind(socket)))
        socket.send({
          t: 'welcome',
          v: PROTOCOL_VERSION,
          operator: toProfile(employee),
          conversations: await conversations.list(who, WELCOME_CONVERSATIONS),
        })
        await conversations.replay(who, frame.cursor ?? {}, emit, { skipAhead: true })
      })
      // A bot answers but is never "an operator online": visitors are not promised a person,
      // and routing never hands it a conversation.
      if (employee.kind === 'human') {
        socket.onTeardown(routing.statuses.connect(employee.id))
        socket.send({ t: 'status', status: routing.statuses.status(employee.id) })
      }
      return who
    }
  })
}
