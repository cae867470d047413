-- Match proposals and pairs: from the coordinator's proposal through the active months to
-- the end and its outcome. Every change is also an event with who, when and why.

CREATE TABLE pairs (
    id                 INTEGER PRIMARY KEY,
    mentor_id          INTEGER NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    mentee_id          INTEGER NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    status             TEXT NOT NULL CHECK (status IN
                           ('proposed', 'active', 'paused', 'ended', 'declined', 'lapsed')),
    score              INTEGER NOT NULL,
    reasons            TEXT NOT NULL,              -- JSON: why the coordinator saw this match
    proposed_by        INTEGER NOT NULL,           -- coordinator's Telegram user id
    proposed_at        TEXT NOT NULL,
    mentor_answer      TEXT CHECK (mentor_answer IN ('accepted', 'declined')),
    mentee_answer      TEXT CHECK (mentee_answer IN ('accepted', 'declined')),
    decline_reason     TEXT,
    reminded_at        TEXT,
    started_at         TEXT,                       -- both accepted
    resume_on          TEXT,                       -- a paused pair's date to resume
    ended_at           TEXT,
    outcome            TEXT CHECK (outcome IN ('job', 'subsidised_job', 'igu', 'internship',
                           'education', 'other_progress', 'dropped_out', 'moved_away')),
    job_start          TEXT,
    job_hours          INTEGER,
    job_matches_qualifications INTEGER CHECK (job_matches_qualifications IN (0, 1)),
    meetings_per_month INTEGER,                    -- the mentoring agreement
    agreed_until       TEXT,
    updated_at         TEXT NOT NULL
);

-- A mentee is in at most one proposal or pair at a time.
CREATE UNIQUE INDEX pairs_one_open_per_mentee
    ON pairs (mentee_id) WHERE status IN ('proposed', 'active', 'paused');
CREATE INDEX pairs_mentor ON pairs (mentor_id, status);
CREATE INDEX pairs_status ON pairs (status, proposed_at);

CREATE TABLE pair_events (
    id       INTEGER PRIMARY KEY,
    pair_id  INTEGER NOT NULL REFERENCES pairs (id) ON DELETE CASCADE,
    event    TEXT NOT NULL,     -- proposed, accepted, declined, active, lapsed, paused, ...
    actor_id INTEGER,           -- participant id, or NULL for the bot itself
    detail   TEXT,              -- a reason, a date, an outcome
    at       TEXT NOT NULL
);

CREATE INDEX pair_events_pair ON pair_events (pair_id, id);

-- What each side says they agreed after the first meeting.
CREATE TABLE agreements (
    pair_id            INTEGER NOT NULL REFERENCES pairs (id) ON DELETE CASCADE,
    participant_id     INTEGER NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    meetings_per_month INTEGER NOT NULL CHECK (meetings_per_month BETWEEN 1 AND 8),
    months             INTEGER NOT NULL CHECK (months BETWEEN 1 AND 24),
    stated_at          TEXT NOT NULL,
    PRIMARY KEY (pair_id, participant_id)
);

-- A message a coordinator answers by replying (e.g. a job's details after ending a pair).
CREATE TABLE reply_prompts (
    chat_id    INTEGER NOT NULL,
    message_id INTEGER NOT NULL,
    kind       TEXT NOT NULL,
    subject_id INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (chat_id, message_id)
);

-- A coordinator's own setting of how many mentees a mentor takes; wins over the screening.
CREATE TABLE mentor_capacity (
    participant_id INTEGER PRIMARY KEY REFERENCES participants (id) ON DELETE CASCADE,
    capacity       INTEGER NOT NULL CHECK (capacity BETWEEN 0 AND 10),
    set_by         INTEGER NOT NULL,   -- the coordinator's participant id
    set_at         TEXT NOT NULL
);
