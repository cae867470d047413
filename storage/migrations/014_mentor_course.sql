-- The mentor course as dated sessions: the coordinators create them, approved mentors take a
-- seat or join the waiting list, and attendance marks the course as done. Times in UTC.

CREATE TABLE course_sessions (
    id                INTEGER PRIMARY KEY,
    starts_at         TEXT,              -- NULL while the coordinator is still writing it
    place             TEXT,              -- an address or a link
    seats             INTEGER CHECK (seats BETWEEN 1 AND 500),
    language          TEXT,              -- the language the course is given in
    created_by        INTEGER NOT NULL,  -- the coordinator's Telegram user id
    prompt_message_id INTEGER,           -- the question of the draft the coordinator replies to
    created_at        TEXT NOT NULL,
    published_at      TEXT,              -- NULL: a draft, not offered to anyone
    deleted_at        TEXT               -- deleted by a coordinator: its buttons are stale
);

CREATE INDEX course_sessions_open ON course_sessions (starts_at)
    WHERE published_at IS NOT NULL AND deleted_at IS NULL;

-- A mentor's yes to one session: a seat, or a place on its waiting list (oldest first).
CREATE TABLE course_seats (
    session_id     INTEGER NOT NULL REFERENCES course_sessions (id),
    participant_id INTEGER NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    status         TEXT NOT NULL CHECK (status IN ('booked', 'waiting', 'cancelled')),
    queued_at      TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    -- What the mentor still has to hear: moved up from the waiting list, or the session was
    -- deleted. NULL told_at: not told yet (a crash cut it off), the course scan tells it.
    news           TEXT CHECK (news IN ('moved_up', 'session_deleted')),
    news_told_at   TEXT,
    reminded_at    TEXT,                 -- the reminder the day before
    attended       INTEGER CHECK (attended IN (0, 1)),
    PRIMARY KEY (session_id, participant_id)
);

CREATE INDEX course_seats_of_participant ON course_seats (participant_id, status);
CREATE INDEX course_seats_untold ON course_seats (news) WHERE news_told_at IS NULL;

-- An invitation to the course owed to an approved mentor for a session; sent_at NULL: due.
CREATE TABLE course_invitations (
    participant_id INTEGER NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    session_id     INTEGER NOT NULL REFERENCES course_sessions (id),
    created_at     TEXT NOT NULL,
    sent_at        TEXT,
    PRIMARY KEY (participant_id, session_id)
);

CREATE INDEX course_invitations_due ON course_invitations (participant_id) WHERE sent_at IS NULL;

-- "None of these dates fit": the coordinators are told, and can add a date.
CREATE TABLE course_no_fit (
    id                   INTEGER PRIMARY KEY,
    participant_id       INTEGER NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    said_at              TEXT NOT NULL,
    coordinators_told_at TEXT
);

-- The session a mentor attended; NULL with course_done_at: the course was taken elsewhere.
ALTER TABLE screenings ADD COLUMN course_session_id INTEGER REFERENCES course_sessions (id);
