/**
 * A bot that joins Parley as an operator with an API token and answers every
 * new visitor message. Run: PARLEY_URL=… PARLEY_API_TOKEN=… node --conditions=source --import tsx examples/operator-bot/index.ts
 */
import { type ChatMessage, createOperatorClient, type OperatorClient } from '@parley/client'
import WebSocket from 'ws'

export interface BotOptions {
  /** Relay origin, e.g. `http://127.0.0.1:8080`. */
  url: string
  /** An API token from `POST /v1/admin/tokens`. */
  apiToken: string
  /** The reply to one visitor message. */
  reply?: (message: ChatMessage) => string
  log?: (line: string) => void
}

const greet = (message: ChatMessage) =>
  `Hi! A person will be with you shortly. You wrote: “${message.text}”`

/** Starts the bot; `destroy()` the returned client to stop it. */
export function startBot({
  url,
  apiToken,
  reply = greet,
  log = console.log,
}: BotOptions): OperatorClient {
  const client = createOperatorClient({ host: url, apiToken, WebSocket })
  // Replayed history arrives as events too: answer only messages written after
  // the bot started (relay clock; a little slack for skew), each once.
  const since = Date.now() - 5000
  const answered = new Set<string>()
  client.on('status', ({ status }) => log(`status: ${status}`))
  client.on('welcome', ({ welcome }) =>
    log(`joined as ${welcome.operator.name}; ${welcome.conversations.length} conversations`),
  )
  client.on('conversation', ({ conversation }) =>
    log(`conversation ${conversation.id} is ${conversation.status}`),
  )
  client.on('error', ({ error }) => log(`error ${error.code}: ${error.message}`))
  client.on('event', ({ conversationId, message }) => {
    // A visitor's words: messages and forms, not system events (a rating is one; its text is '').
    const words = message.author.kind === 'visitor' && message.kind !== 'system'
    if (!words || message.at < since || answered.has(message.key)) return
    answered.add(message.key)
    log(`visitor in ${conversationId}: ${message.text}`)
    client.markRead(conversationId, message.seq ?? 0)
    client
      .send(conversationId, reply(message))
      .then((ack) => log(`answered in ${conversationId} (seq ${ack.seq})`))
      .catch((error: Error) => log(`could not answer in ${conversationId}: ${error.message}`))
  })
  client.connect()
  return client
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const url = process.env.PARLEY_URL ?? 'http://127.0.0.1:8080'
  const apiToken = process.env.PARLEY_API_TOKEN
  if (!apiToken) {
    console.error('Set PARLEY_API_TOKEN (see examples/operator-bot/README.md)')
    process.exit(1)
  }
  const client = startBot({ url, apiToken })
  const stop = () => {
    client.destroy()
    process.exit(0)
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}
