-- Mentees: personal invitation links from the municipality's referral, how far each mentee
-- has read the introduction, and the intakes waiting for a match.

CREATE TABLE referrals (
    id             INTEGER PRIMARY KEY,
    code           TEXT NOT NULL UNIQUE,          -- the deep-link payload after "r_"
    municipality   TEXT,                          -- the referring municipality, if given
    created_by     INTEGER NOT NULL,              -- the coordinator's Telegram user id
    created_at     TEXT NOT NULL,
    participant_id INTEGER UNIQUE REFERENCES participants (id) ON DELETE SET NULL,
    used_at        TEXT
);

CREATE TABLE introductions (
    participant_id INTEGER PRIMARY KEY REFERENCES participants (id) ON DELETE CASCADE,
    step           INTEGER NOT NULL,              -- the step being shown, from 0
    finished_at    TEXT,
    updated_at     TEXT NOT NULL
);

CREATE TABLE intakes (
    run_id         INTEGER PRIMARY KEY REFERENCES questionnaire_runs (id) ON DELETE CASCADE,
    participant_id INTEGER NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    status         TEXT NOT NULL DEFAULT 'waiting' CHECK (status IN ('waiting', 'matched')),
    submitted_at   TEXT NOT NULL
);

CREATE INDEX intakes_status ON intakes (status, submitted_at);
