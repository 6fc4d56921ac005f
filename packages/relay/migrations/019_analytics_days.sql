-- Analytics: daily rollups of the per-chat facts and of every conversation's channel counts.

-- Per site, per local day of the site's zone (`[day_start, day_end)`), the sums a report adds
-- up, split by `dim` (see `rollups.ts`): `chats` by group and owner, `channel` also by channel,
-- `scenario`, `landing` (page without query and fragment) and `source` (utm_source) by group and
-- key. Rebuilt for each site-day a changed conversation falls in, in the refresh's transaction.
-- Counts and durations only: the landing and source keys are rebuilt when an erasure clears a
-- conversation's page (`analytics_days_stale`).
CREATE TABLE analytics_days (
  site_id TEXT NOT NULL,
  day_start INTEGER NOT NULL,
  day_end INTEGER NOT NULL,
  dim TEXT NOT NULL CHECK (dim IN ('chats', 'channel', 'scenario', 'landing', 'source')),
  group_id TEXT,
  owner TEXT,
  key TEXT,
  received INTEGER NOT NULL,
  accepted INTEGER NOT NULL,
  missed INTEGER NOT NULL,
  waiting INTEGER NOT NULL,
  transferred INTEGER NOT NULL,
  first_from_assignment INTEGER NOT NULL,
  first_from_queue INTEGER NOT NULL,
  response_sum INTEGER NOT NULL,
  response_count INTEGER NOT NULL,
  closed_accepted INTEGER NOT NULL,
  handle INTEGER NOT NULL,
  resolution INTEGER NOT NULL,
  rated INTEGER NOT NULL,
  satisfied INTEGER NOT NULL,
  conversations INTEGER NOT NULL,
  chats INTEGER NOT NULL,
  callbacks INTEGER NOT NULL,
  offline INTEGER NOT NULL,
  leads INTEGER NOT NULL
);
-- A report reads one run of this index per site and split, every column in it (covering: no
-- lookup of each row; 90 days by page and by operator 57 → 39 ms on 130 000 chats).
CREATE INDEX analytics_days_by_site ON analytics_days (site_id, dim, day_start, group_id, owner,
  key, received, accepted, missed, waiting, transferred, first_from_assignment,
  first_from_queue, response_sum, response_count, closed_accepted, handle, resolution, rated, satisfied,
  conversations, chats, callbacks, offline, leads);

-- The zone each site's rollup days are in: a site whose zone changed is rebuilt whole.
CREATE TABLE analytics_day_zones (
  site_id TEXT PRIMARY KEY,
  time_zone TEXT NOT NULL
);

-- Site-days to rebuild at the next refresh although no conversation there was updated (an
-- erasure cleared pages): a site and an instant of the day. The erasure deletes the day's rows.
CREATE TABLE analytics_days_stale (
  site_id TEXT NOT NULL,
  at INTEGER NOT NULL
);

-- Works every chat's facts out again at the next refresh, and the rollups with them.
DELETE FROM analytics_refresh;
