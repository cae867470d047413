-- Municipalities are stored as their codes (kommunekoder, bot/data/municipalities.toml): an
-- answer to a municipality question is the code as JSON (751), an invitation's municipality
-- and a coordinator's scope hold codes too. Old answers as typed are placed by
-- storage/municipality_codes.py, which runs at every start after these migrations: SQL cannot
-- match "Århus" or «أورهوس» to 751, and a longer list of names later places more of them.

-- Every answer placed in a municipality: the text it was, the code it is now, and who placed
-- it (a coordinator's Telegram user id; NULL: the list, at a start). Nothing typed is lost.
CREATE TABLE IF NOT EXISTS municipality_changes (
    id         INTEGER PRIMARY KEY,
    run_id     INTEGER NOT NULL REFERENCES questionnaire_runs (id) ON DELETE CASCADE,
    typed      TEXT NOT NULL,
    code       INTEGER NOT NULL,
    changed_by INTEGER,
    changed_at TEXT NOT NULL
);

CREATE INDEX IF NOT EXISTS municipality_changes_run ON municipality_changes (run_id);

-- The region question is gone (the region follows from the municipality): a questionnaire
-- waiting at it goes on to the municipality.
UPDATE questionnaire_runs SET current_question = 'municipality'
WHERE status = 'in_progress' AND current_question = 'region';
