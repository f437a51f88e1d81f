-- Second review of large contracts and review deadlines (domain.md §1.4).
--
-- A contract waiting for review either is at its first step (first_approved_by NULL) or has
-- been approved once and waits for another administrator's final approval. (A user id; no
-- REFERENCES clause here, as SQLite could not drop such a column again, and accounts are never
-- deleted, only disabled.)
ALTER TABLE contracts ADD COLUMN first_approved_by BIGINT;
-- The last day on which the review is in time: set on each submission from the rule in force.
ALTER TABLE contracts ADD COLUMN review_due_on DATE;
-- Which step an approval was: the first of two, or the one that registered the contract.
ALTER TABLE reviews ADD COLUMN stage TEXT NOT NULL DEFAULT 'final' CHECK (stage IN ('first', 'final'));

-- Contracts waiting today keep the deadline that applied so far: 30 days (Beijing date).
UPDATE contracts SET review_due_on = date(submitted_at, '+8 hours', '+30 days')
    WHERE status = 'submitted' AND submitted_at IS NOT NULL;

-- Each authority's rules, in versions by the day they take effect; an authority without any
-- uses 500 万元 and 30 days.
CREATE TABLE review_rules (
    id INTEGER PRIMARY KEY NOT NULL,
    authority_code TEXT NOT NULL REFERENCES authorities (code),
    effective_from DATE NOT NULL,
    second_review_fen BIGINT NOT NULL CHECK (second_review_fen > 0),
    deadline TEXT NOT NULL CHECK (deadline IN ('calendar_30', 'working_15')),
    created_by BIGINT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    UNIQUE (authority_code, effective_from)
);
