//! Every code list of the registration domain, defined once with its zh labels and the row
//! orders the annual report prints. Pure data and lookups: no I/O.

pub mod authority;
pub mod category;
pub mod country;
pub mod ip;
pub mod list;
pub mod nature;
pub mod objective;
pub mod payment;
pub mod plan;
pub mod refusal;
pub mod region;
pub mod rows;
pub mod tech_field;
mod years;

pub mod checklist;
#[cfg(test)]
pub(crate) mod reference_tests;

pub use years::Years;
