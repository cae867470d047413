-- Meetings a pair plans in the chat, the messages about them, and the planning in progress.

-- A planned meeting. Moving it keeps its row and calendar UID and raises its sequence.
CREATE TABLE meetings (
    id         INTEGER PRIMARY KEY,
    pair_id    INTEGER NOT NULL REFERENCES pairs (id) ON DELETE CASCADE,
    uid        TEXT NOT NULL UNIQUE,
    sequence   INTEGER NOT NULL DEFAULT 0,
    starts_at  TEXT NOT NULL,            -- UTC
    mode       TEXT NOT NULL CHECK (mode IN ('in_person', 'online')),
    place      TEXT,                     -- a place or a link, as typed
    status     TEXT NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'cancelled')),
    planned_by INTEGER REFERENCES participants (id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE INDEX meetings_pair ON meetings (pair_id, status, starts_at);

-- One message about a meeting to one person: the confirmation (planned, moved, cancelled),
-- the reminder the day before, the question the day after. Like a check-in, the row says
-- whether it is due, being sent (pending) or sent, so a crash sends exactly what was cut off.
CREATE TABLE meeting_notices (
    id             INTEGER PRIMARY KEY,
    meeting_id     INTEGER NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    participant_id INTEGER NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    side           TEXT NOT NULL CHECK (side IN ('mentor', 'mentee')),
    kind           TEXT NOT NULL
                   CHECK (kind IN ('planned', 'moved', 'cancelled', 'reminder', 'ask')),
    sequence       INTEGER NOT NULL,
    due_at         TEXT NOT NULL,        -- UTC
    status         TEXT NOT NULL DEFAULT 'due'
                   CHECK (status IN ('due', 'pending', 'sent', 'dropped')),
    pending_by     TEXT,                 -- the run of the bot that began sending it
    sent_at        TEXT,
    answer         TEXT CHECK (answer IN ('yes', 'no')),
    reason         TEXT CHECK (reason IN ('cancelled', 'moved', 'no_show')),
    answered_at    TEXT,
    UNIQUE (meeting_id, participant_id, kind, sequence)
);

CREATE INDEX meeting_notices_due ON meeting_notices (status, due_at);

-- A meeting being planned or moved by one person, step by step: what they chose so far. A new
-- draft gets a new id (never reused), so the buttons of an older one are no longer active.
CREATE TABLE meeting_drafts (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    participant_id INTEGER NOT NULL UNIQUE REFERENCES participants (id) ON DELETE CASCADE,
    pair_id        INTEGER NOT NULL REFERENCES pairs (id) ON DELETE CASCADE,
    meeting_id     INTEGER REFERENCES meetings (id) ON DELETE CASCADE,
    day            TEXT,
    at             TEXT,                 -- HH:MM in the programme's time zone
    mode           TEXT CHECK (mode IN ('in_person', 'online')),
    step           TEXT NOT NULL CHECK (step IN ('day', 'time', 'mode', 'place')),
    updated_at     TEXT NOT NULL
);

-- The start of the oldest planned meeting that was asked about and neither side confirmed.
ALTER TABLE pair_signals ADD COLUMN meeting_unconfirmed_at TEXT;
