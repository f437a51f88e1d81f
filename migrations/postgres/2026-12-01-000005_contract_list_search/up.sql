-- The contract list's other orders (signing date, amount) per scope: a page is an index walk
-- instead of a sort of every row in the scope. The expressions are exactly the ORDER BY of
-- db::contracts::list (drafts without a date or amount sort lowest).
DROP INDEX contracts_by_signed;
CREATE INDEX contracts_by_office_signed ON contracts (office_code, (COALESCE(signed_on, DATE '0001-01-01')), id);
CREATE INDEX contracts_by_authority_signed ON contracts (authority_code, (COALESCE(signed_on, DATE '0001-01-01')), id);
CREATE INDEX contracts_by_signed ON contracts ((COALESCE(signed_on, DATE '0001-01-01')), id);
CREATE INDEX contracts_by_office_amount ON contracts (office_code, (COALESCE(total_fen, 0)), id);
CREATE INDEX contracts_by_authority_amount ON contracts (authority_code, (COALESCE(total_fen, 0)), id);
CREATE INDEX contracts_by_amount ON contracts ((COALESCE(total_fen, 0)), id);

-- Lists of one status within an office or an authority (the review queue, returned and draft
-- contracts): registered contracts, nearly all rows, are found through the newest-first indexes,
-- so these indexes leave them out and stay small.
DROP INDEX contracts_by_office;
DROP INDEX contracts_by_authority;
CREATE INDEX contracts_unregistered_by_office ON contracts (office_code, status, id) WHERE status <> 'registered';
CREATE INDEX contracts_unregistered_by_authority ON contracts (authority_code, status, id) WHERE status <> 'registered';

-- Substring search in project and party names (LIKE '%…%'): trigram indexes. pg_trgm is a
-- trusted extension (PostgreSQL 13+), so the database owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX contracts_by_project_trgm ON contracts USING gin (project_name_norm gin_trgm_ops);
CREATE INDEX contracts_by_seller_trgm ON contracts USING gin (seller_name_norm gin_trgm_ops);
CREATE INDEX contracts_by_buyer_trgm ON contracts USING gin (buyer_name_norm gin_trgm_ops);
