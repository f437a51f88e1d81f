-- The contract list's default order (newest first) within an office or an authority, whatever
-- the status: served from the index instead of sorting the scope's rows.
CREATE INDEX contracts_by_office_newest ON contracts (office_code, id);
CREATE INDEX contracts_by_authority_newest ON contracts (authority_code, id);
