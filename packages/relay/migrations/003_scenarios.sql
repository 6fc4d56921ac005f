-- Parley relay schema, version 3: engagement scenarios and their attribution.

-- One engagement scenario; `data` is the whole Scenario as JSON (schema in protocol).
CREATE TABLE scenarios (
  site_id TEXT NOT NULL REFERENCES sites(id),
  id TEXT NOT NULL,
  -- list order: ties of priority go to the earlier scenario
  position INTEGER NOT NULL,
  enabled INTEGER NOT NULL,
  data TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (site_id, id)
);

-- Site-wide scenario settings (ScenarioSettings as JSON).
CREATE TABLE scenario_settings (
  site_id TEXT PRIMARY KEY REFERENCES sites(id),
  data TEXT NOT NULL
);

-- Impressions, clicks, dismissals and conversions, per scenario and page.
CREATE TABLE engagements (
  id TEXT PRIMARY KEY,
  site_id TEXT NOT NULL,
  -- NULL: an anonymous event (before consent, over HTTP without a token)
  visitor_id TEXT,
  scenario_id TEXT NOT NULL,
  event TEXT NOT NULL CHECK (event IN ('impression', 'click', 'dismiss', 'conversion')),
  page TEXT,
  at INTEGER NOT NULL,
  -- the widget engine's session id, if it sent one
  session TEXT,
  -- conversions: what was started, and which conversation
  kind TEXT CHECK (kind IN ('chat', 'callback', 'offline')),
  conversation_id TEXT,
  -- cid dedup of engage frames: 'visitor:<site>:<id>' or 'anonymous:<site>'
  author_key TEXT,
  cid TEXT
);
CREATE INDEX engagements_by_site ON engagements(site_id, at);
CREATE INDEX engagements_by_visitor ON engagements(site_id, visitor_id, at)
  WHERE visitor_id IS NOT NULL;
CREATE UNIQUE INDEX engagements_by_cid ON engagements(author_key, cid) WHERE cid IS NOT NULL;

-- The group a conversation is routed to (from the scenario that brought it).
ALTER TABLE conversations ADD COLUMN routing_group TEXT;
