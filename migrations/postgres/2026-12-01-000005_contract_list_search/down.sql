-- pg_trgm stays installed: other objects of the database may use it.
DROP INDEX contracts_by_buyer_trgm;
DROP INDEX contracts_by_seller_trgm;
DROP INDEX contracts_by_project_trgm;
DROP INDEX contracts_unregistered_by_authority;
DROP INDEX contracts_unregistered_by_office;
CREATE INDEX contracts_by_office ON contracts (office_code, status, id);
CREATE INDEX contracts_by_authority ON contracts (authority_code, status, id);
DROP INDEX contracts_by_amount;
DROP INDEX contracts_by_authority_amount;
DROP INDEX contracts_by_office_amount;
DROP INDEX contracts_by_signed;
DROP INDEX contracts_by_authority_signed;
DROP INDEX contracts_by_office_signed;
CREATE INDEX contracts_by_signed ON contracts (office_code, signed_on);
