import type { Statement } from 'better-sqlite3'
import type { SqliteDatabase } from '../../infra/db/sqlite.ts'
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

/**
 * Pending heads (the oldest pending row of each endpoint and key, kept in `head`) of active
 * endpoints, or test events.
 */
const HEADS = `
  SELECT o.* FROM webhook_outbox o
  JOIN webhook_endpoints e ON e.id = o.endpoint_id
  WHERE o.head = 1 AND o.state = 'pending' AND (e.active = 1 OR o.type = 'webhook.test')`

/** `webhook_endpoints`, `webhook_outbox`, `webhook_attempts` (`008_webhooks.sql`). */
export class SqliteWebhookStore implements WebhookStore {
  private readonly sql: Record<string, Statement>

  constructor(private readonly db: SqliteDatabase) {
    const raw = db.raw
    this.sql = {
      insertEndpoint: raw.prepare(
        `INSERT INTO webhook_endpoints (id, kind, url, description, events, active, secret, config,
           disabled_reason, disabled_at, failing_since, dead_in_a_row, created_at, updated_at)
         VALUES (@id, @kind, @url, @description, @events, @active, @secret, @config,
           @disabledReason, @disabledAt, @failingSince, @deadInARow, @createdAt, @updatedAt)`,
      ),
      getEndpoint: raw.prepare('SELECT * FROM webhook_endpoints WHERE id = ?'),
      listEndpoints: raw.prepare('SELECT * FROM webhook_endpoints ORDER BY created_at, id'),
      updateEndpoint: raw.prepare(
        `UPDATE webhook_endpoints SET url = @url, description = @description, events = @events,
           active = @active, secret = @secret, config = @config,
           disabled_reason = @disabledReason, disabled_at = @disabledAt,
           failing_since = @failingSince, dead_in_a_row = @deadInARow, updated_at = @updatedAt
         WHERE id = @id`,
      ),
      deleteAttempts: raw.prepare(
        `DELETE FROM webhook_attempts WHERE outbox_seq IN
           (SELECT seq FROM webhook_outbox WHERE endpoint_id = ?)`,
      ),
      deleteOutbox: raw.prepare('DELETE FROM webhook_outbox WHERE endpoint_id = ?'),
      deleteEndpoint: raw.prepare('DELETE FROM webhook_endpoints WHERE id = ?'),
      hasPending: raw.prepare(
        `SELECT 1 FROM webhook_outbox
         WHERE endpoint_id = ? AND ordering_key = ? AND state = 'pending' LIMIT 1`,
      ),
      enqueue: raw.prepare(
        `INSERT INTO webhook_outbox (endpoint_id, message_id, type, ordering_key, conversation_id,
           event, next_at, created_at, head)
         VALUES (@endpointId, @messageId, @type, @orderingKey, @conversationId, @event, @nextAt,
           @createdAt, @head)`,
      ),
      pendingLine: raw.prepare(
        `SELECT * FROM webhook_outbox
         WHERE endpoint_id = ? AND ordering_key = ? AND state = 'pending' ORDER BY seq LIMIT ?`,
      ),
      keyOf: raw.prepare('SELECT endpoint_id, ordering_key FROM webhook_outbox WHERE seq = ?'),
      promote: raw.prepare(
        `UPDATE webhook_outbox SET head = 1 WHERE seq =
           (SELECT MIN(seq) FROM webhook_outbox
            WHERE endpoint_id = ? AND ordering_key = ? AND state = 'pending')`,
      ),
      dueHeads: raw.prepare(`${HEADS} AND o.next_at <= ? ORDER BY o.next_at, o.seq LIMIT ?`),
      nextDue: raw.prepare(`SELECT MIN(o.next_at) AS at FROM (${HEADS}) o`),
      insertAttempt: raw.prepare(
        `INSERT INTO webhook_attempts (outbox_seq, at, ok, status, latency_ms, excerpt, error)
         VALUES (@seq, @at, @ok, @status, @latencyMs, @excerpt, @error)`,
      ),
      applyOutcome: raw.prepare(
        `UPDATE webhook_outbox SET state = @state, attempts = @attempts, next_at = @nextAt,
           done_at = CASE WHEN @state = 'pending' THEN NULL ELSE @at END,
           head = CASE WHEN @state = 'pending' THEN head ELSE 0 END
         WHERE seq = @seq`,
      ),
      listDeliveries: raw.prepare(
        'SELECT * FROM webhook_outbox WHERE endpoint_id = ? ORDER BY seq DESC LIMIT ?',
      ),
      getDelivery: raw.prepare('SELECT * FROM webhook_outbox WHERE endpoint_id = ? AND seq = ?'),
      attemptsOf: raw.prepare('SELECT * FROM webhook_attempts WHERE outbox_seq = ? ORDER BY id'),
      retryPending: raw.prepare(
        `UPDATE webhook_outbox SET next_at = ? WHERE endpoint_id = ? AND state = 'pending'`,
      ),
      countAll: raw.prepare('SELECT state, COUNT(*) AS n FROM webhook_outbox GROUP BY state'),
      countOf: raw.prepare(
        'SELECT state, COUNT(*) AS n FROM webhook_outbox WHERE endpoint_id = ? GROUP BY state',
      ),
    }
  }

  async createEndpoint(tx: Tx, endpoint: EndpointRecord): Promise<void> {
    this.db.write(tx)
    this.sql.insertEndpoint!.run(this.endpointParams(endpoint))
  }

