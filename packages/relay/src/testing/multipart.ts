/** A `multipart/form-data` part: a field's text, or a file's name, type and bytes. */
export type MultipartValue = string | { name: string; type?: string; data: Buffer }

/**
 * The parts of a `multipart/form-data` body with this `boundary`, by field name: what the
 * fakes of messenger APIs read from an upload (grammy's `InputFile`, a `fetch` `FormData`).
 */
export function multipartParts(body: Buffer, boundary: string): Record<string, MultipartValue> {
  const params: Record<string, MultipartValue> = {}
  const delimiter = Buffer.from(`--${boundary}`)
  let at = body.indexOf(delimiter)
  while (at !== -1) {
    const start = at + delimiter.length
    if (body.subarray(start, start + 2).toString() === '--') break
    const next = body.indexOf(delimiter, start)
    if (next === -1) throw new Error('unterminated multipart body')
    // Each part: CRLF, headers, CRLF CRLF, content, CRLF before the next delimiter.
    const part = body.subarray(start + 2, next - 2)
    const split = part.indexOf('\r\n\r\n')
    const headers = part.subarray(0, split).toString('utf8')
    const content = part.subarray(split + 4)
    // grammy writes `name="<key>";filename=<name>` (the file name unquoted).
    const name = /[;\s]name="([^"]*)"/.exec(headers)?.[1]
    const filename = /filename="?([^";\r\n]*)"?/.exec(headers)?.[1]
    const type = /^content-type:\s*([^\r\n]+)/im.exec(headers)?.[1]
    if (name !== undefined) {
      params[name] =
        filename !== undefined
          ? { name: filename, ...(type && { type }), data: Buffer.from(content) }
          : content.toString('utf8')
    }
    at = next
  }
  return params
}

/** The boundary of a `multipart/form-data` content type, or `undefined` for any other type. */
export function boundaryOf(contentType: string): string | undefined {
  if (!contentType.startsWith('multipart/form-data')) return undefined
  const match = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType)
  return match ? (match[1] ?? match[2]) : undefined
}
