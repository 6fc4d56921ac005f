import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { PROTOCOL_VERSION } from '@parley/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import { type FakeTelegram, startFakeTelegram, telegramText } from '../../testing/fake-telegram.ts'
import { connect, ofType } from '../../testing/ws-client.ts'

// The compiled relay command (`pnpm build`), as in cli/main.test.ts.
const BIN = fileURLToPath(new URL('../../../bin/parley-relay.js', import.meta.url))
const LISTENING = /^parley-relay listening on (http:\/\/\S+)$/m
const PASSWORD = 'a long enough password'
const TOKEN = '123:good'

const children = new Set<ChildProcess>()
const dirs: string[] = []
let telegram: FakeTelegram | undefined

afterEach(async () => {
  for (const child of children) child.kill('SIGKILL')
  children.clear()
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
  await telegram?.close()
})

/** The relay command as an operator runs it, on `database`, with a Bot API beside it. */
function relayProcess(database: string, apiRoot: string) {
  const child = spawn(process.execPath, [BIN], {
    env: {
      ...process.env,
      PARLEY_LOG_LEVEL: 'silent',
      PARLEY_PORT: '0',
      PARLEY_DATABASE: database,
      PARLEY_SITES: 'shop',
      PARLEY_ADMIN_PASSWORD: PASSWORD,
      PARLEY_SECRET_KEY: 'b'.repeat(64),
      PARLEY_TELEGRAM_API_ROOT: apiRoot,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  children.add(child)
  let stdout = ''
  let stderr = ''
  child.stderr.on('data', (chunk) => {
    stderr += chunk
  })
  const exited = new Promise<string | null>((resolve) =>
    child.once('exit', (_code, signal) => resolve(signal)),
  )
  const listening = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listening line: ${stderr}`)), 15_000)
    child.stdout.on('data', (chunk) => {
      stdout += chunk
      const match = LISTENING.exec(stdout)
      if (match) {
        clearTimeout(timer)
        resolve(match[1]!)
      }
    })
  })
  return { child, exited, listening }
}

const sentTexts = (t: FakeTelegram) => t.callsOf('sendMessage').map((c) => String(c.params.text))

describe('a relay killed while a reply is on its way to Telegram', () => {
  it('sends every acknowledged reply after the restart, in order, none lost', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-channels-'))
    dirs.push(dir)
    const database = join(dir, 'parley.db')
    telegram = await startFakeTelegram({ tokens: [TOKEN] })
    // r2 reaches Telegram and is never answered: the relay dies with it on the wire.
    telegram.hang((call) => call.method === 'sendMessage' && call.params.text === 'r2')
    const first = relayProcess(database, telegram.apiRoot)
    const url = await first.listening
    const login = await fetch(`${url}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@example.com', password: PASSWORD }),
    })
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!
    const created = await fetch(`${url}/v1/admin/contact-points`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body: JSON.stringify({
        kind: 'telegram',
        siteId: 'shop',
        name: 'Shop bot',
        mode: 'polling',
        credentials: { token: TOKEN },
      }),
    })
    expect(created.status).toBe(201)

    const operator = await connect(`${url.replace('http', 'ws')}/v1/operator`, {
      headers: { cookie, origin: url },
    })
    operator.send({ t: 'hello', v: PROTOCOL_VERSION })
    await operator.next(ofType('welcome'))
    telegram.queue(telegramText(42, 'Do you ship to Kazan?'), TOKEN)
    const { conversation } = await operator.next(ofType('conversation'), 10_000)
    const replies = ['r1', 'r2', 'r3', 'r4']
    for (const text of replies) {
      operator.send({ t: 'send', cid: text, conversationId: conversation.id, text })
      await operator.next(ofType('ack', (f) => f.cid === text))
    }
    await expect.poll(() => sentTexts(telegram!), { timeout: 10_000 }).toContain('r2')
    first.child.kill('SIGKILL')
    expect(await first.exited).toBe('SIGKILL')

    telegram.hang(undefined)
    const second = relayProcess(database, telegram.apiRoot)
    await second.listening
    await expect
      .poll(() => replies.every((r) => sentTexts(telegram!).includes(r)), { timeout: 20_000 })
      .toBe(true)
    const sent = sentTexts(telegram)
    // In order: the first time each reply was sent follows the order they were written.
    expect([...new Set(sent)]).toEqual(replies)
    // r1 was answered before the kill: once. r2 was on the wire: sent again (Telegram has
    // no idempotency key, so a reply lost in flight goes twice rather than never).
    expect(sent.filter((t) => t === 'r1')).toHaveLength(1)
    expect(sent.filter((t) => t === 'r2').length).toBeGreaterThanOrEqual(2)
    for (const text of ['r3', 'r4']) expect(sent.filter((t) => t === text)).toHaveLength(1)
    expect(telegram.callsOf('sendMessage').every((c) => c.params.chat_id === '42')).toBe(true)
  }, 60_000)
})
