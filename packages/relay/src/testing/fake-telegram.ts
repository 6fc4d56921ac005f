import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { type OutageMode, outageSwitch } from './fake-outage.ts'
import { multipartParts } from './multipart.ts'

/** One Bot API call the fake received. */
export interface TelegramCall {
  token: string
  method: string
  // biome-ignore lint/suspicious/noExplicitAny: the JSON parameters a client sent, read field by field in tests
  params: any
}

/** A Bot API error answer (`{ ok: false, error_code, description, parameters? }`). */
export interface TelegramFailure {
  error_code: number
  description: string
  parameters?: { retry_after?: number }
}

interface Hold {
  token: string
  offset: number
  res: ServerResponse
  timer: ReturnType<typeof setTimeout>
}

/** Telegram gives bots files up to this size; `getFile` refuses larger ones. */
const BOT_DOWNLOAD_LIMIT = 20 * 1024 * 1024

/**
 * A Telegram Bot API on 127.0.0.1 (`https://api.telegram.org` as grammy's `apiRoot`):
 * `POST /bot<token>/<method>` with JSON parameters, answered `{ ok: true, result }` or
 * `{ ok: false, error_code, description }` as Telegram does. It knows `getMe`,
 * `setWebhook`, `deleteWebhook`, `getWebhookInfo`, `sendMessage`, `sendPhoto`,
 * `getUpdates` (long polling: held until an update is queued or `timeout` seconds pass; a
 * `sendPhoto` uploading its file comes as multipart, the file part as `{ name, data }`) and
 * `getFile` for the files `addFile` put there, whose bytes `GET /file/bot<token>/<file_path>`
 * serves (recorded as calls of the method `file`; `failNext('file', …)` answers with that
 * status and no body, as Telegram's file server does).
 * Records every call; `failNext` makes the next calls of a method fail; `hang` leaves the
 * calls it picks unanswered (a send on the wire when the relay dies); `post` delivers an
 * update to the registered webhook as Telegram does, with its secret token header.
 */
