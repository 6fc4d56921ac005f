-- Parley relay schema, version 9: privacy tools (consent register, agreement texts by
-- version, erasure, retention, audit log, visitor token revocation).

-- Withdrawal of a consent (by the visitor, or by an admin on the visitor's request), and
-- erasure: an erased visitor's consent rows stay, without the IP, as the record that
-- consent was given and that the data was erased.
ALTER TABLE consents ADD COLUMN withdrawn_at INTEGER;
ALTER TABLE consents ADD COLUMN withdrawn_by TEXT CHECK (withdrawn_by IN ('visitor', 'admin'));
ALTER TABLE consents ADD COLUMN erased INTEGER NOT NULL DEFAULT 0;
CREATE INDEX consents_by_time ON consents (at, id);

-- The agreement text of each version as it was rendered (plain text, ru), kept for the
-- consent register: the version is a hash of this text.
CREATE TABLE agreement_texts (
  site_id TEXT NOT NULL,
  version TEXT NOT NULL,
  text TEXT NOT NULL,
  first_seen_at INTEGER NOT NULL,
  PRIMARY KEY (site_id, version)
);

-- An erased conversation: kept for operators' metrics (times, operator, rating), without
-- any text or contact; hidden from the console's lists and the operator socket.
ALTER TABLE conversations ADD COLUMN erased_at INTEGER;

-- Tokens of this visitor issued before `valid_after` are refused (logout, erasure).
CREATE TABLE visitor_token_revocations (
  site_id TEXT NOT NULL,
  visitor_id TEXT NOT NULL,
  valid_after INTEGER NOT NULL,
  PRIMARY KEY (site_id, visitor_id)
);

-- How long a site keeps its data, in days (NULL: kept).
CREATE TABLE retention (
  site_id TEXT PRIMARY KEY,
  conversations_days INTEGER CHECK (conversations_days BETWEEN 1 AND 3650),
  visitors_days INTEGER CHECK (visitors_days BETWEEN 1 AND 3650),
  engagements_days INTEGER CHECK (engagements_days BETWEEN 1 AND 3650),
  updated_at INTEGER NOT NULL
);

-- Who touched personal data, when and why: exports, erasures, withdrawals, retention runs,
-- settings that change what is collected. `details` is JSON.
CREATE TABLE privacy_audit (
  id TEXT PRIMARY KEY,
  at INTEGER NOT NULL,
  actor_id TEXT,
  actor_name TEXT,
  action TEXT NOT NULL CHECK (action IN ('export', 'erase', 'retention', 'withdraw', 'settings')),
  site_id TEXT,
  subject TEXT,
  reason TEXT,
  details TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX privacy_audit_by_time ON privacy_audit (at DESC, id DESC);
