-- Invitation events stored before system events were facts named the scenario (an internal
-- name) in their text and data, and both reached the visitor. Rewrite them as the facts the
-- relay stores now: `{type: 'invitation', scenarioId, message, operator?, position?}`, text ''.
UPDATE events
SET data = json_remove(
      json_set(data, '$.type', 'invitation', '$.scenarioId', json_extract(data, '$.invitation')),
      '$.invitation',
      '$.scenario'
    ),
    text = ''
WHERE kind = 'system'
  AND data IS NOT NULL
  AND json_valid(data)
  AND json_extract(data, '$.invitation') IS NOT NULL
  AND json_extract(data, '$.type') IS NULL;
