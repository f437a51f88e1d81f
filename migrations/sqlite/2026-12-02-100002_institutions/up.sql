-- The list of national technology-transfer demonstration institutions printed as 附表15, as
-- imported from a file (interchange §0); each import replaces the whole list. `position` is
-- the row's place in the imported file, the order the report prints. The section a name is
-- printed under is a province-level authority (a province, a 计划单列市 or the 兵团).
-- `name_norm` is the width-folded, lower-cased name that searches and duplicate checks use.
CREATE TABLE institutions (
    position INTEGER PRIMARY KEY NOT NULL CHECK (position >= 1),
    authority_code TEXT NOT NULL REFERENCES authorities (code),
    name TEXT NOT NULL,
    name_norm TEXT NOT NULL,
    imported_at TIMESTAMP NOT NULL,
    imported_by TEXT NOT NULL,
    UNIQUE (authority_code, name_norm)
);
CREATE INDEX institutions_by_authority ON institutions (authority_code, position);
