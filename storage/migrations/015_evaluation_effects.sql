-- What goes with success (the evaluation's table of effects): when each pair first met, and
-- the mentor's screening found from the mentor. Written so that it can run again on a
-- database set back to an older version by hand (IF NOT EXISTS, OR IGNORE).

-- The first check-in answer that said the pair had met; written once (storage/signals.py).
CREATE TABLE IF NOT EXISTS first_meetings (
    pair_id INTEGER PRIMARY KEY REFERENCES pairs (id) ON DELETE CASCADE,
    met_at  TEXT NOT NULL
);

INSERT OR IGNORE INTO first_meetings (pair_id, met_at)
SELECT pair_id, MIN(created_at) FROM journal
WHERE kind = 'checkin' AND json_extract(answers, '$.met') IN ('in_person', 'online')
GROUP BY pair_id;

CREATE INDEX IF NOT EXISTS screenings_participant ON screenings (participant_id, run_id);
