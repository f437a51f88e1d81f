DROP TABLE import_reports;
DROP TABLE registration_counters;