export async function startFakeTelegram(options: { tokens?: string[] } = {}) {
  const tokens = new Set(options.tokens ?? ['123:good'])
  const calls: TelegramCall[] = []
  const failures = new Map<string, TelegramFailure[]>()
  const webhooks = new Map<string, { url: string; secret?: string }>()
  const queued = new Map<string, { update_id: number }[]>()
  const holds = new Set<Hold>()
  const files = new Map<string, { path: string; data: Buffer }>()
  /** Messages Telegram took: what users received. */
  const delivered: { chatId: string; text: string; messageId: number }[] = []
  let messageId = 100
  let hang: ((call: TelegramCall) => boolean) | undefined
  let hangTakes = false

  const send = (res: ServerResponse, status: number, body: unknown) => {
    const text = JSON.stringify(body)
    res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
    })
    res.end(text)
  }
  const pending = (token: string, offset: number) =>
    (queued.get(token) ?? []).filter((u) => u.update_id >= offset)
  const release = (token: string) => {
    for (const hold of [...holds]) {
      if (hold.token !== token) continue
      const updates = pending(token, hold.offset)
      if (updates.length === 0) continue
      holds.delete(hold)
      clearTimeout(hold.timer)
      send(hold.res, 200, { ok: true, result: updates })
    }
  }

  function answer(call: TelegramCall, res: ServerResponse) {
    const { token, method, params } = call
    if (!tokens.has(token)) {
      return send(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' })
    }
    if (hang?.(call)) {
      if (hangTakes && method === 'sendMessage') {
        delivered.push({
          chatId: String(params.chat_id),
          text: params.text,
          messageId: ++messageId,
        })
      }
      return
    }
    const failure = failures.get(method)?.shift()
    if (failure) return send(res, failure.error_code, { ok: false, ...failure })
    switch (method) {
      case 'getMe':
        return send(res, 200, {
          ok: true,
          result: { id: 123, is_bot: true, first_name: 'Shop bot', username: 'shop_bot' },
        })
      case 'setWebhook':
        webhooks.set(token, { url: params.url, secret: params.secret_token })
        return send(res, 200, { ok: true, result: true, description: 'Webhook was set' })
      case 'deleteWebhook':
        webhooks.delete(token)
        return send(res, 200, { ok: true, result: true })
      case 'getWebhookInfo':
        return send(res, 200, {
          ok: true,
          result: { url: webhooks.get(token)?.url ?? '', pending_update_count: 0 },
        })
      case 'sendMessage':
      case 'sendPhoto':
        if (
          params.chat_id === undefined ||
          (method === 'sendMessage' && !params.text) ||
          (method === 'sendPhoto' && !params.photo)
        ) {
          return send(res, 400, {
            ok: false,
            error_code: 400,
            description: 'Bad Request: message text is empty',
          })
        }
        delivered.push({
          chatId: String(params.chat_id),
          text: String(params.text ?? params.caption ?? ''),
          messageId: ++messageId,
        })
        return send(res, 200, {
          ok: true,
          result: {
            message_id: messageId,
            date: 1_700_000_000,
            chat: { id: Number(params.chat_id), type: 'private' },
            ...(method === 'sendMessage' ? { text: params.text } : { photo: [] }),
          },
        })
      case 'getFile': {
        const file = files.get(String(params.file_id))
        if (!file) {
          return send(res, 400, {
            ok: false,
            error_code: 400,
            description: 'Bad Request: invalid file_id',
          })
        }
        if (file.data.length > BOT_DOWNLOAD_LIMIT) {
          return send(res, 400, {
            ok: false,
            error_code: 400,
            description: 'Bad Request: file is too big',
          })
        }
        return send(res, 200, {
          ok: true,
          result: {
            file_id: params.file_id,
            file_unique_id: `u-${params.file_id}`,
            file_size: file.data.length,
            file_path: file.path,
          },
        })
      }
      case 'getUpdates': {
        if (webhooks.has(token)) {
          return send(res, 409, {
            ok: false,
            error_code: 409,
            description: "Conflict: can't use getUpdates method while webhook is active",
          })
        }
        const offset = Number(params.offset ?? 0)
        // Confirmed updates are forgotten, as Telegram does.
        queued.set(
          token,
          (queued.get(token) ?? []).filter((u) => u.update_id >= offset),
        )
        const updates = pending(token, offset)
        const timeout = Number(params.timeout ?? 0)
        if (updates.length > 0 || timeout <= 0) {
          return send(res, 200, { ok: true, result: updates })
        }
        const hold: Hold = {
          token,
          offset,
          res,
          timer: setTimeout(() => {
            holds.delete(hold)
            send(res, 200, { ok: true, result: [] })
          }, timeout * 1000),
        }
        holds.add(hold)
        res.on('close', () => {
          holds.delete(hold)
          clearTimeout(hold.timer)
        })
        return
      }
      default:
        return send(res, 404, { ok: false, error_code: 404, description: 'Not Found' })
    }
  }

  /** The file server: the bytes of a `file_path` that `getFile` gave, for the bot's token. */
  function download(call: TelegramCall, res: ServerResponse) {
    if (hang?.(call)) return
    const failure = failures.get('file')?.shift()
    const file = [...files.values()].find((f) => f.path === call.params.path)
    if (failure || !tokens.has(call.token) || !file) {
      res.writeHead(failure?.error_code ?? 404)
      return res.end()
    }
    res.writeHead(200, {
      'content-type': 'application/octet-stream',
      'content-length': file.data.length,
    })
    res.end(file.data)
  }

  /**
   * A call's parameters: JSON, or `multipart/form-data` when a file is uploaded (grammy's
   * `InputFile`), a file part given as `{ name, data }`.
   */
  async function parameters(body: Buffer, type: string): Promise<unknown> {
    const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(type)
    if (!type.startsWith('multipart/form-data') || !boundary) {
      const text = body.toString('utf8')
      return text ? JSON.parse(text) : {}
    }
    const params: Record<string, unknown> = multipartParts(body, boundary[1] ?? boundary[2]!)
    // A parameter naming a part (`attach://<id>`) is that file.
    for (const [key, value] of Object.entries(params)) {
      if (typeof value === 'string' && value.startsWith('attach://')) {
        params[key] = params[value.slice('attach://'.length)]
        delete params[value.slice('attach://'.length)]
      }
    }
    return params
  }

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const fileMatch = /^\/file\/bot([^/]+)\/(.+)$/.exec(req.url ?? '')
      if (req.method === 'GET' && fileMatch) {
        const call = {
          token: decodeURIComponent(fileMatch[1]!),
          method: 'file',
          params: { path: decodeURIComponent(fileMatch[2]!) },
        }
        calls.push(call)
        // The file server is Telegram's too: down with the Bot API.
        if (outage.intercept(res)) return
        return download(call, res)
      }
      const match = /^\/bot([^/]+)\/(\w+)$/.exec(req.url ?? '')
      if (!match) return send(res, 404, { ok: false, error_code: 404, description: 'Not Found' })
      const body = Buffer.concat(chunks)
      const type = req.headers['content-type'] ?? ''
      void parameters(body, type).then(
        (params) => {
          const call = { token: decodeURIComponent(match[1]!), method: match[2]!, params }
          calls.push(call)
          if (outage.intercept(res)) return
          answer(call, res)
        },
        () => send(res, 400, { ok: false, error_code: 400, description: 'Bad Request' }),
      )
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const outage = outageSwitch(server, port)

  return {
    /** grammy's `apiRoot`. */
    apiRoot: `http://127.0.0.1:${port}`,
    calls,
    /** Messages `sendMessage` / `sendPhoto` took (while up), in order: what users received. */
    delivered,
    /** The Bot API goes down (`fake-outage.ts`): calls are recorded, none is taken. */
    down: (mode: OutageMode) => outage.down(mode),
    /** The Bot API is back. */
    up: () => outage.up(),
    /** Calls taken and left unanswered by a `silent` outage, not yet given up by the client. */
    get held() {
      return outage.held
    },
    /** The calls of one method, in order. */
    callsOf: (method: string) => calls.filter((c) => c.method === method),
    /** The webhook registered for a token. */
    webhook: (token = '123:good') => webhooks.get(token),
    /** The next `count` calls of `method` fail with `failure`. */
    failNext(method: string, failure: TelegramFailure, count = 1) {
      const list = failures.get(method) ?? []
      for (let i = 0; i < count; i++) list.push(failure)
      failures.set(method, list)
    },
    /**
     * Calls for which `pick` is true get no answer at all (`undefined`: answer every call).
     * `taken`: a `sendMessage` is delivered all the same, only its answer is lost (the relay
     * dies after Telegram took it).
     */
    hang(pick: ((call: TelegramCall) => boolean) | undefined, options: { taken?: boolean } = {}) {
      hang = pick
      hangTakes = options.taken ?? false
    },
    /** A file the bot can fetch by `fileId` (`getFile`, then the file server). */
    addFile(fileId: string, data: Buffer, path = `documents/file_${files.size}`) {
      files.set(fileId, { path, data })
    },
    /** Queues an update for `getUpdates` (a held poll returns at once). */
    queue(update: { update_id: number }, token = '123:good') {
      queued.set(token, [...(queued.get(token) ?? []), update])
      release(token)
    },
    /**
     * Posts an update to the registered webhook as Telegram does; `secret` replaces the
     * registered secret token (`null`: no header).
     */
    async post(update: unknown, options: { token?: string; secret?: string | null } = {}) {
      const hook = webhooks.get(options.token ?? '123:good')
      if (!hook) throw new Error('no webhook registered')
      const secret = options.secret === undefined ? hook.secret : options.secret
      return fetch(hook.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(secret !== null &&
            secret !== undefined && { 'x-telegram-bot-api-secret-token': secret }),
        },
        body: JSON.stringify(update),
      })
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const hold of holds) clearTimeout(hold.timer)
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

