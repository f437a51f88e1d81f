DROP TRIGGER income_entries_no_update ON income_entries;
DROP FUNCTION income_entries_append_only();
DROP TABLE income_entries;
