//! Writing the contracts CSV of interchange.md §1: the header and one line per contract, with
//! the party details recorded on it.

use super::csv_line::push_record;
use crate::db::contracts::ContractRow;
use crate::domain::contract_file::columns;

/// The header line of the export, with its LF.
pub fn header_line() -> String {
    let mut out = String::new();
    push_record(&mut out, columns());
    out
}

/// Appends the export line of a contract (see [`with_values`]).
pub fn push_contract(out: &mut String, row: &ContractRow) {
    with_values(row, |values| push_record(out, values));
}

/// Hands `f` the export values of a contract in column order: its system columns, then its
/// fields in canonical form (amounts with 2 decimals, dates `YYYY-MM-DD`) with the party
/// details recorded on the contract.
pub fn with_values<R>(row: &ContractRow, f: impl FnOnce(&mut dyn Iterator<Item = &str>) -> R) -> R {
    let input = row.input();
    let registered_on = row
        .registered_on
        .map(crate::domain::dates::format_date)
        .unwrap_or_default();
    let system = [
        row.registration_number.as_deref().unwrap_or_default(),
        row.status.as_str(),
        row.office_code.as_str(),
        registered_on.as_str(),
    ];
    f(&mut system.into_iter().chain(input.iter().map(|(_, v)| v)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_contract_line_has_every_column() {
        let line = header_line();
        assert_eq!(line.matches(',').count() + 1, columns().count());
    }
}
