DROP TABLE history_years;
