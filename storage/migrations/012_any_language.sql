-- A participant's language is any language of bot/model/languages.py's table, not a list fixed
-- in SQL: adding a language is one line there. SQLite cannot drop a CHECK constraint, so the
-- table is rebuilt as SQLite documents it (foreign keys are off while migrating).
CREATE TABLE participants_new (
    id                     INTEGER PRIMARY KEY,
    telegram_user_id       INTEGER NOT NULL UNIQUE,
    chat_id                INTEGER NOT NULL,
    role                   TEXT CHECK (role IN ('mentor', 'mentee', 'coordinator')),
    language               TEXT NOT NULL CHECK (language <> ''),
    language_chosen        INTEGER NOT NULL DEFAULT 0 CHECK (language_chosen IN (0, 1)),
    status                 TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'unreachable')),
    created_at             TEXT NOT NULL,
    updated_at             TEXT NOT NULL,
    recruitment_channel_id INTEGER REFERENCES recruitment_channels (id),
    erased_at              TEXT,
    erased_because         TEXT CHECK (erased_because IN ('request', 'retention'))
);

INSERT INTO participants_new (
    id, telegram_user_id, chat_id, role, language, language_chosen, status, created_at,
    updated_at, recruitment_channel_id, erased_at, erased_because
)
SELECT
    id, telegram_user_id, chat_id, role, language, language_chosen, status, created_at,
    updated_at, recruitment_channel_id, erased_at, erased_because
FROM participants;

DROP TABLE participants;
ALTER TABLE participants_new RENAME TO participants;
CREATE INDEX participants_role_status ON participants (role, status);
