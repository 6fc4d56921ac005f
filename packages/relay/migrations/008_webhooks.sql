-- Outgoing webhooks and other destinations (CRM kinds) fed by one durable outbox.

CREATE TABLE webhook_endpoints (
  id TEXT PRIMARY KEY,
  -- 'webhook' (signed POST), or a destination kind registered in destinationKinds.
  kind TEXT NOT NULL DEFAULT 'webhook',
  url TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  -- JSON array of subscribed event types.
  events TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1,
  -- Signing secret (whsec_…): shown once at creation and rotation, never returned again.
  secret TEXT NOT NULL,
  -- The kind's settings as JSON (null for 'webhook').
  config TEXT,
  -- Set when the relay turned the endpoint off after persistent failure.
  disabled_reason TEXT,
  disabled_at INTEGER,
  -- The first failed attempt since the last success (null: not failing).
  failing_since INTEGER,
  -- Deliveries given up in a row since the last success.
  dead_in_a_row INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

-- One event to deliver to one endpoint. Written in the transaction of the change it tells of.
CREATE TABLE webhook_outbox (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
  -- The webhook-id: the event's id, the same on every retry and resend.
  message_id TEXT NOT NULL,
  type TEXT NOT NULL,
  -- Deliveries with the same endpoint and key go out one at a time in seq order.
  ordering_key TEXT NOT NULL,
  conversation_id TEXT,
  -- The OutboxEvent as JSON.
  event TEXT NOT NULL,
  -- pending | delivered | dead
  state TEXT NOT NULL DEFAULT 'pending',
  attempts INTEGER NOT NULL DEFAULT 0,
  next_at INTEGER NOT NULL,
  -- 1: the oldest pending row of its (endpoint, ordering key), the one to deliver next.
  head INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  done_at INTEGER
);

CREATE INDEX webhook_outbox_pending
  ON webhook_outbox (endpoint_id, ordering_key, seq) WHERE state = 'pending';
CREATE INDEX webhook_outbox_endpoint ON webhook_outbox (endpoint_id, seq);
-- What the delivery worker asks for: heads that are due, soonest first.
CREATE INDEX webhook_outbox_heads
  ON webhook_outbox (next_at, seq) WHERE head = 1 AND state = 'pending';

-- Every attempt, for the delivery log.
CREATE TABLE webhook_attempts (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  outbox_seq INTEGER NOT NULL REFERENCES webhook_outbox (seq) ON DELETE CASCADE,
  at INTEGER NOT NULL,
  ok INTEGER NOT NULL,
  status INTEGER,
  latency_ms INTEGER NOT NULL,
  excerpt TEXT NOT NULL,
  error TEXT
);

CREATE INDEX webhook_attempts_outbox ON webhook_attempts (outbox_seq, id);
