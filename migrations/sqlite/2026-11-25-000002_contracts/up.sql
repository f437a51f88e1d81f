-- Contracts as filed (one row per contract, principal seller and buyer), the party directory
-- and the attachments filed with a contract.

CREATE TABLE parties (
    id INTEGER PRIMARY KEY NOT NULL,
    -- "uscc:…", "id:…" (natural persons) or "name:<country>:<normalised name>" (abroad)
    party_key TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('organisation', 'person', 'foreign')),
    name TEXT NOT NULL,
    name_norm TEXT NOT NULL,
    country_code TEXT NOT NULL,
    admin_code TEXT NOT NULL DEFAULT '',
    id_code TEXT NOT NULL DEFAULT '',
    nature_code TEXT NOT NULL,
    address TEXT NOT NULL DEFAULT '',
    zipcode TEXT NOT NULL DEFAULT '',
    representative TEXT NOT NULL DEFAULT '',
    contact TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    -- natural persons are visible only within the province-level authority that filed them
    home_authority TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    updated_by TEXT NOT NULL
);
CREATE INDEX parties_by_name ON parties (name_norm);
CREATE INDEX parties_by_id_code ON parties (id_code);

CREATE TABLE contracts (
    id INTEGER PRIMARY KEY NOT NULL,
    office_code TEXT NOT NULL REFERENCES offices (code),
    authority_code TEXT NOT NULL REFERENCES authorities (code),
    status TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'returned', 'registered', 'refused', 'cancelled')),
    version INTEGER NOT NULL DEFAULT 1,
    registration_number TEXT UNIQUE,
    registered_on DATE,
    review_note TEXT,
    -- a draft keeps exactly what was typed (JSON of the form); filed contracts keep typed columns
    draft_input TEXT,
    checklist_confirmed BOOLEAN NOT NULL DEFAULT FALSE,
    project_name TEXT NOT NULL DEFAULT '',
    project_name_norm TEXT NOT NULL DEFAULT '',
    signed_on DATE,
    valid_from DATE,
    valid_to DATE,
    category_code TEXT NOT NULL DEFAULT '',
    ip_code TEXT NOT NULL DEFAULT '',
    tech_field_code TEXT NOT NULL DEFAULT '',
    objective_code TEXT NOT NULL DEFAULT '',
    plan_code TEXT NOT NULL DEFAULT '',
    plan_name TEXT NOT NULL DEFAULT '',
    payment_code TEXT NOT NULL DEFAULT '',
    non_technical_note TEXT NOT NULL DEFAULT '',
    third_party_name TEXT NOT NULL DEFAULT '',
    is_related BOOLEAN NOT NULL DEFAULT FALSE,
    total_fen BIGINT,
    technical_fen BIGINT,
    expected_investment_fen BIGINT,
    expected_output_fen BIGINT,
    seller_uscc_override TEXT NOT NULL DEFAULT '',
    buyer_uscc_override TEXT NOT NULL DEFAULT '',
    seller_party_id BIGINT REFERENCES parties (id),
    buyer_party_id BIGINT REFERENCES parties (id),
    seller_name TEXT NOT NULL DEFAULT '',
    seller_country_code TEXT NOT NULL DEFAULT '',
    seller_admin_code TEXT NOT NULL DEFAULT '',
    seller_uscc TEXT NOT NULL DEFAULT '',
    seller_nature_code TEXT NOT NULL DEFAULT '',
    seller_address TEXT NOT NULL DEFAULT '',
    seller_zipcode TEXT NOT NULL DEFAULT '',
    seller_representative TEXT NOT NULL DEFAULT '',
    seller_contact TEXT NOT NULL DEFAULT '',
    seller_phone TEXT NOT NULL DEFAULT '',
    seller_name_norm TEXT NOT NULL DEFAULT '',
    buyer_name TEXT NOT NULL DEFAULT '',
    buyer_country_code TEXT NOT NULL DEFAULT '',
    buyer_admin_code TEXT NOT NULL DEFAULT '',
    buyer_uscc TEXT NOT NULL DEFAULT '',
    buyer_nature_code TEXT NOT NULL DEFAULT '',
    buyer_address TEXT NOT NULL DEFAULT '',
    buyer_zipcode TEXT NOT NULL DEFAULT '',
    buyer_representative TEXT NOT NULL DEFAULT '',
    buyer_contact TEXT NOT NULL DEFAULT '',
    buyer_phone TEXT NOT NULL DEFAULT '',
    buyer_name_norm TEXT NOT NULL DEFAULT '',
    duplicate_key TEXT,
    created_by BIGINT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    submitted_at TIMESTAMP,
    CHECK (total_fen IS NULL OR total_fen > 0),
    CHECK (technical_fen IS NULL OR technical_fen >= 0)
);
CREATE INDEX contracts_by_office ON contracts (office_code, status, id);
CREATE INDEX contracts_by_authority ON contracts (authority_code, status, id);
CREATE INDEX contracts_by_registration ON contracts (status, registered_on);
CREATE INDEX contracts_by_duplicate_key ON contracts (duplicate_key);
CREATE INDEX contracts_by_signed ON contracts (office_code, signed_on);

CREATE TABLE attachments (
    id INTEGER PRIMARY KEY NOT NULL,
    contract_id BIGINT NOT NULL REFERENCES contracts (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('contract_text', 'evidence')),
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    data BLOB NOT NULL,
    uploaded_at TIMESTAMP NOT NULL,
    uploaded_by BIGINT
);
CREATE INDEX attachments_by_contract ON attachments (contract_id);
