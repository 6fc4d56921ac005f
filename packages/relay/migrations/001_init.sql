-- Parley relay schema, version 1.

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
  updated_at INTEGER NOT NULL
);

CREATE TABLE employees (
  id TEXT PRIMARY KEY,
  email TEXT NOT NULL UNIQUE COLLATE NOCASE,
  name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('admin', 'supervisor', 'operator')),
  password_hash TEXT NOT NULL,
  created_at INTEGER NOT NULL
);

CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  employee_id TEXT NOT NULL REFERENCES employees(id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);

CREATE TABLE api_tokens (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  employee_id TEXT NOT NULL REFERENCES employees(id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL
);

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
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX conversations_by_visitor ON conversations(site_id, visitor_id, status);
CREATE INDEX conversations_by_update ON conversations(updated_at DESC);

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
  at INTEGER NOT NULL,
  UNIQUE (conversation_id, seq)
);
CREATE UNIQUE INDEX events_by_author_cid ON events(author_key, cid) WHERE cid IS NOT NULL;

CREATE TABLE reads (
  conversation_id TEXT NOT NULL REFERENCES conversations(id),
  reader_key TEXT NOT NULL,
  seq INTEGER NOT NULL,
  at INTEGER NOT NULL,
  PRIMARY KEY (conversation_id, reader_key)
);
