-- Questionnaires (mentor screening, later the mentee intake), their review, and the
-- recruitment channels people came through. Times are ISO 8601 in UTC.

CREATE TABLE recruitment_channels (
    id         INTEGER PRIMARY KEY,
    code       TEXT NOT NULL UNIQUE,      -- the deep-link payload after "c_"
    name       TEXT NOT NULL,             -- e.g. a partner company or a social-media post
    created_by INTEGER NOT NULL,          -- the coordinator's Telegram user id
    created_at TEXT NOT NULL
);

ALTER TABLE participants
    ADD COLUMN recruitment_channel_id INTEGER REFERENCES recruitment_channels (id);

-- One person's way through one questionnaire. The row says where they are; each answer is
-- written together with the move to the next question, so a restart resumes exactly there.
CREATE TABLE questionnaire_runs (
    id                INTEGER PRIMARY KEY,
    participant_id    INTEGER NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    questionnaire     TEXT NOT NULL,
    version           INTEGER NOT NULL,
    status            TEXT NOT NULL CHECK (status IN ('in_progress', 'submitted')),
    current_question  TEXT,                      -- NULL: the summary before Submit
    selection         TEXT NOT NULL DEFAULT '[]',-- ticked options of the current multi-choice
    prompt_message_id INTEGER,                   -- the message that asks the current question
    started_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    submitted_at      TEXT,
    reminded_at       TEXT
);

CREATE UNIQUE INDEX questionnaire_runs_one_open
    ON questionnaire_runs (participant_id, questionnaire) WHERE status = 'in_progress';
CREATE INDEX questionnaire_runs_idle ON questionnaire_runs (status, updated_at);

CREATE TABLE answers (
    run_id      INTEGER NOT NULL REFERENCES questionnaire_runs (id) ON DELETE CASCADE,
    question_id TEXT NOT NULL,
    value       TEXT NOT NULL,             -- JSON; null when the question was skipped
    answered_at TEXT NOT NULL,
    PRIMARY KEY (run_id, question_id)
);

-- A submitted mentor screening and the coordinators' decisions on it.
CREATE TABLE screenings (
    run_id         INTEGER PRIMARY KEY REFERENCES questionnaire_runs (id) ON DELETE CASCADE,
    participant_id INTEGER NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    status         TEXT NOT NULL
                   CHECK (status IN ('pending', 'interview', 'approved', 'rejected')),
    course_done_at TEXT,
    submitted_at   TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);

CREATE INDEX screenings_status ON screenings (status, submitted_at);

CREATE TABLE screening_decisions (
    id                     INTEGER PRIMARY KEY,
    run_id                 INTEGER NOT NULL REFERENCES screenings (run_id) ON DELETE CASCADE,
    decision               TEXT NOT NULL
                           CHECK (decision IN ('interview', 'approved', 'rejected', 'course_done')),
    coordinator_id         INTEGER NOT NULL,  -- Telegram user id
    coordinator_name       TEXT NOT NULL,     -- shown to the other coordinators
    note                   TEXT,
    decided_at             TEXT NOT NULL,
    note_prompt_message_id INTEGER            -- the coordinator replies to it with a note
);

CREATE INDEX screening_decisions_run ON screening_decisions (run_id, id);

-- Each coordinator's copy of a screening, edited when any coordinator decides.
CREATE TABLE review_messages (
    run_id     INTEGER NOT NULL REFERENCES screenings (run_id) ON DELETE CASCADE,
    chat_id    INTEGER NOT NULL,
    message_id INTEGER NOT NULL,
    PRIMARY KEY (run_id, chat_id, message_id)
);
