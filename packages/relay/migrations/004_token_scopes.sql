-- What an API token may do, as a JSON array of permission names (`PERMISSIONS` in
-- @parley/protocol). NULL: a token created before scopes existed, which keeps acting with
-- everything its employee's role grants (as it did) until it is revoked.
ALTER TABLE api_tokens ADD COLUMN scopes TEXT;
