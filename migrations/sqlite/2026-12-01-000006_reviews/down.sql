DROP TRIGGER reviews_no_delete;
DROP TRIGGER reviews_no_update;
DROP TABLE reviews;
