-- Parley relay schema on PostgreSQL, version 15: full-text search over the conversation
-- log (the SQLite engine's 015_search.sql, with the semantics `modules/search/store.ts`
-- writes down).
--
-- `parley_search_text` turns a text into the words the index holds, whatever the
-- database's locale: Unicode NFC, lower case by ICU (Cyrillic included; a database made
-- with `--locale=C` would lower only ASCII), `ё` read as `е`, the accents of Latin letters
-- dropped (`Café` = `cafe`: the letters whose canonical decomposition is an ASCII letter
-- and marks, as `words.ts` folds them), and everything but letters and digits a space (so
-- `anna.k@example.com` is four words, as on SQLite, not one e-mail token).
CREATE FUNCTION parley_search_text(t TEXT) RETURNS TEXT
  LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURN
  regexp_replace(
    translate(
      lower(normalize(t, NFC) COLLATE "und-x-icu"),
      'ёàáâãäåāăąçćĉċčďèéêëēĕėęěĝğġģĥìíîïĩīĭįĵķĺļľñńņňòóôõöōŏőŕŗřśŝşšţťùúûüũūŭůűųŵýÿŷźżž',
      'еaaaaaaaaacccccdeeeeeeeeegggghiiiiiiiijklllnnnnooooooooorrrssssttuuuuuuuuuuwyyyzzz'
    ),
    '[^[:alnum:]]+', ' ', 'g'
  );

-- The order the log stored the events in (SQLite's rowid): newest first in each rank, and
-- where a page goes on.
ALTER TABLE events ADD COLUMN position BIGINT GENERATED ALWAYS AS IDENTITY;
CREATE UNIQUE INDEX events_by_position ON events (position);

-- The words of messages and form texts (system events hold facts, not text), kept by the
-- database itself: a changed text (an erasure) changes its words in the same statement.
ALTER TABLE events ADD COLUMN search_words tsvector GENERATED ALWAYS AS (
  CASE WHEN kind IN ('message', 'form') THEN to_tsvector('simple', parley_search_text(text)) END
) STORED;
CREATE INDEX events_search_words ON events USING gin (search_words);
