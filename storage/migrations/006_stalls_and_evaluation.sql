-- Stalled pairs, their alerts, outcome follow-ups after a pair ends, and announcements.

-- A running summary of what each pair's check-ins said (bot/stalls.py Signals), so a stall
-- scan reads one row per pair and never the journal's history.
CREATE TABLE pair_signals (
    pair_id         INTEGER PRIMARY KEY REFERENCES pairs (id) ON DELETE CASCADE,
    last_meeting_at TEXT,
    divergent_at    TEXT,
    meetings        INTEGER NOT NULL DEFAULT 0,   -- check-in answers that said they met
    mentor          TEXT NOT NULL DEFAULT '{}',   -- JSON: SideSignals of the mentor
    mentee          TEXT NOT NULL DEFAULT '{}',   -- JSON: SideSignals of the mentee
    updated_at      TEXT NOT NULL
);

-- A pair's stalled period, from the first alert to its recovery (or the pair's end).
CREATE TABLE stall_episodes (
    id            INTEGER PRIMARY KEY,
    pair_id       INTEGER NOT NULL REFERENCES pairs (id) ON DELETE CASCADE,
    reasons       TEXT NOT NULL,          -- JSON: the findings when opened, updated by scans
    opened_at     TEXT NOT NULL,
    alerted_at    TEXT,                   -- when the coordinators were last alerted
    taken_by      INTEGER REFERENCES participants (id) ON DELETE SET NULL,
    taken_at      TEXT,
    snoozed_until TEXT,
    closed_at     TEXT,
    closed_because TEXT CHECK (closed_because IN ('recovered', 'ended'))
);

CREATE UNIQUE INDEX stall_episodes_one_open ON stall_episodes (pair_id) WHERE closed_at IS NULL;
CREATE INDEX stall_episodes_open ON stall_episodes (closed_at, snoozed_until);

-- The alert messages of an episode, one per coordinator, edited when one of them acts.
CREATE TABLE alert_messages (
    chat_id    INTEGER NOT NULL,
    message_id INTEGER NOT NULL,
    episode_id INTEGER NOT NULL REFERENCES stall_episodes (id) ON DELETE CASCADE,
    language   TEXT NOT NULL,
    PRIMARY KEY (chat_id, message_id)
);

CREATE INDEX alert_messages_episode ON alert_messages (episode_id);

-- A coordinator's choice of single alerts or a weekly digest.
CREATE TABLE coordinator_settings (
    participant_id INTEGER PRIMARY KEY REFERENCES participants (id) ON DELETE CASCADE,
    alerts         TEXT NOT NULL DEFAULT 'single' CHECK (alerts IN ('single', 'digest')),
    digest_sent_at TEXT,
    updated_at     TEXT NOT NULL
);

-- Three and six months after a pair ends the mentee is asked whether they are in work or
-- education now: the lasting effect, counted apart from the state at the end.
CREATE TABLE outcome_followups (
    id             INTEGER PRIMARY KEY,
    pair_id        INTEGER NOT NULL REFERENCES pairs (id) ON DELETE CASCADE,
    participant_id INTEGER NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    months         INTEGER NOT NULL CHECK (months IN (3, 6)),
    due_at         TEXT NOT NULL,
    status         TEXT NOT NULL DEFAULT 'scheduled'
                   CHECK (status IN ('scheduled', 'pending', 'sent', 'answered')),
    sent_at        TEXT,
    answer         TEXT CHECK (answer IN ('work', 'education', 'both', 'neither')),
    answered_at    TEXT,
    UNIQUE (pair_id, months)
);

CREATE INDEX outcome_followups_due ON outcome_followups (status, due_at);

-- An announcement to a group, written once per language or once for all.
CREATE TABLE announcements (
    id             INTEGER PRIMARY KEY,
    coordinator_id INTEGER NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    audience       TEXT NOT NULL CHECK (audience IN
                       ('mentors', 'mentees', 'mentors_without_course', 'active_pairs')),
    texts          TEXT NOT NULL DEFAULT '{}',  -- JSON: language (or '*') -> text
    per_language   INTEGER NOT NULL DEFAULT 0 CHECK (per_language IN (0, 1)),
    status         TEXT NOT NULL DEFAULT 'draft'
                   CHECK (status IN ('draft', 'sending', 'sent', 'cancelled')),
    created_at     TEXT NOT NULL,
    sent_at        TEXT
);

-- Who an announcement goes to, fixed when it is sent; the row says whether it arrived.
CREATE TABLE announcement_deliveries (
    announcement_id INTEGER NOT NULL REFERENCES announcements (id) ON DELETE CASCADE,
    participant_id  INTEGER NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    status          TEXT NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'sent', 'failed')),
    PRIMARY KEY (announcement_id, participant_id)
);

CREATE INDEX announcement_deliveries_pending ON announcement_deliveries (status, announcement_id);
