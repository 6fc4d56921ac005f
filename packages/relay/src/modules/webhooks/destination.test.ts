import { Type } from '@sinclair/typebox'
import { afterEach, describe, expect, it } from 'vitest'
import { injectRelay, type TestRelay } from '../../testing/relay.ts'
import { call } from '../../testing/scenarios.ts'
import { type Receiver, startReceiver } from '../../testing/webhook-receiver.ts'
import {
  type DestinationKind,
  destinationKinds,
  excerptOf,
  type OutboxEvent,
} from './destination.ts'

interface CrmConfig {
  url: string
  pipeline: string
  token: string
}

/** A CRM-like kind, as another module would add it: one line in the registry. */
const crmKind: DestinationKind<CrmConfig> = {
  kind: 'test-crm',
  configSchema: Type.Object({ pipeline: Type.String(), token: Type.String() }),
  secretFields: ['token'],
  create(config, { fetch }) {
    return {
      async deliver(event: OutboxEvent, signal: AbortSignal) {
        const started = performance.now()
        const res = await fetch(`${config.url}?pipeline=${config.pipeline}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${config.token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ lead: event.data }),
          signal,
        })
        const text = await res.text()
        return {
          ok: res.ok,
          status: res.status,
          latencyMs: Math.round(performance.now() - started),
          excerpt: excerptOf(text),
          retryable: res.status >= 500,
        }
      },
    }
  },
}

let relay: TestRelay
let receiver: Receiver
afterEach(async () => {
  destinationKinds.delete(crmKind.kind)
  await relay.close()
  await receiver.close()
})

describe('destination kinds', () => {
  it('delivers through a registered kind with its config, never showing its secret fields', async () => {
    destinationKinds.set(crmKind.kind, crmKind)
    receiver = await startReceiver()
    relay = await injectRelay({ webhooks: { allowPrivateNetworks: ['127.0.0.1'] } })
    const admin = await relay.login()
    await expect(
      relay.app.webhooks.create({
        kind: 'test-crm',
        url: receiver.url,
        events: ['message.created'],
        config: { pipeline: 7 },
      }),
    ).rejects.toMatchObject({
      code: 'field_invalid',
      fields: [
        { field: 'config.token', code: 'required' },
        { field: 'config.pipeline', code: 'value_invalid' },
      ],
    })
    const { endpoint } = await relay.app.webhooks.create({
      kind: 'test-crm',
      url: receiver.url,
      events: ['message.created'],
      config: { pipeline: 'sales', token: 'crm-secret-token' },
    })
    const listed = await call(relay, admin, 'GET', '/v1/admin/webhooks')
    expect(listed.body.endpoints).toEqual([
      expect.objectContaining({ id: endpoint.id, kind: 'test-crm', config: { pipeline: 'sales' } }),
    ])
    expect(JSON.stringify(listed.body)).not.toContain('crm-secret-token')

    const { socket } = await relay.visitor()
    socket.send({ t: 'send', cid: 'm1', text: 'I want to buy' })
    // Not signed as a webhook: the receiver's verify refuses it (400), which this kind
    // does not retry; what matters is that its own request arrived as it built it.
    await receiver.until((r) => r.length === 1)
    expect(JSON.parse(receiver.received[0]!.body)).toMatchObject({
      lead: { author: 'visitor', message: { text: 'I want to buy' } },
    })
    await relay.app.webhooks.worker.idle()
    const log = await call(relay, admin, 'GET', `/v1/admin/webhooks/${endpoint.id}/deliveries`)
    expect(log.body.deliveries[0]).toMatchObject({ state: 'dead', attempts: [{ status: 400 }] })
  })
})
