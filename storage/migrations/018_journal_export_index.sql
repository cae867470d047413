-- The journal by pair, with every column the CSV export reads (storage/exports.py
-- journal_lines): the export reads the index alone, in its order, instead of looking each
-- entry up in the table (a fifth of its time). It serves every use of journal_pair, whose
-- leading columns it has, so it takes that one's place: a write still updates one index.
-- IF NOT EXISTS: an upgrade test replays the migrations after 009 on a database that has it.
CREATE INDEX IF NOT EXISTS journal_by_pair
    ON journal (pair_id, id, created_at, role, kind, checkin_id, private, answers);
DROP INDEX IF EXISTS journal_pair;
