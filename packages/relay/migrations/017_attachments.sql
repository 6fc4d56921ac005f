-- Files that messages carry (a visitor's photo or document from a messenger), stored in
-- the database beside the event that names them, in the same transaction: a file is on
-- disk exactly when its message is, and every relay sharing the database can serve it.

CREATE TABLE attachments (
  id TEXT PRIMARY KEY,
  site_id TEXT NOT NULL,
  conversation_id TEXT NOT NULL,
  -- The message that carries it; null while an operator's upload waits for its message.
  event_id TEXT,
  -- The file name as the sender gave it (shown, and in Content-Disposition).
  name TEXT NOT NULL,
  -- One of the accepted types, checked against the bytes (never the sender's word alone).
  content_type TEXT NOT NULL,
  size INTEGER NOT NULL,
  data BLOB NOT NULL,
  created_at INTEGER NOT NULL
);

CREATE INDEX attachments_by_conversation ON attachments (conversation_id);
CREATE INDEX attachments_by_event ON attachments (event_id);
