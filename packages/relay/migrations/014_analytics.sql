-- Analytics: operator status changes (time online / on pause) and indexes for the period scans.

-- Every change of an operator's status, as routing saw it; an 'offline' row closes each interval
-- left open by a stop.
CREATE TABLE operator_status_log (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  operator_id TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('online', 'away', 'pause', 'offline')),
  at INTEGER NOT NULL
);
CREATE INDEX operator_status_log_by_operator ON operator_status_log (operator_id, at);
CREATE INDEX operator_status_log_by_time ON operator_status_log (at);

-- Reports take the conversations created in a period.
CREATE INDEX conversations_by_created ON conversations (created_at, site_id);
-- Channel effectiveness finds the scenario that brought a conversation.
CREATE INDEX engagements_by_conversation ON engagements (conversation_id)
  WHERE conversation_id IS NOT NULL;
