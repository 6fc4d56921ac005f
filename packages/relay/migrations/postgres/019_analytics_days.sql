-- Parley relay schema on PostgreSQL, version 19 (the SQLite engine's 019_analytics_days.sql):
-- daily rollups of the per-chat facts and of every conversation's channel counts.

-- Per site, per local day of the site's zone (`[day_start, day_end)`), the sums a report adds
-- up, split by `dim` (see `rollups.ts`): `chats` by group and owner, `channel` also by channel,
-- `scenario`, `landing` (page without query and fragment) and `source` (utm_source) by group and
-- key. Rebuilt for each site-day a changed conversation falls in, in the refresh's transaction.
-- Counts and durations only: the landing and source keys are rebuilt when an erasure clears a
-- conversation's page (`analytics_days_stale`).
CREATE TABLE analytics_days (
  site_id TEXT NOT NULL,
  day_start BIGINT NOT NULL,
  day_end BIGINT NOT NULL,
  dim TEXT NOT NULL CHECK (dim IN ('chats', 'channel', 'scenario', 'landing', 'source')),
  group_id TEXT,
  owner TEXT,
  key TEXT,
  received INTEGER NOT NULL,
  accepted INTEGER NOT NULL,
  missed INTEGER NOT NULL,
  waiting INTEGER NOT NULL,
  transferred INTEGER NOT NULL,
  first_from_assignment BIGINT NOT NULL,
  first_from_queue BIGINT NOT NULL,
  response_sum BIGINT NOT NULL,
  response_count INTEGER NOT NULL,
  closed_accepted INTEGER NOT NULL,
  handle BIGINT NOT NULL,
  resolution BIGINT NOT NULL,
  rated INTEGER NOT NULL,
  satisfied INTEGER NOT NULL,
  conversations INTEGER NOT NULL,
  chats INTEGER NOT NULL,
  callbacks INTEGER NOT NULL,
  offline INTEGER NOT NULL,
  leads INTEGER NOT NULL
);
-- A report reads one run of this index per site and split, every column in it (an index-only
-- scan once the table is vacuumed).
CREATE INDEX analytics_days_by_site ON analytics_days (site_id, dim, day_start)
  INCLUDE (group_id, owner, key, received, accepted, missed, waiting, transferred, first_from_assignment,
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
  at BIGINT NOT NULL
);

-- Works every chat's facts out again at the next refresh, and the rollups with them.
DELETE FROM analytics_refresh;
