-- Parley relay schema on PostgreSQL, version 16: the operator workspace (the SQLite engine's
-- 016_workspace.sql): what the visitor card shows, lead handling, closing tags.

-- Pages a visitor opened, one row per widget connection (`hello`) that named its page,
-- with where they came from and the region looked up then. The newest 50 per visitor
-- are kept (older rows are deleted as new ones come).
CREATE TABLE visitor_pages (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  site_id TEXT NOT NULL,
  visitor_id TEXT NOT NULL,
  url TEXT NOT NULL,
  title TEXT,
  referrer TEXT,
  -- utm_source of the page's query string, when it had one
  utm_source TEXT,
  -- ISO 3166-1 alpha-2 and the ISO 3166-2 subdivision without the prefix
  country TEXT,
  region TEXT,
  at BIGINT NOT NULL
);
CREATE INDEX visitor_pages_by_visitor ON visitor_pages (site_id, visitor_id, at);

-- The card names the scenario a conversation came from: its conversion, found by
-- conversation with `engagements_by_conversation`, which 014_analytics.sql made.

-- Callback requests and offline leads: where their handling stands and who has it.
-- NULL status on a lead reads as 'new'; chats have neither.
ALTER TABLE conversations ADD COLUMN lead_status TEXT
  CHECK (lead_status IN ('new', 'in_progress', 'done', 'unreachable'));
ALTER TABLE conversations ADD COLUMN lead_assignee_id TEXT REFERENCES employees(id);

-- Tags an operator put on a conversation (when closing it), one row per tag, stored trimmed
-- and lower-cased.
CREATE TABLE conversation_tags (
  conversation_id TEXT NOT NULL REFERENCES conversations(id),
  tag TEXT NOT NULL,
  at BIGINT NOT NULL,
  PRIMARY KEY (conversation_id, tag)
);
CREATE INDEX conversation_tags_by_tag ON conversation_tags (tag, conversation_id);
