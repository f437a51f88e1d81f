//! Writing interchange files: the contracts CSV (`contracts_csv`), the workbooks (`workbook`)
//! and the national tables (`tables`). Format only: the cells come from the services and
//! `stats`; reading files is `crate::input`'s.

pub mod contracts_csv;
pub mod csv_line;
pub mod tables;
pub mod workbook;
