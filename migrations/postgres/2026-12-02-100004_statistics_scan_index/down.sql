DROP INDEX contracts_by_registration;
CREATE INDEX contracts_by_registration ON contracts (status, registered_on);
