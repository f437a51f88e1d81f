-- Amendment (变更登记) and cancellation (注销登记) of registered contracts (domain.md §1.8).
-- Each application is one row: what the office asked and why, the contract as it stood and as
-- it is to become, and the province's decision. Approved changes are applied to the contract,
-- whose number stays; the row keeps the version it replaced.
CREATE TABLE amendments (
    id INTEGER PRIMARY KEY NOT NULL,
    contract_id BIGINT NOT NULL REFERENCES contracts (id),
    kind TEXT NOT NULL CHECK (kind IN ('change', 'cancel')),
    status TEXT NOT NULL CHECK (status IN ('submitted', 'approved', 'returned', 'refused')),
    -- bumped by every step taken on the application (a first approval, a decision)
    version INTEGER NOT NULL,
    reason TEXT NOT NULL,
    -- the contract version the application was made against
    base_version INTEGER NOT NULL,
    -- the contract's fields as registered when the application was made (JSON), and as the
    -- change would make them (JSON; NULL for a cancellation)
    before_input TEXT NOT NULL,
    after_input TEXT,
    -- the fields that change: JSON [[field, old, new], ...]
    changes TEXT NOT NULL,
    -- the 技术交易额 after the change, for the second-review threshold
    technical_fen BIGINT,
    filed_by BIGINT REFERENCES users (id),
    filed_by_name TEXT NOT NULL,
    filed_at TIMESTAMP NOT NULL,
    first_approved_by BIGINT REFERENCES users (id),
    decided_by BIGINT REFERENCES users (id),
    decided_by_name TEXT,
    decided_at TIMESTAMP,
    decision_note TEXT
);
CREATE INDEX amendments_by_contract ON amendments (contract_id, id);
-- At most one open application per contract.
CREATE UNIQUE INDEX amendments_one_open ON amendments (contract_id) WHERE status = 'submitted';
CREATE INDEX amendments_open ON amendments (status, id);

-- The day of the last approved change: the certificate then reads 已变更.
ALTER TABLE contracts ADD COLUMN amended_on DATE;
