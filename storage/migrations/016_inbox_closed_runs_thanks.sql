-- Every update the bot receives, stored before Telegram is told it arrived (bot/inbox.py): a
-- crash between receiving and handling it loses nothing, the next start handles it.
-- status: 'open' until its handler (and the sends it caused) are done, then 'handled'; an
-- update that could not be handled in three tries is 'failed' and set aside.
-- committed: a transaction made while handling it is stored, so a replay must change nothing.
-- replays: how often a start handed it to the handlers again.
CREATE TABLE inbox (
    update_id INTEGER PRIMARY KEY,
    chat_id INTEGER,
    raw TEXT NOT NULL,
    received_at TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'handled', 'failed')),
    committed INTEGER NOT NULL DEFAULT 0,
    replays INTEGER NOT NULL DEFAULT 0,
    done_at TEXT
);

CREATE INDEX inbox_open ON inbox (update_id) WHERE status = 'open';
CREATE INDEX inbox_done ON inbox (done_at) WHERE status != 'open';
CREATE INDEX inbox_chat ON inbox (chat_id);

-- A questionnaire run closed when the person withdrew their consent: it takes no more answers
-- and is not offered again; its status stays 'in_progress' (never submitted).
ALTER TABLE questionnaire_runs ADD COLUMN closed_at TEXT;

-- The person was thanked for a sent questionnaire (a one-off notice, bot/notices.py): NULL
-- means the thanks was cut off by a crash and is sent by the next scan. Rows from before this
-- migration were thanked already.
ALTER TABLE questionnaire_runs ADD COLUMN thanked_at TEXT;
UPDATE questionnaire_runs SET thanked_at = submitted_at WHERE status = 'submitted';
CREATE INDEX questionnaire_runs_unthanked ON questionnaire_runs (submitted_at)
    WHERE status = 'submitted' AND thanked_at IS NULL;
