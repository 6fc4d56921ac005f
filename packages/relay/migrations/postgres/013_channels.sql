-- Parley relay schema on PostgreSQL, version 13: messenger channels (the SQLite engine's
-- 013_channels.sql): contact points, the chats they carry, the updates seen and the outbox
-- of operators' messages to send. Times are epoch milliseconds (BIGINT); flags 0/1 integers.

-- The messenger a conversation's visitor writes from (null: the site's widget).
ALTER TABLE conversations ADD COLUMN channel TEXT;

CREATE TABLE contact_points (
  id TEXT PRIMARY KEY,
  -- telegram | vk | viber
  kind TEXT NOT NULL,
  site_id TEXT NOT NULL,
  name TEXT NOT NULL,
  -- The routing group its conversations start in (null: the site's default).
  routing_group TEXT,
  -- webhook | polling
  mode TEXT NOT NULL,
  -- The credentials as JSON, sealed with AES-256-GCM under PARLEY_SECRET_KEY:
  -- base64(12-byte IV || ciphertext || 16-byte tag). Never returned by the API.
  credentials TEXT NOT NULL,
  -- JSON array of the credential names stored (what the API shows as "set").
  credential_names TEXT NOT NULL,
  -- pending | webhook | polling | failed
  status TEXT NOT NULL DEFAULT 'pending',
  status_error TEXT,
  -- Telegram getUpdates: the next update_id to ask for.
  poll_offset BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);

-- One messenger chat (a Telegram chat id, a VK peer id, a Viber user id) of a contact point,
-- tied to a site visitor: their conversations are the site visitor's.
CREATE TABLE channel_chats (
  -- Insertion order (SQLite's rowid): which chat a conversation's messages go to first.
  ord BIGINT GENERATED ALWAYS AS IDENTITY,
  contact_point_id TEXT NOT NULL REFERENCES contact_points (id) ON DELETE CASCADE,
  chat_id TEXT NOT NULL,
  site_id TEXT NOT NULL,
  visitor_id TEXT NOT NULL,
  -- The conversation its messages go to while it is open.
  conversation_id TEXT,
  -- The visitor unsubscribed (Viber) or blocked the bot: nothing is sent.
  blocked INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (contact_point_id, chat_id)
);
CREATE INDEX channel_chats_visitor ON channel_chats (site_id, visitor_id);
CREATE INDEX channel_chats_conversation ON channel_chats (conversation_id, ord);

-- Updates already handled (Telegram update_id, VK event_id, Viber message_token): a
-- messenger's repeated delivery is answered and ignored.
CREATE TABLE channel_updates (
  contact_point_id TEXT NOT NULL REFERENCES contact_points (id) ON DELETE CASCADE,
  update_key TEXT NOT NULL,
  at BIGINT NOT NULL,
  PRIMARY KEY (contact_point_id, update_key)
);

-- An operator's message to send to a messenger chat (or by e-mail), written in the message's
-- transaction.
CREATE TABLE channel_outbox (
  seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- The message event: one row per event; the idempotency key of every attempt.
  event_id TEXT NOT NULL UNIQUE,
  -- telegram | vk | viber | email
  channel TEXT NOT NULL,
  -- The messenger contact point (null for e-mail, sent through the relay's SMTP).
  contact_point_id TEXT REFERENCES contact_points (id) ON DELETE CASCADE,
  -- The messenger chat, or the e-mail address.
  chat_id TEXT NOT NULL,
  conversation_id TEXT NOT NULL,
  text TEXT NOT NULL,
  -- pending | sent | delivered | read | failed
  state TEXT NOT NULL DEFAULT 'pending',
  attempts INTEGER NOT NULL DEFAULT 0,
  next_at BIGINT NOT NULL,
  error TEXT,
  -- The messenger's id of the sent message (Viber's 64-bit message_token as text).
  external_id TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX channel_outbox_due ON channel_outbox (next_at, seq) WHERE state = 'pending';
CREATE INDEX channel_outbox_conversation ON channel_outbox (conversation_id, seq);
CREATE INDEX channel_outbox_external ON channel_outbox (contact_point_id, external_id);
