import { createHash } from 'node:crypto'
import { Agent as HttpAgent } from 'node:http'
import type { Agent as HttpsAgent } from 'node:https'
import { APIError, APIRequest, VK } from 'vk-io'
import type { Channel, InboundEvent, InboundResult, OutboundFile, SendResult } from '../channel.ts'
import { sameSecret } from '../telegram/channel.ts'

export interface VkOptions {
  /** The API's root. @default 'https://api.vk.ru/method' */
  apiBaseUrl?: string
  /** One API request is given up after this long. @default 10_000 */
  timeoutMs?: number
}

/** What `photos.getMessagesUploadServer` and the upload server answer. */
interface UploadServer {
  upload_url: string
}
interface Uploaded {
  server?: number
  photo?: string
  hash?: string
}

/** The upload server's answer was no photo (an HTTP failure, or a refused file). */
class UploadError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message)
  }
}

/**
 * `random_id` of a message: the first 31 bits of SHA-256 of the relay's outbound id. The same
 * message always gets the same one, so VK drops a resend (a retry, a relay killed after VK
 * took it) instead of delivering it twice.
 */
export function randomIdOf(outboundId: string): number {
  return createHash('sha256').update(outboundId).digest().readUInt32BE(0) & 0x7fffffff
}

/** Errors worth waiting out: too many requests per second (6), flood control (9), VK's own failure (10). */
const RETRYABLE = new Set([6, 9, 10])
/** Error 6 is about the token's requests per second: the whole community waits this long. */
const TOO_MANY_PAUSE_MS = 1_000

/** `promise`, or a rejection as soon as `signal` aborts (what it was doing is left to end). */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason)
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason)
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort)
        resolve(value)
      },
      (error) => {
        signal.removeEventListener('abort', onAbort)
        reject(error)
      },
    )
  })
}
/** The user does not take messages from the community (901), or their privacy forbids it (902). */
const DENIED = new Set([901, 902])

interface CallbackBody {
  type?: string
  event_id?: string
  group_id?: number
  secret?: string
  object?: {
    message?: {
      id?: number
      peer_id?: number
      from_id?: number
      text?: string
      ref?: string
      attachments?: {
        type: string
        photo?: unknown
        doc?: { title?: string; size?: number; ext?: string }
      }[]
    }
    user_id?: number
    key?: string
    /** `message_read`: who read, the dialogue, and the last message of ours they read. */
    from_id?: number
    peer_id?: number
    read_message_id?: number
  }
}

function bodyOf(raw: Buffer): CallbackBody | undefined {
  try {
    return JSON.parse(raw.toString('utf8')) as CallbackBody
  } catch {
    return undefined
  }
}

/** The events of one Callback API request. */
export function eventsOfCallback(body: CallbackBody): InboundEvent[] {
  const key = body.event_id ?? ''
  switch (body.type) {
    case 'message_new': {
      const message = body.object?.message
      if (!message?.peer_id || !message.from_id || message.from_id < 0) {
        return [{ type: 'ignored', key }]
      }
      const base = {
        type: 'message' as const,
        key,
        chatId: String(message.peer_id),
        text: message.text ?? '',
        ...(message.ref && { start: message.ref }),
      }
      const attachment = message.attachments?.[0]
      if (attachment?.type === 'photo') {
        return [{ ...base, attachment: { kind: 'photo', mimeType: 'image/jpeg' } }]
      }
      if (attachment?.type === 'doc') {
        const doc = attachment.doc ?? {}
        return [
          {
            ...base,
            attachment: {
              kind: 'document',
              ...(doc.title && { name: doc.title }),
              ...(doc.size !== undefined && { size: doc.size }),
            },
          },
        ]
      }
      if (!base.text) return [{ type: 'ignored', key }]
      return [base]
    }
    case 'message_allow':
      return [
        {
          type: 'subscription',
          key,
          chatId: String(body.object?.user_id ?? ''),
          blocked: false,
          ...(body.object?.key && { start: body.object.key }),
        },
      ]
    case 'message_read': {
      const { peer_id, read_message_id } = body.object ?? {}
      if (!peer_id || !Number.isSafeInteger(read_message_id)) return [{ type: 'ignored', key }]
      return [{ type: 'read', key, chatId: String(peer_id), upTo: read_message_id! }]
    }
    case 'message_deny':
      return [
        { type: 'subscription', key, chatId: String(body.object?.user_id ?? ''), blocked: true },
      ]
    default:
      return [{ type: 'ignored', key }]
  }
}

const OK: InboundResult['reply'] = { status: 200, contentType: 'text/plain', body: 'ok' }

/**
 * VK communities through vk-io: the Callback API in, `messages.send` out. A message's photo is
 * uploaded to the dialogue's photo server first (`photos.getMessagesUploadServer`, the upload,
 * `photos.saveMessagesPhoto`) and sent as its `attachment`, the text beside it.
 */
