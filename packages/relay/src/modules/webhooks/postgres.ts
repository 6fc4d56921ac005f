import type { PostgresDatabase } from '../../infra/db/postgres.ts'
import type { Tx } from '../../infra/db/unit-of-work.ts'
import {
  type AttemptRow,
  type EndpointRow,
  type OutboxDbRow,
  toAttempt,
  toEndpoint,
  toOutbox,
} from './rows.ts'
import type {
  AttemptOutcome,
  DeliveryRecord,
  DeliveryState,
  EndpointPatch,
  EndpointRecord,
  NewOutboxRow,
  OutboxRow,
  StoredAttempt,
  WebhookStore,
} from './store.ts'

/** Pending heads of active endpoints, or test events (see `SqliteWebhookStore`). */
const HEADS = `
  SELECT o.* FROM webhook_outbox o
  JOIN webhook_endpoints e ON e.id = o.endpoint_id
  WHERE o.head = 1 AND o.state = 'pending' AND (e.active = 1 OR o.type = 'webhook.test')`

/** `webhook_endpoints`, `webhook_outbox`, `webhook_attempts` on PostgreSQL. */
export class PostgresWebhookStore implements WebhookStore {
  constructor(private readonly db: PostgresDatabase) {}

  async createEndpoint(tx: Tx, e: EndpointRecord): Promise<void> {
    await this.db.run(
      tx,
      `INSERT INTO webhook_endpoints (id, kind, url, description, events, active, secret, config,
         disabled_reason, disabled_at, failing_since, dead_in_a_row, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
      [
        e.id,
        e.kind,
        e.url,
        e.description,
        JSON.stringify(e.events),
        e.active ? 1 : 0,
        e.secret,
        e.config === null ? null : JSON.stringify(e.config),
        e.disabledReason,
        e.disabledAt,
        e.failingSince,
        e.deadInARow,
        e.createdAt,
        e.updatedAt,
      ],
    )
  }

  async getEndpoint(id: string, tx?: Tx): Promise<EndpointRecord | undefined> {
    const row = await this.db.row<EndpointRow>(
      'SELECT * FROM webhook_endpoints WHERE id = $1',
      [id],
      tx,
    )
    return row && toEndpoint(row)
  }

  async listEndpoints(tx?: Tx): Promise<EndpointRecord[]> {
    return (
      await this.db.rows<EndpointRow>(
        'SELECT * FROM webhook_endpoints ORDER BY created_at, id',
        [],
        tx,
      )
    ).map(toEndpoint)
  }

  async updateEndpoint(
    tx: Tx,
    id: string,
    patch: EndpointPatch,
  ): Promise<EndpointRecord | undefined> {
    const current = await this.getEndpoint(id, tx)
    if (!current) return undefined
    const next = { ...current, ...patch }
    await this.db.run(
      tx,
      `UPDATE webhook_endpoints SET url = $2, description = $3, events = $4, active = $5,
         secret = $6, config = $7, disabled_reason = $8, disabled_at = $9, failing_since = $10,
         dead_in_a_row = $11, updated_at = $12
       WHERE id = $1`,
      [
        next.id,
        next.url,
        next.description,
        JSON.stringify(next.events),
        next.active ? 1 : 0,
        next.secret,
        next.config === null ? null : JSON.stringify(next.config),
        next.disabledReason,
        next.disabledAt,
        next.failingSince,
        next.deadInARow,
        next.updatedAt,
      ],
    )
    return next
  }

  async deleteEndpoint(tx: Tx, id: string): Promise<boolean> {
    await this.db.run(
      tx,
      `DELETE FROM webhook_attempts WHERE outbox_seq IN
         (SELECT seq FROM webhook_outbox WHERE endpoint_id = $1)`,
      [id],
    )
    await this.db.run(tx, 'DELETE FROM webhook_outbox WHERE endpoint_id = $1', [id])
    return (await this.db.run(tx, 'DELETE FROM webhook_endpoints WHERE id = $1', [id])) > 0
  }

  async enqueue(tx: Tx, rows: readonly NewOutboxRow[]): Promise<number[]> {
    const seqs: number[] = []
    for (const row of rows) {
      // First in its line when nothing of its endpoint and key is waiting.
      const inserted = await this.db.row<{ seq: number }>(
        `INSERT INTO webhook_outbox (endpoint_id, message_id, type, ordering_key, conversation_id,
           event, next_at, created_at, head)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8,
           CASE WHEN EXISTS (SELECT 1 FROM webhook_outbox WHERE endpoint_id = $1
             AND ordering_key = $4 AND state = 'pending') THEN 0 ELSE 1 END)
         RETURNING seq`,
        [
          row.endpointId,
          row.event.id,
          row.event.type,
          row.orderingKey,
          row.event.conversationId ?? null,
          JSON.stringify(row.event),
          row.nextAt,
          row.createdAt,
        ],
        tx,
      )
      seqs.push(inserted!.seq)
    }
    return seqs
  }

  async dueHeads(now: number, limit: number, tx?: Tx): Promise<OutboxRow[]> {
    return (
      await this.db.rows<OutboxDbRow>(
        `${HEADS} AND o.next_at <= $1 ORDER BY o.next_at, o.seq LIMIT $2`,
        [now, limit],
        tx,
      )
    ).map(toOutbox)
  }

  async pendingLine(endpointId: string, orderingKey: string, limit: number, tx?: Tx) {
    return (
      await this.db.rows<OutboxDbRow>(
        `SELECT * FROM webhook_outbox
         WHERE endpoint_id = $1 AND ordering_key = $2 AND state = 'pending' ORDER BY seq LIMIT $3`,
        [endpointId, orderingKey, limit],
        tx,
      )
    ).map(toOutbox)
  }

  async nextDue(tx?: Tx): Promise<number | null> {
    const row = await this.db.row<{ at: number | null }>(
      `SELECT MIN(o.next_at) AS at FROM (${HEADS}) o`,
      [],
      tx,
    )
    return row?.at ?? null
  }

  async recordAttempt(
    tx: Tx,
    seq: number,
    attempt: StoredAttempt,
    outcome: AttemptOutcome,
  ): Promise<void> {
    await this.db.run(
      tx,
      `INSERT INTO webhook_attempts (outbox_seq, at, ok, status, latency_ms, excerpt, error)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        seq,
        attempt.at,
        attempt.ok ? 1 : 0,
        attempt.status,
        attempt.latencyMs,
        attempt.excerpt,
        attempt.error ?? null,
      ],
    )
    const key = await this.db.row<{ endpoint_id: string; ordering_key: string }>(
      `UPDATE webhook_outbox SET state = $2, attempts = $3, next_at = $4,
         done_at = CASE WHEN $2 = 'pending' THEN NULL ELSE $5::bigint END,
         head = CASE WHEN $2 = 'pending' THEN head ELSE 0 END
       WHERE seq = $1 RETURNING endpoint_id, ordering_key`,
      [seq, outcome.state, outcome.attempts, outcome.nextAt, attempt.at],
      tx,
    )
    if (outcome.state !== 'pending' && key) {
      // The next row of the same endpoint and key is now first in line.
      await this.db.run(
        tx,
        `UPDATE webhook_outbox SET head = 1 WHERE seq =
           (SELECT MIN(seq) FROM webhook_outbox
            WHERE endpoint_id = $1 AND ordering_key = $2 AND state = 'pending')`,
        [key.endpoint_id, key.ordering_key],
      )
    }
  }

  async listDeliveries(endpointId: string, limit: number): Promise<DeliveryRecord[]> {
    const rows = await this.db.rows<OutboxDbRow>(
      'SELECT * FROM webhook_outbox WHERE endpoint_id = $1 ORDER BY seq DESC LIMIT $2',
      [endpointId, limit],
    )
    return Promise.all(rows.map((row) => this.withLog(row)))
  }

  async getDelivery(endpointId: string, seq: number, tx?: Tx): Promise<DeliveryRecord | undefined> {
    const row = await this.db.row<OutboxDbRow>(
      'SELECT * FROM webhook_outbox WHERE endpoint_id = $1 AND seq = $2',
      [endpointId, seq],
      tx,
    )
    return row && this.withLog(row, tx)
  }

  async retryPendingNow(tx: Tx, endpointId: string, at: number): Promise<void> {
    await this.db.run(
      tx,
      `UPDATE webhook_outbox SET next_at = $1 WHERE endpoint_id = $2 AND state = 'pending'`,
      [at, endpointId],
    )
  }

  async countByState(endpointId?: string): Promise<Record<DeliveryState, number>> {
    const counts: Record<DeliveryState, number> = { pending: 0, delivered: 0, dead: 0 }
    const rows =
      endpointId === undefined
        ? await this.db.rows<{ state: DeliveryState; n: number }>(
            'SELECT state, COUNT(*) AS n FROM webhook_outbox GROUP BY state',
          )
        : await this.db.rows<{ state: DeliveryState; n: number }>(
            'SELECT state, COUNT(*) AS n FROM webhook_outbox WHERE endpoint_id = $1 GROUP BY state',
            [endpointId],
          )
    for (const row of rows) counts[row.state] = row.n
    return counts
  }

  private async withLog(row: OutboxDbRow, tx?: Tx): Promise<DeliveryRecord> {
    const attempts = await this.db.rows<AttemptRow>(
      'SELECT * FROM webhook_attempts WHERE outbox_seq = $1 ORDER BY id',
      [row.seq],
      tx,
    )
    return { ...toOutbox(row), log: attempts.map(toAttempt) }
  }
}
