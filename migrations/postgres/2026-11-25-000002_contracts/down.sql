DROP TABLE attachments;
DROP TABLE contracts;
DROP TABLE parties;
