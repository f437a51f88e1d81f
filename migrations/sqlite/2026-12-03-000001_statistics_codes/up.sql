-- The national statistics read, for each registered contract of a year, its text columns as
-- one value: the registration number, office, codes, both parties' places, the seller's USCC
-- and name, separated by U+001F (db::stats::PACKED_COLUMNS gives the order). The database
-- derives it from the columns, so it can never disagree with them, and the covering index
-- holds it, so a year's scan reads one stored value per contract instead of joining fifteen.
-- (A virtual column: SQLite cannot add a stored one to an existing table, and the index
-- stores its value anyway.)
ALTER TABLE contracts ADD COLUMN stats_codes TEXT GENERATED ALWAYS AS (
    COALESCE(registration_number, '') || char(31) ||
    office_code || char(31) ||
    category_code || char(31) ||
    ip_code || char(31) ||
    tech_field_code || char(31) ||
    objective_code || char(31) ||
    plan_code || char(31) ||
    seller_nature_code || char(31) ||
    buyer_nature_code || char(31) ||
    seller_country_code || char(31) ||
    seller_admin_code || char(31) ||
    buyer_country_code || char(31) ||
    buyer_admin_code || char(31) ||
    seller_uscc || char(31) ||
    seller_name
) VIRTUAL;
DROP INDEX contracts_by_registration;
CREATE INDEX contracts_by_registration ON contracts (
    status, registered_on, authority_code, category_code, total_fen, stats_codes
);
