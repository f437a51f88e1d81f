-- The serial counter of each registering office and year, and the last import report of each
-- account (the problem list the upload page offers as a download).

CREATE TABLE registration_counters (
    office_code TEXT NOT NULL REFERENCES offices (code),
    year INTEGER NOT NULL,
    -- the serial (SSSSSS of the registration number) the next registration of this office and
    -- year receives; an import of registered contracts moves it past the highest imported one
    next_serial INTEGER NOT NULL CHECK (next_serial >= 1),
    PRIMARY KEY (office_code, year)
);

CREATE TABLE import_reports (
    id INTEGER PRIMARY KEY NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    file_name TEXT NOT NULL,
    succeeded BOOLEAN NOT NULL,
    -- one line: what was imported, or how many errors stopped it
    summary TEXT NOT NULL,
    -- every problem line (`row N, column: 说明`), LF-separated; empty when there was none
    body TEXT NOT NULL
);
CREATE INDEX import_reports_by_user ON import_reports (user_id, id);
