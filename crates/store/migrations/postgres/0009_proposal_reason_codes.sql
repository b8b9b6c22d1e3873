-- Why a proposal was run is stored as a code (manager, command_line, demo, mentor_left) with
-- the departed mentor's name beside it in reason_detail, shown through the catalogue in the
-- reader's language; before, it was an English sentence that pages parsed back by its suffix.
ALTER TABLE match_proposals ADD COLUMN reason_detail TEXT NOT NULL DEFAULT '';
ALTER TABLE facility_proposals ADD COLUMN reason_detail TEXT NOT NULL DEFAULT '';

-- ' left the program' is 17 characters.
UPDATE match_proposals
   SET reason_detail = substr(reason, 1, length(reason) - 17), reason = 'mentor_left'
 WHERE reason LIKE '% left the program';
UPDATE match_proposals SET reason = 'manager' WHERE reason = 'requested by a manager';
UPDATE match_proposals SET reason = 'command_line' WHERE reason = 'requested from the command line';
-- Any other text was never written by tandem; it is kept as the detail of a manager's run.
UPDATE match_proposals
   SET reason_detail = reason, reason = 'manager'
 WHERE reason NOT IN ('manager', 'command_line', 'demo', 'mentor_left');

UPDATE facility_proposals SET reason = 'manager' WHERE reason = 'requested by a manager';
UPDATE facility_proposals SET reason = 'command_line' WHERE reason = 'requested from the command line';
UPDATE facility_proposals
   SET reason_detail = reason, reason = 'manager'
 WHERE reason NOT IN ('manager', 'command_line', 'demo', 'mentor_left');
