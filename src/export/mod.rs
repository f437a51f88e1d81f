//! Writing interchange files: the contracts CSV (`contracts_csv`), the workbooks (`workbook`)
//! the national tables (`tables`) and PDFs (`pdf`, with the certificate's layout in
//! `certificate_pdf`). Format only: the cells come from the services and
//! `stats`; reading files is `crate::input`'s.

pub mod certificate_pdf;
pub mod contracts_csv;
pub mod csv_line;
pub mod pdf;
pub mod registration_list;
pub mod tables;
pub mod workbook;