export type FakeTelegram = Awaited<ReturnType<typeof startFakeTelegram>>

let updateId = 500

/** A Bot API `Update` with a private text message from user `chatId`. */
export function telegramText(chatId: number, text: string, extra: Record<string, unknown> = {}) {
  return {
    update_id: ++updateId,
    message: {
      message_id: updateId,
      date: 1_700_000_000,
      chat: { id: chatId, type: 'private', first_name: 'Ivan' },
      from: { id: chatId, is_bot: false, first_name: 'Ivan', last_name: 'Petrov' },
      text,
      ...extra,
    },
  }
}

/** A Bot API `Update` with a private photo message (sizes smallest first, as Telegram sends). */
export function telegramPhoto(
  chatId: number,
  fileId: string,
  size: number,
  extra: { caption?: string; date?: number } = {},
) {
  return telegramText(chatId, undefined as never, {
    text: undefined,
    ...extra,
    photo: [
      { file_id: `${fileId}-thumb`, file_unique_id: 't', width: 90, height: 90, file_size: 900 },
      { file_id: fileId, file_unique_id: fileId, width: 800, height: 800, file_size: size },
    ],
  })
}

/** A Bot API `Update` with a private document message. */
export function telegramDocument(
  chatId: number,
  document: { file_id: string; file_name?: string; mime_type?: string; file_size?: number },
) {
  return telegramText(chatId, undefined as never, {
    text: undefined,
    document: { file_unique_id: `u-${document.file_id}`, ...document },
  })
}
