//! Domain types that parse (never merely validate) and the rules of the registration domain.
//! Pure code: no I/O.

pub mod admin_code;
pub mod amendment;
pub mod attachment;
pub mod contract;
pub mod contract_file;
pub mod dates;
pub mod field_errors;
pub mod fields;
pub mod id_card;
pub mod income;
pub mod money;
pub mod office_code;
pub mod regnum;
pub mod review_rule;
pub mod role;
pub mod rules;
pub mod status;
pub mod text;
pub mod uscc;
pub mod verification;
