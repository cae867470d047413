-- Coordinators limited to some municipalities (bot/scopes.py). A row set with /scope wins over
-- COORDINATOR_SCOPES in the configuration; municipalities NULL: programme-wide.
CREATE TABLE coordinator_scopes (
    telegram_user_id INTEGER PRIMARY KEY,   -- the coordinator, as in COORDINATOR_IDS
    municipalities   TEXT,                  -- JSON list of names as typed; NULL: all
    set_by           INTEGER NOT NULL,      -- the programme-wide coordinator's Telegram user id
    set_at           TEXT NOT NULL
);
