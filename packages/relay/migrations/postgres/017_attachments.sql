-- Parley relay schema on PostgreSQL, version 17: files that messages carry (the SQLite
-- engine's 017_attachments.sql), stored with the event that names them, in its transaction.

CREATE TABLE attachments (
  id TEXT PRIMARY KEY,
  site_id TEXT NOT NULL,
  conversation_id TEXT NOT NULL,
  event_id TEXT,
  name TEXT NOT NULL,
  content_type TEXT NOT NULL,
  size BIGINT NOT NULL,
  data BYTEA NOT NULL,
  created_at BIGINT NOT NULL
);

CREATE INDEX attachments_by_conversation ON attachments (conversation_id);
CREATE INDEX attachments_by_event ON attachments (event_id);
