-- Parley relay schema for PostgreSQL: the SQLite schema of migrations 001–012 in one step.
-- Times are epoch milliseconds (BIGINT); flags stay 0/1 integers and JSON stays text, so a
-- row reads the same from either engine (exports, the contract suites). `ord` columns keep
-- insertion order where SQLite's adapters order by rowid.

CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE TABLE sites (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  origins TEXT NOT NULL DEFAULT '[]',
  settings TEXT NOT NULL,
  config_version TEXT NOT NULL,
  updated_at BIGINT NOT NULL
);

CREATE TABLE employees (
  id TEXT PRIMARY KEY,
  email TEXT NOT NULL,
  name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('admin', 'supervisor', 'operator')),
  password_hash TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  position TEXT,
  photo_url TEXT,
  kind TEXT NOT NULL DEFAULT 'human' CHECK (kind IN ('human', 'bot')),
  active INTEGER NOT NULL DEFAULT 1,
  capacity INTEGER CHECK (capacity IS NULL OR capacity >= 0)
);
-- SQLite's `COLLATE NOCASE`: one account per address whatever its case.
CREATE UNIQUE INDEX employees_email ON employees (lower(email));

CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  employee_id TEXT NOT NULL REFERENCES employees(id) ON DELETE CASCADE,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_by_employee ON sessions (employee_id);

CREATE TABLE api_tokens (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  employee_id TEXT NOT NULL REFERENCES employees(id) ON DELETE CASCADE,
  created_at BIGINT NOT NULL,
  scopes TEXT,
  last_used_at BIGINT
);

