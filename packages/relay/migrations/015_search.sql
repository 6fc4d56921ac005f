-- Parley relay schema, version 15: full-text search over the conversation log.
--
-- `events_fts` is an FTS5 index over the text of every event of kind `message` or `form`
-- (what visitors and operators wrote; system events carry facts, not text). It stores only
-- the index: its content is the view `events_search` over `events` (external content), so
-- no text is kept twice. The triggers below keep it in step with every write to `events`,
-- inside the writing transaction (and its savepoint: a rolled-back transaction leaves no
-- word behind). `secure-delete` makes a removed or changed text leave the index at once,
-- not at the next merge: erasing a message (privacy) takes its words out of the index.
--
-- Words: runs of letters and digits (unicode61), any case, Latin diacritics folded
-- (`café` = `cafe`); `ё` is folded to `е` before indexing, as Russian writers mix them.
CREATE VIEW events_search (event_rowid, text) AS
  SELECT rowid, replace(replace(text, 'ё', 'е'), 'Ё', 'Е') FROM events
  WHERE kind IN ('message', 'form');

CREATE VIRTUAL TABLE events_fts USING fts5(
  text,
  content = 'events_search',
  content_rowid = 'event_rowid',
  tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO events_fts (events_fts, rank) VALUES ('secure-delete', 1);

CREATE TRIGGER events_fts_insert AFTER INSERT ON events
  WHEN new.kind IN ('message', 'form')
BEGIN
  INSERT INTO events_fts (rowid, text)
    VALUES (new.rowid, replace(replace(new.text, 'ё', 'е'), 'Ё', 'Е'));
END;

-- One trigger for both halves of a change, so the old words go before the new ones come.
CREATE TRIGGER events_fts_update AFTER UPDATE OF text, kind ON events
BEGIN
  INSERT INTO events_fts (events_fts, rowid, text)
    SELECT 'delete', old.rowid, replace(replace(old.text, 'ё', 'е'), 'Ё', 'Е')
    WHERE old.kind IN ('message', 'form');
  INSERT INTO events_fts (rowid, text)
    SELECT new.rowid, replace(replace(new.text, 'ё', 'е'), 'Ё', 'Е')
    WHERE new.kind IN ('message', 'form');
END;

CREATE TRIGGER events_fts_delete AFTER DELETE ON events
  WHEN old.kind IN ('message', 'form')
BEGIN
  INSERT INTO events_fts (events_fts, rowid, text)
    VALUES ('delete', old.rowid, replace(replace(old.text, 'ё', 'е'), 'Ё', 'Е'));
END;

-- What was written before this version.
INSERT INTO events_fts (events_fts) VALUES ('rebuild');

-- Filters read the conversation of each match by its id (the primary key); a date range
-- reads `events.at` of the matched rows. No further index is needed.
