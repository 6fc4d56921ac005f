-- Parley relay schema, version 18: a chat's pending outbox rows by age, so the outbox finds
-- the oldest pending row of a chat at once (its rows go in order: none is sent while an older
-- one waits for a retry).
CREATE INDEX channel_outbox_chat ON channel_outbox (chat_id, seq) WHERE state = 'pending';
