-- The certificate issued for a registered contract: its verification code, which the public
-- page /verify/{code} answers with the number, the status and the date. A code is given when
-- the certificate is first printed and never changes, so a printed certificate stays checkable
-- after an amendment or a cancellation (the status then says so).
CREATE TABLE certificates (
    contract_id BIGINT PRIMARY KEY NOT NULL REFERENCES contracts (id),
    verification_code TEXT NOT NULL UNIQUE,
    issued_at TIMESTAMP NOT NULL
);
