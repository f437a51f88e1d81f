-- National figures of years the database holds no contracts for (years before the system
-- existed) and R&D expenditure for any year, as imported from a history file (interchange §3).
-- One row per year; NULL means unknown. Amounts in fen, counts of contracts.
CREATE TABLE history_years (
    year INTEGER PRIMARY KEY NOT NULL,
    contract_count BIGINT CHECK (contract_count >= 0),
    amount_fen BIGINT CHECK (amount_fen >= 0),
    rd_expenditure_fen BIGINT CHECK (rd_expenditure_fen >= 0),
    dev_count BIGINT CHECK (dev_count >= 0),
    dev_amount_fen BIGINT CHECK (dev_amount_fen >= 0),
    transfer_count BIGINT CHECK (transfer_count >= 0),
    transfer_amount_fen BIGINT CHECK (transfer_amount_fen >= 0),
    consult_count BIGINT CHECK (consult_count >= 0),
    consult_amount_fen BIGINT CHECK (consult_amount_fen >= 0),
    service_count BIGINT CHECK (service_count >= 0),
    service_amount_fen BIGINT CHECK (service_amount_fen >= 0),
    updated_at TIMESTAMP NOT NULL,
    updated_by TEXT NOT NULL
);
