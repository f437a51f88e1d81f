//! Reading interchange files (interchange.md): the CSV reader every format shares (`csv_file`),
//! the streaming XLSX reader (`xlsx`) and the contracts file (`contracts`). Format only:
//! what a reader cannot take comes back as a [`Problem`] (printed `file: 说明` or
//! `row N, column: 说明`), and the checks of what the rows say belong to `domain` and the
//! services.

pub mod contracts;
pub mod csv_file;
mod problem;
pub mod xlsx;

pub use problem::Problem;
