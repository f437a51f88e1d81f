//! techreg: technology contract registration (技术合同认定登记) and the national technology
//! market statistics built from it.
//!
//! Data flows input → `domain` → `db` → review → statistics → rendering; each stage is a module.

pub mod accounts;
pub mod amendment;
pub mod audit;
pub mod auth;
pub mod batch;
pub mod catalog;
pub mod certificate;
pub mod cli;
pub mod config;
pub mod db;
pub mod demo;
pub mod domain;
pub mod export;
pub mod filing;
pub mod history;
pub mod income;
pub mod input;
pub mod institutions;
pub mod review;
pub mod statistics;
pub mod stats;
pub mod web;

#[cfg(test)]
mod field_spec_tests;
