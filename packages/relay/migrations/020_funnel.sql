-- Funnel counters: anonymous page views, omni-button opens and channel picks the widget
-- reports (`POST /v1/sites/:site/funnel`). Counts only: no visitor, address or time finer than
-- the day. `day` is the first instant of the site's local day (its time zone), so a period's
-- `[fromAt, toAt)` takes whole days. '' where a key part does not apply (PRIMARY KEY has no
-- NULLs); '(other)' collects the keys past a site's daily cap.
CREATE TABLE funnel_counts (
  site_id TEXT NOT NULL,
  day INTEGER NOT NULL,
  step TEXT NOT NULL CHECK (step IN ('visit', 'open', 'pick')),
  channel TEXT NOT NULL,
  page TEXT NOT NULL,
  source TEXT NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (site_id, day, step, channel, page, source)
);
CREATE INDEX funnel_counts_by_day ON funnel_counts (day);