export function vkChannel(options: VkOptions = {}): Channel {
  const clients = new Map<string, VK>()
  const vk = (token: string) => {
    let client = clients.get(token)
    if (!client) {
      client = new VK({
        token,
        ...(options.apiBaseUrl && { apiBaseUrl: options.apiBaseUrl }),
        // vk-io's default agent speaks only https; a plain-http root (a local fake) needs its own.
        ...(options.apiBaseUrl?.startsWith('http:') && {
          agent: new HttpAgent({ keepAlive: true }) as unknown as HttpsAgent,
        }),
        // The outbox retries; vk-io only waits out error 6 itself.
        apiRetryLimit: 0,
        apiLimit: 20,
        apiTimeout: options.timeoutMs ?? 10_000,
      })
      clients.set(token, client)
    }
    return client
  }
  /**
   * One API request made directly, not through vk-io's queue: the queue waits out error 6
   * itself, a second of real time at a time and for ever, and cannot be aborted. The outbox
   * paces, times out and retries instead; `random_id` makes a resend harmless.
   */
  async function call(
    token: string,
    method: string,
    signal: AbortSignal,
    params: Record<string, unknown>,
  ): Promise<unknown> {
    const request = new APIRequest({ api: vk(token).api, method, params })
    const made = request.make()
    // Abandoned on abort: vk-io's own timeout ends it, and nobody waits for the answer.
    made.catch(() => undefined)
    const answer = (await abortable(made, signal)) as {
      response?: unknown
      error?: ConstructorParameters<typeof APIError>[0]
    }
    if (answer.error) throw new APIError(answer.error)
    return answer.response
  }

  /**
   * The photo uploaded for the dialogue with `peer_id`: `photo<owner>_<id>`, what
   * `messages.send` attaches. A retry uploads it again (VK keeps the unused copy unsent);
   * the message itself still goes once, by its `random_id`.
   */
  async function uploadPhoto(
    token: string,
    peer_id: number,
    file: OutboundFile,
    signal: AbortSignal,
  ): Promise<string> {
    const server = (await call(token, 'photos.getMessagesUploadServer', signal, {
      peer_id,
    })) as UploadServer
    const form = new FormData()
    form.append(
      'photo',
      new Blob([new Uint8Array(file.data)], { type: file.contentType }),
      file.name,
    )
    let uploaded: Uploaded
    try {
      const response = await fetch(server.upload_url, { method: 'POST', body: form, signal })
      if (!response.ok) {
        throw new UploadError(
          `The photo upload answered ${response.status}`,
          response.status >= 500,
        )
      }
      uploaded = (await response.json()) as Uploaded
    } catch (error) {
      if (error instanceof UploadError || signal.aborted) throw error
      throw new UploadError(`The photo upload failed: ${(error as Error).message}`, true)
    }
    if (!uploaded.photo || uploaded.photo === '[]') {
      throw new UploadError('VK took no photo from the upload', false)
    }
    const [saved] = (await call(token, 'photos.saveMessagesPhoto', signal, {
      photo: uploaded.photo,
      server: uploaded.server,
      hash: uploaded.hash,
    })) as { id: number; owner_id: number }[]
    if (!saved) throw new UploadError('VK saved no photo', false)
    return `photo${saved.owner_id}_${saved.id}`
  }

  return {
    kind: 'vk',
    polling: false,

    verify(context, request) {
      const body = bodyOf(request.raw)
      return sameSecret(body?.secret, context.credentials.secret ?? '')
    },

    parse(context, body) {
      const callback = body as CallbackBody
      if (callback?.type === 'confirmation') {
        // The handshake: VK checks the server by the string the community settings show.
        return {
          events: [],
          reply: {
            status: 200,
            contentType: 'text/plain',
            body: context.credentials.confirmation ?? '',
          },
        }
      }
      return { events: eventsOfCallback(callback ?? {}), reply: OK }
    },

    async send(context, message, signal): Promise<SendResult> {
      const token = context.credentials.token ?? ''
      try {
        const file = message.file
        const peer_id = Number(message.chatId)
        const attachment = file ? await uploadPhoto(token, peer_id, file, signal) : undefined
        const id = await call(token, 'messages.send', signal, {
          peer_id,
          random_id: randomIdOf(message.id),
          message: message.text,
          ...(attachment && { attachment }),
        })
        return { ok: true, externalId: String(id) }
      } catch (error) {
        if (error instanceof UploadError) {
          return { ok: false, retryable: error.retryable, error: error.message }
        }
        if (error instanceof APIError) {
          const code = Number(error.code)
          const text = `${error.message}`
          if (code === 6) {
            return { ok: false, retryable: true, retryAfterMs: TOO_MANY_PAUSE_MS, error: text }
          }
          if (RETRYABLE.has(code)) return { ok: false, retryable: true, error: text }
          return {
            ok: false,
            retryable: false,
            error: text,
            ...(DENIED.has(code) && { blocked: true }),
          }
        }
        return { ok: false, retryable: true, error: (error as Error)?.message ?? String(error) }
      }
    },

    async register(context) {
      // The Callback API server is added in the community's settings (README); this checks the
      // token works so the console can say so.
      await vk(context.credentials.token ?? '').api.groups.getById({})
    },
  }
}
