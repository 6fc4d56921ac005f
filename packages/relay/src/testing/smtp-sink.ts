import type { AddressInfo } from 'node:net'
import { SMTPServer } from 'smtp-server'

/** One letter the sink accepted. */
export interface Letter {
  from: string
  to: string[]
  /** The whole message as sent (headers and body). */
  raw: string
}

/**
 * An SMTP server on 127.0.0.1 (the `smtp-server` package) that accepts every letter and
 * keeps it; `rejectNext(code)` answers the next DATA with that SMTP code instead.
 */
export async function startSmtpSink() {
  const letters: Letter[] = []
  const rejections: number[] = []
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (chunk: Buffer) => chunks.push(chunk))
      stream.on('end', () => {
        const code = rejections.shift()
        if (code !== undefined) {
          const error = Object.assign(
            new Error(code >= 500 ? 'Mailbox unavailable' : 'Try again later'),
            {
              responseCode: code,
            },
          )
          return callback(error)
        }
        letters.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        })
        callback()
      })
    },
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  const { port } = server.server.address() as AddressInfo
  return {
    url: `smtp://127.0.0.1:${port}`,
    letters,
    rejectNext(code: number) {
      rejections.push(code)
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
