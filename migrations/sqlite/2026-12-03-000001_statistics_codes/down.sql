DROP INDEX contracts_by_registration;
ALTER TABLE contracts DROP COLUMN stats_codes;
CREATE INDEX contracts_by_registration ON contracts (
    status, registered_on, registration_number, office_code, authority_code, total_fen,
    category_code, ip_code, tech_field_code, objective_code, plan_code,
    seller_nature_code, buyer_nature_code, seller_country_code, seller_admin_code,
    buyer_country_code, buyer_admin_code, seller_uscc, seller_name
);
