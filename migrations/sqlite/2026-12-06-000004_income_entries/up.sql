-- 技术性收入核定 (domain.md §1.7): the income a seller received on a registered contract and
-- the technical income the registering office verified, entry by entry. The registered amounts
-- are never edited; entries are only added (database triggers refuse UPDATE and DELETE).
CREATE TABLE income_entries (
    id INTEGER PRIMARY KEY NOT NULL,
    contract_id BIGINT NOT NULL REFERENCES contracts (id),
    period_from DATE NOT NULL,
    period_to DATE NOT NULL,
    received_fen BIGINT NOT NULL CHECK (received_fen > 0),
    verified_fen BIGINT NOT NULL CHECK (verified_fen >= 0 AND verified_fen <= received_fen),
    verifier TEXT NOT NULL,
    verified_on DATE NOT NULL,
    -- the evidence (a receipt, the seller's 核定表), kept among the contract's attachments
    attachment_id BIGINT REFERENCES attachments (id),
    note TEXT NOT NULL DEFAULT '',
    created_by BIGINT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    CHECK (period_from <= period_to)
);
CREATE INDEX income_by_contract ON income_entries (contract_id, id);

CREATE TRIGGER income_entries_no_update BEFORE UPDATE ON income_entries
BEGIN
    SELECT RAISE(ABORT, 'income_entries is append-only');
END;
CREATE TRIGGER income_entries_no_delete BEFORE DELETE ON income_entries
BEGIN
    SELECT RAISE(ABORT, 'income_entries is append-only');
END;
