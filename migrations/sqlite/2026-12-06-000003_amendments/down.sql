ALTER TABLE contracts DROP COLUMN amended_on;
DROP TABLE amendments;
