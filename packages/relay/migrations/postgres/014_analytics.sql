-- Parley relay schema on PostgreSQL, version 14: analytics (the SQLite engine's
-- 014_analytics.sql). Times and durations are epoch milliseconds (BIGINT); flags stay 0/1
-- integers, so a report sums the same columns on either engine.

-- Every change of an operator's status, as routing saw it; an 'offline' row closes each interval
-- left open by a stop.
CREATE TABLE operator_status_log (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  operator_id TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('online', 'away', 'pause', 'offline')),
  at BIGINT NOT NULL
);
CREATE INDEX operator_status_log_by_operator ON operator_status_log (operator_id, at);
CREATE INDEX operator_status_log_by_time ON operator_status_log (at);

-- Reports take the conversations created in a period.
CREATE INDEX conversations_by_created ON conversations (created_at, site_id);
-- Channel effectiveness finds the scenario that brought a conversation.
CREATE INDEX engagements_by_conversation ON engagements (conversation_id)
  WHERE conversation_id IS NOT NULL;

-- Each chat's facts as the metric definitions need them (`METRICS`), worked out from the log
-- by the analytics store and refreshed for the conversations changed since the last report.
-- No text, page or contact: only ids, times, counts and the rating.
CREATE TABLE analytics_chats (
  conversation_id TEXT PRIMARY KEY REFERENCES conversations(id),
  site_id TEXT NOT NULL,
  group_id TEXT,
  channel TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  owner TEXT,
  scenario_id TEXT,
  -- 0 or 1 each, and durations in ms (0 when not measured), so a report only adds them up.
  accepted INTEGER NOT NULL,
  missed INTEGER NOT NULL,
  waiting INTEGER NOT NULL,
  transferred INTEGER NOT NULL,
  first_from_assignment BIGINT NOT NULL,
  first_from_queue BIGINT NOT NULL,
  response_sum BIGINT NOT NULL,
  response_count INTEGER NOT NULL,
  closed_accepted INTEGER NOT NULL,
  handle BIGINT NOT NULL,
  resolution BIGINT NOT NULL,
  rated INTEGER NOT NULL,
  satisfied INTEGER NOT NULL,
  rating INTEGER
);
CREATE INDEX analytics_chats_by_created ON analytics_chats (created_at);

-- How far the facts are refreshed: conversations updated since then are worked out again.
CREATE TABLE analytics_refresh (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  through BIGINT NOT NULL
);
