DROP TABLE year_snapshots;
DROP FUNCTION year_snapshots_frozen();
