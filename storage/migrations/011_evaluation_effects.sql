-- What goes with success (the evaluation's association table): when a pair first met, and
-- the mentor's screening found from the mentor.

-- The first check-in answer that said the pair had met; set once, beside last_meeting_at.
ALTER TABLE pair_signals ADD COLUMN first_meeting_at TEXT;

UPDATE pair_signals SET first_meeting_at = (
    SELECT MIN(j.created_at) FROM journal j
    WHERE j.pair_id = pair_signals.pair_id AND j.kind = 'checkin'
      AND json_extract(j.answers, '$.met') IN ('in_person', 'online')
) WHERE last_meeting_at IS NOT NULL;

CREATE INDEX screenings_participant ON screenings (participant_id, run_id);
