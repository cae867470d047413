-- Everyone who has talked to the bot: mentors, mentees and coordinators.
-- Times are ISO 8601 in UTC. role is NULL until the person has chosen one.
CREATE TABLE participants (
    id               INTEGER PRIMARY KEY,
    telegram_user_id INTEGER NOT NULL UNIQUE,
    chat_id          INTEGER NOT NULL,
    role             TEXT CHECK (role IN ('mentor', 'mentee', 'coordinator')),
    language         TEXT NOT NULL CHECK (language IN ('da', 'en', 'ar')),
    language_chosen  INTEGER NOT NULL DEFAULT 0 CHECK (language_chosen IN (0, 1)),
    status           TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'unreachable')),
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);

CREATE INDEX participants_role_status ON participants (role, status);
