//! The national statistics (domain.md §5): pure code, no I/O and no SQL. The data layer reads
//! a year's registered contracts into [`facts::YearFacts`]; one pass makes its
//! [`figures::Figures`]; [`report`] renders every table of [`spec::TABLES`] from the figures of
//! the years a report reads, and checks that they add up.
//!
//! ```text
//! contracts ──▶ YearFacts ──▶ Figures (exact; frozen when a year closes) ──▶ tables ──▶ CSV / JSON / XLSX
//! ```

pub mod facts;
pub mod figures;
pub mod formula;
pub mod render;
pub mod snapshot;
pub mod spec;
pub mod table;

#[cfg(test)]
mod golden_tests;

pub use facts::{Basis, Coded, ContractCodes, YearFacts};
pub use figures::{Agg, Figures};
pub use render::{HistoryYear, Inputs, Institution, Rendered};
pub use table::{Cell, Table};

/// Every table of the annual report for `inputs.year`, with the self-check's findings.
pub fn report(inputs: &Inputs<'_>) -> Rendered {
    render::render_all(spec::TABLES, inputs)
}
