DROP TABLE year_snapshots;
