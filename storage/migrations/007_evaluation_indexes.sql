-- The evaluation report.

-- A pair's mentee intake (field, municipality, the time to the match), found by person.
CREATE INDEX intakes_participant ON intakes (participant_id, submitted_at);

-- The mentees of one field or municipality, found by their answer.
CREATE INDEX answers_field ON answers (value, run_id) WHERE question_id = 'field';
CREATE INDEX answers_municipality ON answers (value, run_id) WHERE question_id = 'municipality';

-- Check-in answer rates, counted from the index alone.
CREATE INDEX checkins_answer_rate ON checkins (status, side, due_at, pair_id);
