-- Check-ins and the journal. A check-in row is the truth about one prompt to one person of
-- one pair for one due time: scheduled, pending (being sent), sent, answered or missed.

CREATE TABLE checkins (
    id               INTEGER PRIMARY KEY,
    pair_id          INTEGER NOT NULL REFERENCES pairs (id) ON DELETE CASCADE,
    participant_id   INTEGER NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    side             TEXT NOT NULL CHECK (side IN ('mentor', 'mentee')),
    due_at           TEXT NOT NULL,
    status           TEXT NOT NULL
                     CHECK (status IN ('scheduled', 'pending', 'sent', 'answered', 'missed')),
    sent_at          TEXT,
    reminded_at      TEXT,
    answered_at      TEXT,
    current_question TEXT,
    selection        TEXT NOT NULL DEFAULT '[]',
    answers          TEXT NOT NULL DEFAULT '{}',
    created_at       TEXT NOT NULL
);

-- One check-in ahead per person of a pair.
CREATE UNIQUE INDEX checkins_one_scheduled
    ON checkins (pair_id, participant_id) WHERE status = 'scheduled';
CREATE INDEX checkins_status_due ON checkins (status, due_at);
CREATE INDEX checkins_person ON checkins (participant_id, status);

-- The journal: what mentor and mentee reported, coordinators' notes, and events. Entries are
-- never edited away; a correction is a new entry.
CREATE TABLE journal (
    id            INTEGER PRIMARY KEY,
    pair_id       INTEGER NOT NULL REFERENCES pairs (id) ON DELETE CASCADE,
    author_id     INTEGER REFERENCES participants (id) ON DELETE SET NULL,
    role          TEXT NOT NULL CHECK (role IN ('mentor', 'mentee', 'coordinator', 'bot')),
    kind          TEXT NOT NULL,  -- checkin, note, missed, paused, unreachable
    checkin_id    INTEGER REFERENCES checkins (id) ON DELETE SET NULL,
    answers       TEXT,           -- JSON, for check-ins
    text          TEXT,
    voice_file_id TEXT,
    private       INTEGER NOT NULL DEFAULT 0 CHECK (private IN (0, 1)),
    created_at    TEXT NOT NULL,
    UNIQUE (checkin_id, kind)     -- an answer to either copy of a prompt counts once
);

CREATE INDEX journal_pair ON journal (pair_id, id);

-- A participant's own pause of their check-ins (holidays, Ramadan, a course).
CREATE TABLE checkin_pauses (
    participant_id INTEGER PRIMARY KEY REFERENCES participants (id) ON DELETE CASCADE,
    until          TEXT NOT NULL,
    set_at         TEXT NOT NULL
);

-- A coordinator's own check-in cadence for a pair, in days; wins over the agreement's.
ALTER TABLE pairs ADD COLUMN checkin_every_days INTEGER CHECK (checkin_every_days BETWEEN 1 AND 90);
