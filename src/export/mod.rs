//! Interchange files: reading the CSV formats of `interchange.md` (and, later, writing tables
//! and contract exports). Format only: the business rules stay in `domain` and the services.

pub mod contracts_csv;
pub mod csv_input;
pub mod tables;
pub mod xlsx;
