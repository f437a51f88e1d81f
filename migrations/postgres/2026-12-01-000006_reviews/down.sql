DROP TRIGGER reviews_no_update ON reviews;
DROP FUNCTION reviews_append_only();
DROP TABLE reviews;
