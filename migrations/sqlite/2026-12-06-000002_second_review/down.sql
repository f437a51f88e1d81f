DROP TABLE review_rules;
ALTER TABLE reviews DROP COLUMN stage;
ALTER TABLE contracts DROP COLUMN review_due_on;
ALTER TABLE contracts DROP COLUMN first_approved_by;
