-- Employees as a team: bots beside people, deactivation, a per-operator capacity override.
ALTER TABLE employees ADD COLUMN kind TEXT NOT NULL DEFAULT 'human' CHECK (kind IN ('human', 'bot'));
ALTER TABLE employees ADD COLUMN active INTEGER NOT NULL DEFAULT 1;
ALTER TABLE employees ADD COLUMN capacity INTEGER CHECK (capacity IS NULL OR capacity >= 0);

-- One-time links to set a password (a new employee) or reset one; kept as SHA-256 hashes.
CREATE TABLE password_links (
  token_hash TEXT PRIMARY KEY,
  employee_id TEXT NOT NULL REFERENCES employees(id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX password_links_employee ON password_links (employee_id);

-- Uploaded photos, checked by content; served with the stored type.
CREATE TABLE employee_photos (
  employee_id TEXT PRIMARY KEY REFERENCES employees(id) ON DELETE CASCADE,
  content_type TEXT NOT NULL,
  data BLOB NOT NULL,
  updated_at INTEGER NOT NULL
);
