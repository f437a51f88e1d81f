-- The review history: every decision a provincial reviewer took on a contract (approve, return
-- for correction, refuse), with the reason, the ground of a refusal and the number given.
-- Append-only, like the audit log: a contract's history is never rewritten.
CREATE TABLE reviews (
    id INTEGER PRIMARY KEY NOT NULL,
    contract_id BIGINT NOT NULL REFERENCES contracts (id),
    decision TEXT NOT NULL CHECK (decision IN ('approve', 'return', 'refuse')),
    reason TEXT NOT NULL DEFAULT '',
    refusal_code TEXT NOT NULL DEFAULT '',
    registration_number TEXT,
    reviewer_id BIGINT REFERENCES users (id),
    reviewer TEXT NOT NULL,
    -- the contract version the reviewer decided on
    contract_version INTEGER NOT NULL,
    decided_at TIMESTAMP NOT NULL
);
CREATE INDEX reviews_by_contract ON reviews (contract_id);

CREATE TRIGGER reviews_no_update BEFORE UPDATE ON reviews
BEGIN
    SELECT RAISE(ABORT, 'reviews is append-only');
END;
CREATE TRIGGER reviews_no_delete BEFORE DELETE ON reviews
BEGIN
    SELECT RAISE(ABORT, 'reviews is append-only');
END;
