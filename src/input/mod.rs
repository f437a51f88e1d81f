//! Reading interchange files (interchange.md): the CSV reader every format shares (`csv_file`),
//! the streaming XLSX reader (`xlsx`) and the contracts file (`contracts`). Format only:
//! file-level problems come back as `file: 说明` lines, and the checks of what the rows say
//! belong to `domain` and the services.

pub mod contracts;
pub mod csv_file;
pub mod xlsx;
