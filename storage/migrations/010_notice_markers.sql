-- One-off notices that follow a state change: NULL means "not told yet", so a notice cut off
-- by a crash is sent by the next scan (bot/notices.py). Rows from before this migration were
-- told already: they are marked, never sent again.

-- Both sides of an active pair got each other's contact, and the coordinators heard of it.
ALTER TABLE pairs ADD COLUMN announced_at TEXT;
UPDATE pairs SET announced_at = COALESCE(started_at, updated_at) WHERE started_at IS NOT NULL;

-- The coordinators got the submitted screening to review.
ALTER TABLE screenings ADD COLUMN coordinators_told_at TEXT;
UPDATE screenings SET coordinators_told_at = submitted_at;

-- The mentor heard the coordinator's decision.
ALTER TABLE screening_decisions ADD COLUMN mentor_told_at TEXT;
UPDATE screening_decisions SET mentor_told_at = decided_at;

-- The coordinators heard that the mentee is ready for matching.
ALTER TABLE intakes ADD COLUMN coordinators_told_at TEXT;
UPDATE intakes SET coordinators_told_at = submitted_at;

CREATE INDEX pairs_unannounced ON pairs (status) WHERE announced_at IS NULL;
CREATE INDEX screenings_untold ON screenings (submitted_at) WHERE coordinators_told_at IS NULL;
CREATE INDEX screening_decisions_untold ON screening_decisions (decided_at)
    WHERE mentor_told_at IS NULL;
CREATE INDEX intakes_untold ON intakes (submitted_at) WHERE coordinators_told_at IS NULL;
