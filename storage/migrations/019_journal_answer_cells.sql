-- The check-in answers of a journal entry as the CSV export writes them (storage/exports.py
-- journal_lines): ";met;going;coordinator;useful;progress;applications", a multiple choice's
-- options as "applied, interview"; NULL for an entry without answers. Pulling them out of the
-- JSON was half of the export's time; kept in the export's index, they are read as they are.
-- The JSON in `answers` stays what was answered, and the triggers keep the cells in step with
-- it whichever statement writes an entry. The questions are those of the check-ins (the
-- questionnaires checkin_mentor and checkin_mentee, free text left out) in their order
-- (storage/exports.py ANSWER_CELLS): changing them takes a migration that redefines the
-- cells, and the export refuses to run on cells for other questions.
ALTER TABLE journal ADD COLUMN answer_cells TEXT;

CREATE TRIGGER journal_answer_cells AFTER UPDATE OF answers ON journal
BEGIN
    UPDATE journal SET answer_cells = CASE WHEN NEW.answers IS NOT NULL THEN printf(
        ';%s;%s;%s;%s;%s;%s',
        json_extract(NEW.answers, '$.met'),
        json_extract(NEW.answers, '$.going'),
        json_extract(NEW.answers, '$.coordinator'),
        json_extract(NEW.answers, '$.useful'),
        replace(replace(replace(replace(
            json_extract(NEW.answers, '$.progress'), '[]', ''), '["', ''), '"]', ''), '","', ', '),
        json_extract(NEW.answers, '$.applications')
    ) END WHERE id = NEW.id;
END;

-- A new entry's cells through the trigger above, so that they are defined once.
CREATE TRIGGER journal_answer_cells_of_new AFTER INSERT ON journal
WHEN NEW.answers IS NOT NULL
BEGIN
    UPDATE journal SET answers = NEW.answers WHERE id = NEW.id;
END;

-- The entries written before: the same cells.
UPDATE journal SET answers = answers WHERE answers IS NOT NULL;

-- The export's index reads the cells instead of the JSON (which nothing else reads from it).
DROP INDEX IF EXISTS journal_by_pair;
CREATE INDEX journal_by_pair
    ON journal (pair_id, id, created_at, role, kind, checkin_id, private, answer_cells);
