-- Privacy: consents with the text version agreed to, their withdrawal, and erasure.

-- One row per consent given: the questionnaire's consent question answered yes. The version
-- names the exact consent text (bot/privacy.py consent_version), so a changed text is told
-- apart from the one a person agreed to.
CREATE TABLE consents (
    id             INTEGER PRIMARY KEY,
    participant_id INTEGER NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    questionnaire  TEXT NOT NULL,
    text_version   TEXT NOT NULL,
    given_at       TEXT NOT NULL,
    withdrawn_at   TEXT
);

CREATE INDEX consents_participant ON consents (participant_id, id);

-- Each consent text (its msgid, in English) by version, kept when the wording changes later.
CREATE TABLE consent_texts (
    text_version TEXT PRIMARY KEY,
    text         TEXT NOT NULL
);

-- An erased participant keeps an anonymous row (role, status, first contact, recruitment
-- channel) so that the evaluation report's figures stay right; everything that named or
-- described them is gone. erased_because: 'request' (/delete) or 'retention'.
ALTER TABLE participants ADD COLUMN erased_at TEXT;
ALTER TABLE participants ADD COLUMN erased_because TEXT
    CHECK (erased_because IN ('request', 'retention'));
