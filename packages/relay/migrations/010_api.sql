-- The REST API for integrations walks tables by (time, id), oldest first (keyset pages).
CREATE INDEX conversations_by_update_id ON conversations (updated_at, id);
CREATE INDEX events_messages_by_time ON events (at, id) WHERE kind = 'message';
CREATE INDEX visitors_by_update ON visitors (updated_at, site_id, id);

-- When an API token last authenticated a call (epoch ms), kept to the minute; NULL: never.
ALTER TABLE api_tokens ADD COLUMN last_used_at INTEGER;
