import type { ErrorBody } from '@parley/protocol'
import { ConsoleError } from './errors.ts'

/** The relay's REST API as the settings screens use it: JSON in, JSON out. */
export interface RestApi {
  /** `GET path`; resolves the parsed JSON body. */
  get<T>(path: string): Promise<T>
  /** `method path` with `body` as JSON; resolves the parsed body, `undefined` on 204. */
  send<T>(method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T>
  /** `GET path` for a file: the bytes and the name from `Content-Disposition`. */
  download(path: string): Promise<{ blob: Blob; filename: string }>
  /** `method path` with `form` as `multipart/form-data` (a file upload); resolves the JSON body. */
  upload<T>(method: 'POST' | 'PUT', path: string, form: FormData): Promise<T>
}

export interface RestApiOptions {
  fetch: typeof fetch
  /** Prefix of the URLs; empty means the relay that served the console. @default '' */
  base?: string
}

/** What the console says when the relay cannot be reached at all. */
export const NETWORK_MESSAGE = 'Could not reach the relay. Check the connection and try again.'

/** The relay's error body as a `ConsoleError`, or a generic one when there is none. */
export async function failureOf(response: Response): Promise<ConsoleError> {
  try {
    const body = (await response.json()) as Partial<ErrorBody>
    if (typeof body.code === 'string' && typeof body.message === 'string') {
      return new ConsoleError(body.code, body.message, response.status, body.fields ?? [])
    }
  } catch {
    // Not JSON: fall through to a generic message.
  }
  return new ConsoleError(
    'bad_response',
    `The relay answered ${response.status} ${response.statusText}`.trim(),
    response.status,
  )
}

/** `filename="a.csv"` or RFC 5987 `filename*=UTF-8''a.csv` from a Content-Disposition. */
function filenameOf(disposition: string | null, path: string): string {
  const extended = /filename\*=UTF-8''([^;]+)/i.exec(disposition ?? '')
  if (extended) return decodeURIComponent(extended[1]!)
  const plain = /filename="([^"]+)"/i.exec(disposition ?? '')
  if (plain) return plain[1]!
  return path.split('?')[0]!.split('/').pop() || 'download'
}

/** Creates the REST client over an injected `fetch` (the session cookie authenticates). */
export function createRestApi(options: RestApiOptions): RestApi {
  const base = options.base ?? ''
  const call = async (path: string, init: RequestInit): Promise<Response> => {
    let response: Response
    try {
      response = await options.fetch(`${base}${path}`, { credentials: 'same-origin', ...init })
    } catch {
      throw new ConsoleError('network', NETWORK_MESSAGE)
    }
    if (!response.ok) throw await failureOf(response)
    return response
  }
  const json = async <T>(response: Response): Promise<T> => {
    if (response.status === 204) return undefined as T
    try {
      return (await response.json()) as T
    } catch {
      throw new ConsoleError('bad_response', 'The relay sent a reply that is not JSON')
    }
  }
  return {
    async get(path) {
      return json(await call(path, { headers: { accept: 'application/json' } }))
    },
    async send(method, path, body) {
      const headers: Record<string, string> = { accept: 'application/json' }
      if (body !== undefined) headers['content-type'] = 'application/json'
      const init: RequestInit = { method, headers }
      if (body !== undefined) init.body = JSON.stringify(body)
      return json(await call(path, init))
    },
    async upload(method, path, form) {
      // No content-type: fetch sets multipart/form-data with its boundary.
      return json(await call(path, { method, headers: { accept: 'application/json' }, body: form }))
    },
    async download(path) {
      const response = await call(path, {})
      return {
        blob: await response.blob(),
        filename: filenameOf(response.headers.get('content-disposition'), path),
      }
    },
  }
}

/** Saves a downloaded file the way a browser does: a temporary link, clicked. */
export function saveFile(file: { blob: Blob; filename: string }): void {
  const url = URL.createObjectURL(file.blob)
  const link = document.createElement('a')
  link.href = url
  link.download = file.filename
  link.rel = 'noopener'
  document.body.append(link)
  link.click()
  link.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}
