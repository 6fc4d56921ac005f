-- Canned responses: an operator's own (owner_id) or shared with a group (group_id), each
-- called up in the composer by its shortcut ("/delivery").
CREATE TABLE canned_responses (
  id TEXT PRIMARY KEY,
  owner_id TEXT REFERENCES employees(id) ON DELETE CASCADE,
  group_id TEXT REFERENCES groups(id) ON DELETE CASCADE,
  shortcut TEXT NOT NULL,
  text TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  CHECK ((owner_id IS NULL) <> (group_id IS NULL))
);
CREATE UNIQUE INDEX canned_personal ON canned_responses(owner_id, shortcut) WHERE owner_id IS NOT NULL;
CREATE UNIQUE INDEX canned_shared ON canned_responses(group_id, shortcut) WHERE group_id IS NOT NULL;
