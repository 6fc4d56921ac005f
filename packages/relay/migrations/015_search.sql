-- Parley relay schema, version 15: full-text search over the conversation log.
--
-- `events_fts` is an FTS5 index over the text of every event of kind `message` or `form`
-- (what visitors and operators wrote; system events carry facts, not text). It stores only
-- the index: its content is the view `events_search` over `events` (external content), so
-- no text is kept twice.
--
-- New events are indexed once per group commit, not per event: the search store's SQLite
-- adapter adds every event past the highest indexed rowid inside each batch's transaction,
-- before its COMMIT (`SqliteDatabase.onBatchEnd`). A trigger per insert would run inside
-- each transaction's SAVEPOINT, and FTS5 writes its pending words to disk at every
-- savepoint: one tiny segment per message, merged again and again. Changes and deletions
-- of indexed events (erasure) go through the triggers below, in their own transaction;
-- `secure-delete` makes a removed or changed text leave the index at once, not at the next
-- merge: erasing a message takes its words out of the index.
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

-- Only events the index already covers (at or below its highest rowid): a newer one is
-- indexed as it then stands at the end of its batch. One trigger for both halves of a
-- change, so the old words go before the new ones come.
CREATE TRIGGER events_fts_update AFTER UPDATE OF text, kind ON events
  WHEN old.rowid <= (SELECT COALESCE(max(id), 0) FROM events_fts_docsize)
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
    AND old.rowid <= (SELECT COALESCE(max(id), 0) FROM events_fts_docsize)
BEGIN
  INSERT INTO events_fts (events_fts, rowid, text)
    VALUES ('delete', old.rowid, replace(replace(old.text, 'ё', 'е'), 'Ё', 'Е'));
END;

-- What was written before this version.
INSERT INTO events_fts (events_fts) VALUES ('rebuild');
