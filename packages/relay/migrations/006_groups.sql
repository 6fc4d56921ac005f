-- Operator groups per contact point (a site), their routing settings and members.
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
  created_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX groups_one_default ON groups (site_id) WHERE is_default = 1;

CREATE TABLE group_members (
  group_id TEXT NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
  employee_id TEXT NOT NULL REFERENCES employees(id) ON DELETE CASCADE,
  PRIMARY KEY (group_id, employee_id)
);
CREATE INDEX group_members_by_employee ON group_members (employee_id);

-- `routing_group` now holds a group id; when the assigned operator first answered.
ALTER TABLE conversations ADD COLUMN answered_at INTEGER;
CREATE INDEX conversations_open ON conversations (status, created_at);

-- Every routing decision, for operators (transfer notes) and metrics; never shown to visitors.
CREATE TABLE routing_log (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  conversation_id TEXT NOT NULL REFERENCES conversations(id),
  type TEXT NOT NULL
    CHECK (type IN ('assigned', 'unassigned', 'queued', 'offline_form', 'transferred')),
  reason TEXT,
  group_id TEXT,
  operator_id TEXT,
  by_id TEXT,
  note TEXT,
  at INTEGER NOT NULL
);
CREATE INDEX routing_log_by_conversation ON routing_log (conversation_id, id);
CREATE INDEX routing_log_by_time ON routing_log (at);
