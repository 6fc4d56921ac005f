/** How fetching a messenger's file went. */
export type Download =
  | { ok: true; data: Buffer }
  /** `retryable`: the file may come on another try (network, 5xx, 429); else it never will. */
  | { ok: false; retryable: boolean; tooLarge?: boolean; error: string }

/**
 * The body of `response`, read only up to `maxBytes`: a larger one (by `Content-Length`, or
 * as it streams) is cancelled and reported `tooLarge`, so a lying sender cannot fill memory.
 */
export async function readCapped(response: Response, maxBytes: number): Promise<Download> {
  if (!response.ok) {
    await response.body?.cancel()
    return {
      ok: false,
      retryable: response.status >= 500 || response.status === 429,
      error: `the file server answered ${response.status}`,
    }
  }
  const declared = Number(response.headers.get('content-length') ?? Number.NaN)
  if (declared > maxBytes) {
    await response.body?.cancel()
    return { ok: false, retryable: false, tooLarge: true, error: 'larger than the limit' }
  }
  const chunks: Uint8Array[] = []
  let total = 0
  const reader = response.body?.getReader()
  try {
    while (reader) {
      const { done, value } = await reader.read()
      if (done) break
      total += value.length
      if (total > maxBytes) {
        await reader.cancel()
        return { ok: false, retryable: false, tooLarge: true, error: 'larger than the limit' }
      }
      chunks.push(value)
    }
  } catch (error) {
    return { ok: false, retryable: true, error: (error as Error)?.message ?? String(error) }
  }
  return { ok: true, data: Buffer.concat(chunks) }
}
