-- The last run of each scheduled scan (the stall scan, the check-in wave, the daily backup...),
-- so /status can say when each last failed, also after a restart. One row a scan; the error is
-- its class name only, never its message.
CREATE TABLE scan_runs (
    name              TEXT PRIMARY KEY,
    last_started_at   TEXT NOT NULL,
    last_succeeded_at TEXT,
    last_failed_at    TEXT,
    last_error        TEXT
);
