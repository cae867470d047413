-- The last run of each scheduled scan (the stall scan, the check-in wave, the daily backup...),
-- so /status can say when each last failed, also after a restart. One row a scan; the error is
-- its class name only, never its message. IF NOT EXISTS: a database whose user_version was set
-- back by hand (tests/test_notices.py's upgrade) meets this migration a second time.
CREATE TABLE IF NOT EXISTS scan_runs (
    name              TEXT PRIMARY KEY,
    last_started_at   TEXT NOT NULL,
    last_succeeded_at TEXT,
    last_failed_at    TEXT,
    last_error        TEXT
);