CREATE TABLE password_links (
  token_hash TEXT PRIMARY KEY,
  employee_id TEXT NOT NULL REFERENCES employees(id) ON DELETE CASCADE,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX password_links_employee ON password_links (employee_id);

CREATE TABLE employee_photos (
  employee_id TEXT PRIMARY KEY REFERENCES employees(id) ON DELETE CASCADE,
  content_type TEXT NOT NULL,
  data BYTEA NOT NULL,
  updated_at BIGINT NOT NULL
);

CREATE TABLE groups (
  id TEXT PRIMARY KEY,
  site_id TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  strategy TEXT NOT NULL DEFAULT 'round_robin'
    CHECK (strategy IN ('round_robin', 'least_busy', 'broadcast')),
  capacity INTEGER NOT NULL DEFAULT 5 CHECK (capacity >= 1),
  no_answer_seconds INTEGER NOT NULL DEFAULT 60 CHECK (no_answer_seconds >= 0),
  fallback_group_id TEXT REFERENCES groups(id) ON DELETE SET NULL,
  when_nobody_online TEXT NOT NULL DEFAULT 'queue'
    CHECK (when_nobody_online IN ('fallback', 'queue', 'offline_form')),
  is_default INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX groups_one_default ON groups (site_id) WHERE is_default = 1;

CREATE TABLE group_members (
  group_id TEXT NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
  employee_id TEXT NOT NULL REFERENCES employees(id) ON DELETE CASCADE,
  PRIMARY KEY (group_id, employee_id)
);
CREATE INDEX group_members_by_employee ON group_members (employee_id);

CREATE TABLE conversations (
  id TEXT PRIMARY KEY,
  site_id TEXT NOT NULL REFERENCES sites(id),
  visitor_id TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
  last_seq INTEGER NOT NULL DEFAULT 0,
  operator_id TEXT REFERENCES employees(id),
  operator_name TEXT,
  last_text TEXT,
  visitor_name TEXT,
  page TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  kind TEXT NOT NULL DEFAULT 'chat' CHECK (kind IN ('chat', 'callback', 'offline')),
  visitor_phone TEXT,
  visitor_email TEXT,
  rating INTEGER CHECK (rating BETWEEN 1 AND 5),
  rating_comment TEXT,
  routing_group TEXT,
  answered_at BIGINT,
  erased_at BIGINT
);
CREATE INDEX conversations_by_visitor ON conversations (site_id, visitor_id, status);
CREATE INDEX conversations_by_update ON conversations (updated_at DESC);
CREATE INDEX conversations_open ON conversations (status, created_at);
CREATE INDEX conversations_by_update_id ON conversations (updated_at, id);

CREATE TABLE events (
  id TEXT PRIMARY KEY,
  conversation_id TEXT NOT NULL REFERENCES conversations(id),
  seq INTEGER NOT NULL,
  kind TEXT NOT NULL,
  author_kind TEXT NOT NULL,
  author_id TEXT,
  author_name TEXT,
  -- who may not repeat a cid: 'visitor:<id>' or 'operator:<id>'
  author_key TEXT NOT NULL,
  cid TEXT,
  text TEXT NOT NULL,
  at BIGINT NOT NULL,
  data TEXT,
  UNIQUE (conversation_id, seq)
);
CREATE UNIQUE INDEX events_by_author_cid ON events (author_key, cid) WHERE cid IS NOT NULL;
CREATE INDEX events_messages_by_time ON events (at, id) WHERE kind = 'message';

CREATE TABLE reads (
  conversation_id TEXT NOT NULL REFERENCES conversations(id),
  reader_key TEXT NOT NULL,
  seq INTEGER NOT NULL,
  at BIGINT NOT NULL,
  PRIMARY KEY (conversation_id, reader_key)
);

CREATE TABLE visitors (
  site_id TEXT NOT NULL REFERENCES sites(id),
  id TEXT NOT NULL,
  user_id TEXT,
  verified INTEGER NOT NULL DEFAULT 0,
  name TEXT,
  email TEXT,
  phone TEXT,
  attributes TEXT NOT NULL DEFAULT '{}',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (site_id, id)
);
CREATE INDEX visitors_by_user ON visitors (site_id, user_id) WHERE user_id IS NOT NULL;
CREATE INDEX visitors_by_update ON visitors (updated_at, site_id, id);

CREATE TABLE consents (
  ord BIGSERIAL,
  id TEXT PRIMARY KEY,
  site_id TEXT NOT NULL REFERENCES sites(id),
  visitor_id TEXT NOT NULL,
  agreement_version TEXT NOT NULL,
  form TEXT NOT NULL CHECK (form IN ('callback', 'offline', 'prechat')),
  ip TEXT,
  at BIGINT NOT NULL,
  event_id TEXT REFERENCES events(id),
  withdrawn_at BIGINT,
  withdrawn_by TEXT CHECK (withdrawn_by IN ('visitor', 'admin')),
  erased INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX consents_by_visitor ON consents (site_id, visitor_id, at);
CREATE INDEX consents_by_time ON consents (at, id);

CREATE TABLE frame_acks (
  author_key TEXT NOT NULL,
  cid TEXT NOT NULL,
  id TEXT NOT NULL,
  at BIGINT NOT NULL,
  PRIMARY KEY (author_key, cid)
);

CREATE TABLE scenarios (
  site_id TEXT NOT NULL REFERENCES sites(id),
  id TEXT NOT NULL,
  position INTEGER NOT NULL,
  enabled INTEGER NOT NULL,
  data TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (site_id, id)
);

CREATE TABLE scenario_settings (
  site_id TEXT PRIMARY KEY REFERENCES sites(id),
  data TEXT NOT NULL
);

CREATE TABLE engagements (
  ord BIGSERIAL,
  id TEXT PRIMARY KEY,
  site_id TEXT NOT NULL,
  visitor_id TEXT,
  scenario_id TEXT NOT NULL,
  event TEXT NOT NULL CHECK (event IN ('impression', 'click', 'dismiss', 'conversion')),
  page TEXT,
  at BIGINT NOT NULL,
  session TEXT,
  kind TEXT CHECK (kind IN ('chat', 'callback', 'offline')),
  conversation_id TEXT,
  author_key TEXT,
  cid TEXT
);
CREATE INDEX engagements_by_site ON engagements (site_id, at);
CREATE INDEX engagements_by_visitor ON engagements (site_id, visitor_id, at)
  WHERE visitor_id IS NOT NULL;
CREATE UNIQUE INDEX engagements_by_cid ON engagements (author_key, cid) WHERE cid IS NOT NULL;

CREATE TABLE routing_log (
  id BIGSERIAL PRIMARY KEY,
  conversation_id TEXT NOT NULL REFERENCES conversations(id),
  type TEXT NOT NULL
    CHECK (type IN ('assigned', 'unassigned', 'queued', 'offline_form', 'transferred')),
  reason TEXT,
  group_id TEXT,
  operator_id TEXT,
  by_id TEXT,
  note TEXT,
  at BIGINT NOT NULL
);
CREATE INDEX routing_log_by_conversation ON routing_log (conversation_id, id);
CREATE INDEX routing_log_by_time ON routing_log (at);

CREATE TABLE webhook_endpoints (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL DEFAULT 'webhook',
  url TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  events TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1,
  secret TEXT NOT NULL,
  config TEXT,
  disabled_reason TEXT,
  disabled_at BIGINT,
  failing_since BIGINT,
  dead_in_a_row INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);

CREATE TABLE webhook_outbox (
  seq BIGSERIAL PRIMARY KEY,
  endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
  message_id TEXT NOT NULL,
  type TEXT NOT NULL,
  ordering_key TEXT NOT NULL,
  conversation_id TEXT,
  event TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending',
  attempts INTEGER NOT NULL DEFAULT 0,
  next_at BIGINT NOT NULL,
  head INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  done_at BIGINT
);
CREATE INDEX webhook_outbox_pending
  ON webhook_outbox (endpoint_id, ordering_key, seq) WHERE state = 'pending';
CREATE INDEX webhook_outbox_endpoint ON webhook_outbox (endpoint_id, seq);
CREATE INDEX webhook_outbox_heads
  ON webhook_outbox (next_at, seq) WHERE head = 1 AND state = 'pending';

CREATE TABLE webhook_attempts (
  id BIGSERIAL PRIMARY KEY,
  outbox_seq BIGINT NOT NULL REFERENCES webhook_outbox (seq) ON DELETE CASCADE,
  at BIGINT NOT NULL,
  ok INTEGER NOT NULL,
  status INTEGER,
  latency_ms INTEGER NOT NULL,
  excerpt TEXT NOT NULL,
  error TEXT
);
CREATE INDEX webhook_attempts_outbox ON webhook_attempts (outbox_seq, id);

CREATE TABLE agreement_texts (
  site_id TEXT NOT NULL,
  version TEXT NOT NULL,
  text TEXT NOT NULL,
  first_seen_at BIGINT NOT NULL,
  PRIMARY KEY (site_id, version)
);

CREATE TABLE visitor_token_revocations (
  site_id TEXT NOT NULL,
  visitor_id TEXT NOT NULL,
  valid_after BIGINT NOT NULL,
  PRIMARY KEY (site_id, visitor_id)
);

CREATE TABLE retention (
  site_id TEXT PRIMARY KEY,
  conversations_days INTEGER CHECK (conversations_days BETWEEN 1 AND 3650),
  visitors_days INTEGER CHECK (visitors_days BETWEEN 1 AND 3650),
  engagements_days INTEGER CHECK (engagements_days BETWEEN 1 AND 3650),
  updated_at BIGINT NOT NULL
);

CREATE TABLE privacy_audit (
  id TEXT PRIMARY KEY,
  at BIGINT NOT NULL,
  actor_id TEXT,
  actor_name TEXT,
  action TEXT NOT NULL CHECK (action IN ('export', 'erase', 'retention', 'withdraw', 'settings')),
  site_id TEXT,
  subject TEXT,
  reason TEXT,
  details TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX privacy_audit_by_time ON privacy_audit (at DESC, id DESC);

CREATE TABLE canned_responses (
  id TEXT PRIMARY KEY,
  owner_id TEXT REFERENCES employees(id) ON DELETE CASCADE,
  group_id TEXT REFERENCES groups(id) ON DELETE CASCADE,
  shortcut TEXT NOT NULL,
  text TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  CHECK ((owner_id IS NULL) <> (group_id IS NULL))
);
CREATE UNIQUE INDEX canned_personal ON canned_responses (owner_id, shortcut) WHERE owner_id IS NOT NULL;
CREATE UNIQUE INDEX canned_shared ON canned_responses (group_id, shortcut) WHERE group_id IS NOT NULL;
