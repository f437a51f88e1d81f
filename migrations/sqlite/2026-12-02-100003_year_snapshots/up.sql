-- Year close (domain.md §5.7): each close freezes a year's exact figures and every cell of every
-- table. Reopening ends a snapshot's force but keeps it, so a year closed, reopened and closed
-- again still has its earlier snapshots with their dates. At most one snapshot of a year is in
-- force; a snapshot's figures and tables never change.
CREATE TABLE year_snapshots (
    id INTEGER PRIMARY KEY NOT NULL,
    year INTEGER NOT NULL,
    closed_at TIMESTAMP NOT NULL,
    closed_by TEXT NOT NULL,
    contract_count BIGINT NOT NULL CHECK (contract_count >= 0),
    amount_fen BIGINT NOT NULL CHECK (amount_fen >= 0),
    -- stats::Figures as JSON: what later years' growth compares with.
    figures TEXT NOT NULL,
    -- Every table of the year, cell by cell, as JSON: what the closed year's report prints.
    tables TEXT NOT NULL,
    reopened_at TIMESTAMP,
    reopened_by TEXT,
    reopen_reason TEXT,
    CHECK ((reopened_at IS NULL) = (reopen_reason IS NULL))
);
CREATE UNIQUE INDEX year_snapshots_in_force ON year_snapshots (year) WHERE reopened_at IS NULL;
CREATE INDEX year_snapshots_by_year ON year_snapshots (year, id);

CREATE TRIGGER year_snapshots_frozen BEFORE UPDATE ON year_snapshots
WHEN OLD.reopened_at IS NOT NULL
  OR NEW.year IS NOT OLD.year OR NEW.closed_at IS NOT OLD.closed_at
  OR NEW.closed_by IS NOT OLD.closed_by OR NEW.contract_count IS NOT OLD.contract_count
  OR NEW.amount_fen IS NOT OLD.amount_fen OR NEW.figures IS NOT OLD.figures
  OR NEW.tables IS NOT OLD.tables
BEGIN
    SELECT RAISE(ABORT, 'a year snapshot is frozen: only its reopening may be recorded, once');
END;

CREATE TRIGGER year_snapshots_no_delete BEFORE DELETE ON year_snapshots
BEGIN
    SELECT RAISE(ABORT, 'year snapshots are kept');
END;
