-- Parley relay schema, version 2: forms, consent, visitor profiles, ratings.

-- 'chat', or a callback request / offline lead that starts with a form event.
ALTER TABLE conversations ADD COLUMN kind TEXT NOT NULL DEFAULT 'chat'
  CHECK (kind IN ('chat', 'callback', 'offline'));
-- Contact given in the form that opened the conversation (E.164 phone).
ALTER TABLE conversations ADD COLUMN visitor_phone TEXT;
ALTER TABLE conversations ADD COLUMN visitor_email TEXT;
ALTER TABLE conversations ADD COLUMN rating INTEGER CHECK (rating BETWEEN 1 AND 5);
ALTER TABLE conversations ADD COLUMN rating_comment TEXT;

-- JSON object of a form event's normalised fields.
ALTER TABLE events ADD COLUMN data TEXT;

-- What a visitor sees of the operator.
ALTER TABLE employees ADD COLUMN position TEXT;
ALTER TABLE employees ADD COLUMN photo_url TEXT;

-- A visitor's profile: pre-chat, forms, identify and custom attributes.
CREATE TABLE visitors (
  site_id TEXT NOT NULL REFERENCES sites(id),
  id TEXT NOT NULL,
  user_id TEXT,
  -- 1 when identify came with a valid HMAC of user_id
  verified INTEGER NOT NULL DEFAULT 0,
  name TEXT,
  email TEXT,
  phone TEXT,
  attributes TEXT NOT NULL DEFAULT '{}',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (site_id, id)
);
CREATE INDEX visitors_by_user ON visitors(site_id, user_id) WHERE user_id IS NOT NULL;

-- Every consent to the site agreement: who, which version, when, from where, for which form.
CREATE TABLE consents (
  id TEXT PRIMARY KEY,
  site_id TEXT NOT NULL REFERENCES sites(id),
  visitor_id TEXT NOT NULL,
  agreement_version TEXT NOT NULL,
  form TEXT NOT NULL CHECK (form IN ('callback', 'offline', 'prechat')),
  ip TEXT,
  at INTEGER NOT NULL,
  -- the form event it came with (callback, offline); NULL for pre-chat
  event_id TEXT REFERENCES events(id)
);
CREATE INDEX consents_by_visitor ON consents(site_id, visitor_id, at);

-- Acks of frames that append no event (prechat, identify, attributes), for cid dedup.
CREATE TABLE frame_acks (
  author_key TEXT NOT NULL,
  cid TEXT NOT NULL,
  id TEXT NOT NULL,
  at INTEGER NOT NULL,
  PRIMARY KEY (author_key, cid)
);
