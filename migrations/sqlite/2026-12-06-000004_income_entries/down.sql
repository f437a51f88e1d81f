DROP TABLE income_entries;
