import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { PROTOCOL_VERSION } from '@parley/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import { type Receiver, startReceiver } from '../../testing/webhook-receiver.ts'
import { connect, ofType } from '../../testing/ws-client.ts'

// The compiled relay command (`pnpm build`), as in cli/main.test.ts.
const BIN = fileURLToPath(new URL('../../../bin/parley-relay.js', import.meta.url))
const LISTENING = /^parley-relay listening on (http:\/\/\S+)$/m
const PASSWORD = 'a long enough password'

const children = new Set<ChildProcess>()
const dirs: string[] = []
let receiver: Receiver | undefined

afterEach(async () => {
  for (const child of children) child.kill('SIGKILL')
  children.clear()
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
  await receiver?.close()
})

/** The relay command as an operator runs it, on `database`. */
function relayProcess(database: string) {
  const child = spawn(process.execPath, [BIN], {
    env: {
      ...process.env,
      PARLEY_LOG_LEVEL: 'silent',
      PARLEY_PORT: '0',
      PARLEY_DATABASE: database,
      PARLEY_SITES: 'shop',
      PARLEY_ADMIN_PASSWORD: PASSWORD,
      PARLEY_WEBHOOKS_ALLOW_PRIVATE: '127.0.0.1',
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

const textOf = (r: { payload?: { data: Record<string, unknown> } }) =>
  (r.payload?.data.message as { text: string } | undefined)?.text

describe('a relay killed mid-delivery', () => {
  it('resumes on the same database: every event at least once, in order, repeats with the same webhook-id', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-webhooks-'))
    dirs.push(dir)
    const database = join(dir, 'parley.db')
    receiver = await startReceiver()
    // The first three are answered; the fourth is left hanging when the relay dies.
    receiver.answer = (payload) =>
      ['m1', 'm2', 'm3'].includes(textOf({ payload }) ?? '') ? 204 : 'hang'
    const first = relayProcess(database)
    const url = await first.listening
    const login = await fetch(`${url}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@example.com', password: PASSWORD }),
    })
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!
    const created = await fetch(`${url}/v1/admin/webhooks`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ url: receiver.url, events: ['message.created'] }),
    })
    expect(created.status).toBe(201)
    receiver.secret = ((await created.json()) as { secret: string }).secret

    const texts = Array.from({ length: 12 }, (_, i) => `m${i + 1}`)
    const visitor = await connect(`${url.replace('http', 'ws')}/v1/visitor?site=shop`)
    visitor.send({ t: 'hello', v: PROTOCOL_VERSION })
    await visitor.next(ofType('welcome'))
    for (const text of texts) {
      visitor.send({ t: 'send', cid: text, text })
      await visitor.next(ofType('ack', (f) => f.cid === text))
    }
    // m4 is on the wire, unanswered: kill the relay now.
    await receiver.until((r) => r.some((x) => textOf(x) === 'm4'))
    first.child.kill('SIGKILL')
    expect(await first.exited).toBe('SIGKILL')
    await visitor.closed

    receiver.answer = 204
    const second = relayProcess(database)
    await second.listening
    await receiver.until((r) => {
      const got = new Set(r.filter((x) => x.status === 204).map(textOf))
      return texts.every((t) => got.has(t))
    }, 20_000)

    const received = receiver.received
    expect(received.every((r) => r.verified)).toBe(true)
    // In order: the first arrival of each text follows the order they were written.
    const firstSeen: string[] = []
    for (const r of received) {
      const text = textOf(r)!
      if (!firstSeen.includes(text)) firstSeen.push(text)
    }
    expect(firstSeen).toEqual(texts)
    // A text arrives again only under its own webhook-id, and each id is one text.
    const idOf = new Map<string, string>()
    for (const r of received) {
      const text = textOf(r)!
      expect(r.id, text).toBe(idOf.get(text) ?? r.id)
      idOf.set(text, r.id)
    }
    expect(new Set(idOf.values()).size).toBe(texts.length)
    // m4 went twice (before and after the kill); those answered before it, once.
    expect(received.filter((r) => textOf(r) === 'm4').length).toBeGreaterThanOrEqual(2)
    for (const text of ['m1', 'm2', 'm3']) {
      expect(received.filter((r) => textOf(r) === text)).toHaveLength(1)
    }
  })
})
