-- Organisation model, accounts, server-side sessions, login throttling and the audit log.

CREATE TABLE authorities (
    code TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('province', 'plan_city', 'corps')),
    stats_province TEXT NOT NULL,
    sort_order INTEGER NOT NULL
);

CREATE TABLE offices (
    code TEXT PRIMARY KEY NOT NULL CHECK (length(code) = 6),
    name TEXT NOT NULL,
    authority_code TEXT NOT NULL REFERENCES authorities (code),
    area_code TEXT NOT NULL CHECK (length(area_code) = 6),
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX offices_by_authority ON offices (authority_code, code);

CREATE TABLE users (
    id INTEGER PRIMARY KEY NOT NULL,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('clerk', 'province_admin', 'ministry', 'sysadmin')),
    office_code TEXT REFERENCES offices (code),
    -- for a clerk, the authority of its office (offices never change authority)
    authority_code TEXT REFERENCES authorities (code),
    password_hash TEXT NOT NULL,
    must_change_password BOOLEAN NOT NULL DEFAULT FALSE,
    disabled BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK ((role = 'clerk') = (office_code IS NOT NULL)),
    CHECK ((role IN ('clerk', 'province_admin')) = (authority_code IS NOT NULL))
);
CREATE INDEX users_by_office ON users (office_code);
CREATE INDEX users_by_authority ON users (authority_code);

-- Only a hash of the cookie token is stored: a copy of the database cannot be replayed as a login.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    ip TEXT,
    user_agent TEXT
);
CREATE INDEX sessions_by_user ON sessions (user_id);

CREATE TABLE login_failures (
    id INTEGER PRIMARY KEY NOT NULL,
    subject TEXT NOT NULL,
    failed_at TIMESTAMP NOT NULL
);
CREATE INDEX login_failures_by_subject ON login_failures (subject, failed_at);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY NOT NULL,
    at TIMESTAMP NOT NULL,
    actor_user_id BIGINT,
    actor TEXT NOT NULL,
    actor_role TEXT,
    ip TEXT,
    action TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id TEXT NOT NULL,
    authority_code TEXT,
    summary TEXT NOT NULL
);
CREATE INDEX audit_log_by_authority ON audit_log (authority_code, id);
CREATE INDEX audit_log_by_actor ON audit_log (actor, id);
CREATE INDEX audit_log_by_object ON audit_log (object_type, object_id, id);

-- The audit trail is append-only: the application never changes or deletes it.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
