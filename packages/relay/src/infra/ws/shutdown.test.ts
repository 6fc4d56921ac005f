import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PROTOCOL_VERSION } from '@parley/protocol'
import { describe, expect, it } from 'vitest'
import { buildServer } from '../../app.ts'
import { createSqliteStores } from '../../stores.ts'
import { startRelay } from '../../testing/relay.ts'
import { connect, ofType } from '../../testing/ws-client.ts'

describe('graceful shutdown', () => {
  it('closes visitor and operator sockets with 1001 and a reason, then the store', async () => {
    const relay = await startRelay()
    const { socket: visitor } = await relay.visitor()
    const { socket: operator } = await relay.operator()
    visitor.send({ t: 'send', cid: 'c1', text: 'last words' })
    await visitor.next(ofType('ack'))
    await relay.app.close()
    expect(await visitor.closed).toEqual({ code: 1001, reason: 'relay shutting down' })
    expect(await operator.closed).toEqual({ code: 1001, reason: 'relay shutting down' })
    await expect(relay.stores.conversations.list(1)).rejects.toThrow()
  })

  it('stops accepting connections once closed', async () => {
    const relay = await startRelay()
    const url = relay.wsUrl
    await relay.app.close()
    await expect(connect(`${url}/v1/visitor?site=shop`)).rejects.toThrow()
  })
})

describe('graceful shutdown with a write in flight', () => {
  it('finishes the write before it closes the database, and the event is there after a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-shutdown-'))
    const path = join(dir, 'relay.db')
    const stores = createSqliteStores(path)
    // Hold the append inside its transaction until the test lets it go.
    let reached!: () => void
    const inAppend = new Promise<void>((resolve) => {
      reached = resolve
    })
    let release!: () => void
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    const append = stores.conversations.append.bind(stores.conversations)
    stores.conversations.append = async (tx, input) => {
      reached()
      await gate
      return append(tx, input)
    }
    const app = await buildServer(
      {
        databasePath: path,
        sites: [{ id: 'shop' }],
        logger: false,
        staticDirs: { widget: '/nonexistent', console: '/nonexistent', demoSite: '/nonexistent' },
      },
      { stores },
    )
    await app.listen({ host: '127.0.0.1', port: 0 })
    const address = app.server.address() as { port: number }
    const visitor = await connect(`ws://127.0.0.1:${address.port}/v1/visitor?site=shop`)
    visitor.send({ t: 'hello', v: PROTOCOL_VERSION })
    await visitor.next(ofType('welcome'))
    visitor.send({ t: 'send', cid: 'c1', text: 'written while closing' })
    await inAppend
    let closed = false
    const closing = app.close().then(() => {
      closed = true
    })
    expect(await visitor.closed).toEqual({ code: 1001, reason: 'relay shutting down' })
    expect(closed).toBe(false)
    release()
    await closing
    const reopened = createSqliteStores(path)
    try {
      const [conversation] = await reopened.conversations.list(10)
      const events = await reopened.conversations.eventsAfter(conversation!.id, 0, 10)
      expect(events.map((e) => e.text)).toEqual(['written while closing'])
    } finally {
      await reopened.db.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
