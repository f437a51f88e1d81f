//! One integration-test binary: each test spawns the real application on a random port with a
//! fresh database (SQLite by default; PostgreSQL when TEST_DATABASE_URL names a server).

mod access;
mod admin;
mod amendments;
mod audit;
mod auth;
mod batch;
mod browser;
mod cli;
mod contracts;
mod demo;
mod fixtures;
mod hardening;
mod history;
mod hostile_xlsx;
mod income;
mod institutions;
mod list;
mod migrations;
mod pdf;
mod registration_list;
mod report;
mod review;
mod second_review;
mod support;
mod webdriver;
mod year_close;
