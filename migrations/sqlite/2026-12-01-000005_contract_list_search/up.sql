-- The contract list's other orders (signing date, amount) per scope: a page is an index walk
-- instead of a sort of every row in the scope. The expressions are exactly the ORDER BY of
-- db::contracts::list (drafts without a date or amount sort lowest). SQLite ends every index
-- entry with the rowid (`id`), which breaks ties in the order; naming `id` again would store it
-- twice, so the newest-first indexes of 2026-11-25-000004 are made again without it.
DROP INDEX contracts_by_office_newest;
DROP INDEX contracts_by_authority_newest;
CREATE INDEX contracts_by_office_newest ON contracts (office_code);
CREATE INDEX contracts_by_authority_newest ON contracts (authority_code);
DROP INDEX contracts_by_signed;
CREATE INDEX contracts_by_office_signed ON contracts (office_code, COALESCE(signed_on, '0001-01-01'));
CREATE INDEX contracts_by_authority_signed ON contracts (authority_code, COALESCE(signed_on, '0001-01-01'));
CREATE INDEX contracts_by_signed ON contracts (COALESCE(signed_on, '0001-01-01'));
CREATE INDEX contracts_by_office_amount ON contracts (office_code, COALESCE(total_fen, 0));
CREATE INDEX contracts_by_authority_amount ON contracts (authority_code, COALESCE(total_fen, 0));
CREATE INDEX contracts_by_amount ON contracts (COALESCE(total_fen, 0));

-- Lists of one status within an office or an authority (the review queue, returned and draft
-- contracts): registered contracts, nearly all rows, are found through the newest-first indexes,
-- so these indexes leave them out and stay small.
DROP INDEX contracts_by_office;
DROP INDEX contracts_by_authority;
CREATE INDEX contracts_unregistered_by_office ON contracts (office_code, status) WHERE status <> 'registered';
CREATE INDEX contracts_unregistered_by_authority ON contracts (authority_code, status) WHERE status <> 'registered';

-- Substring search in project and party names: a trigram full-text index over the normalised
-- names, kept in step with the table by triggers. Case-sensitive because the names and the
-- search text are already normalised (ASCII lower case), exactly as the LIKE it replaces.
CREATE VIRTUAL TABLE contracts_names USING fts5 (
    project_name_norm, seller_name_norm, buyer_name_norm,
    content = 'contracts', content_rowid = 'id',
    tokenize = 'trigram case_sensitive 1', columnsize = 0
);
INSERT INTO contracts_names (contracts_names) VALUES ('rebuild');

CREATE TRIGGER contracts_names_insert AFTER INSERT ON contracts BEGIN
    INSERT INTO contracts_names (rowid, project_name_norm, seller_name_norm, buyer_name_norm)
    VALUES (new.id, new.project_name_norm, new.seller_name_norm, new.buyer_name_norm);
END;
CREATE TRIGGER contracts_names_delete AFTER DELETE ON contracts BEGIN
    INSERT INTO contracts_names (contracts_names, rowid, project_name_norm, seller_name_norm, buyer_name_norm)
    VALUES ('delete', old.id, old.project_name_norm, old.seller_name_norm, old.buyer_name_norm);
END;
CREATE TRIGGER contracts_names_update
AFTER UPDATE OF project_name_norm, seller_name_norm, buyer_name_norm ON contracts BEGIN
    INSERT INTO contracts_names (contracts_names, rowid, project_name_norm, seller_name_norm, buyer_name_norm)
    VALUES ('delete', old.id, old.project_name_norm, old.seller_name_norm, old.buyer_name_norm);
    INSERT INTO contracts_names (rowid, project_name_norm, seller_name_norm, buyer_name_norm)
    VALUES (new.id, new.project_name_norm, new.seller_name_norm, new.buyer_name_norm);
END;