  getEndpoint(id: string, tx?: Tx): Promise<EndpointRecord | undefined> {
    return this.db.read(() => {
      const row = this.sql.getEndpoint!.get(id) as EndpointRow | undefined
      return row && toEndpoint(row)
    }, tx)
  }

  listEndpoints(tx?: Tx): Promise<EndpointRecord[]> {
    return this.db.read(() => (this.sql.listEndpoints!.all() as EndpointRow[]).map(toEndpoint), tx)
  }

  async updateEndpoint(
    tx: Tx,
    id: string,
    patch: EndpointPatch,
  ): Promise<EndpointRecord | undefined> {
    const current = await this.getEndpoint(id, tx)
    if (!current) return undefined
    const next = { ...current, ...patch }
    this.sql.updateEndpoint!.run(this.endpointParams(next))
    return next
  }

  async deleteEndpoint(tx: Tx, id: string): Promise<boolean> {
    this.db.write(tx)
    this.sql.deleteAttempts!.run(id)
    this.sql.deleteOutbox!.run(id)
    return this.sql.deleteEndpoint!.run(id).changes > 0
  }

  async enqueue(tx: Tx, rows: readonly NewOutboxRow[]): Promise<number[]> {
    this.db.write(tx)
    return rows.map((row) =>
      Number(
        this.sql.enqueue!.run({
          // First in its line when nothing of its endpoint and key is waiting.
          head: this.sql.hasPending!.get(row.endpointId, row.orderingKey) ? 0 : 1,
          endpointId: row.endpointId,
          messageId: row.event.id,
          type: row.event.type,
          orderingKey: row.orderingKey,
          conversationId: row.event.conversationId,
          event: JSON.stringify(row.event),
          nextAt: row.nextAt,
          createdAt: row.createdAt,
        }).lastInsertRowid,
      ),
    )
  }

  dueHeads(now: number, limit: number, tx?: Tx): Promise<OutboxRow[]> {
    return this.db.read(
      () => (this.sql.dueHeads!.all(now, limit) as OutboxDbRow[]).map(toOutbox),
      tx,
    )
  }

  pendingLine(endpointId: string, orderingKey: string, limit: number, tx?: Tx) {
    return this.db.read(
      () =>
        (this.sql.pendingLine!.all(endpointId, orderingKey, limit) as OutboxDbRow[]).map(toOutbox),
      tx,
    )
  }

  nextDue(tx?: Tx): Promise<number | null> {
    return this.db.read(() => (this.sql.nextDue!.get() as { at: number | null }).at, tx)
  }

  async recordAttempt(
    tx: Tx,
    seq: number,
    attempt: StoredAttempt,
    outcome: AttemptOutcome,
  ): Promise<void> {
    this.db.write(tx)
    this.sql.insertAttempt!.run({
      seq,
      at: attempt.at,
      ok: attempt.ok ? 1 : 0,
      status: attempt.status,
      latencyMs: attempt.latencyMs,
      excerpt: attempt.excerpt,
      error: attempt.error ?? null,
    })
    this.sql.applyOutcome!.run({ seq, at: attempt.at, ...outcome })
    if (outcome.state !== 'pending') {
      // The next row of the same endpoint and key is now first in line.
      const key = this.sql.keyOf!.get(seq) as { endpoint_id: string; ordering_key: string }
      this.sql.promote!.run(key.endpoint_id, key.ordering_key)
    }
  }

  listDeliveries(endpointId: string, limit: number): Promise<DeliveryRecord[]> {
    return this.db.read(() =>
      (this.sql.listDeliveries!.all(endpointId, limit) as OutboxDbRow[]).map((row) =>
        this.withLog(row),
      ),
    )
  }

  getDelivery(endpointId: string, seq: number, tx?: Tx): Promise<DeliveryRecord | undefined> {
    return this.db.read(() => {
      const row = this.sql.getDelivery!.get(endpointId, seq) as OutboxDbRow | undefined
      return row && this.withLog(row)
    }, tx)
  }

  async retryPendingNow(tx: Tx, endpointId: string, at: number): Promise<void> {
    this.db.write(tx)
    this.sql.retryPending!.run(at, endpointId)
  }

  countByState(endpointId?: string): Promise<Record<DeliveryState, number>> {
    return this.db.read(() => {
      const counts: Record<DeliveryState, number> = { pending: 0, delivered: 0, dead: 0 }
      const rows = (
        endpointId === undefined ? this.sql.countAll!.all() : this.sql.countOf!.all(endpointId)
      ) as { state: DeliveryState; n: number }[]
      for (const row of rows) counts[row.state] = row.n
      return counts
    })
  }

  private withLog(row: OutboxDbRow): DeliveryRecord {
    return {
      ...toOutbox(row),
      log: (this.sql.attemptsOf!.all(row.seq) as AttemptRow[]).map(toAttempt),
    }
  }

  private endpointParams(endpoint: EndpointRecord) {
    return {
      id: endpoint.id,
      kind: endpoint.kind,
      url: endpoint.url,
      description: endpoint.description,
      events: JSON.stringify(endpoint.events),
      active: endpoint.active ? 1 : 0,
      secret: endpoint.secret,
      config: endpoint.config === null ? null : JSON.stringify(endpoint.config),
      disabledReason: endpoint.disabledReason,
      disabledAt: endpoint.disabledAt,
      failingSince: endpoint.failingSince,
      deadInARow: endpoint.deadInARow,
      createdAt: endpoint.createdAt,
      updatedAt: endpoint.updatedAt,
    }
  }
}
