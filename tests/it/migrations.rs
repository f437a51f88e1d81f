//! Migrations: the same list for both backends, and up → down → up works.

use std::collections::BTreeSet;

use crate::support::TestDb;
use techreg::db::{self, Backend, DatabaseUrl, DbConn};

fn folder(backend: &str) -> BTreeSet<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(backend);
    std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect()
}

#[::core::prelude::v1::test]
fn both_backends_have_the_same_migrations() {
    let sqlite = folder("sqlite");
    assert!(!sqlite.is_empty());
    assert_eq!(sqlite, folder("postgres"));
    assert_eq!(
        db::migration_names(Backend::Sqlite),
        db::migration_names(Backend::Postgres)
    );
    assert_eq!(db::migration_names(Backend::Sqlite).len(), sqlite.len());
}

#[::core::prelude::v1::test]
fn migrations_go_up_down_and_up_again() {
    let test_db = TestDb::new();
    let url = DatabaseUrl::parse(&test_db.url).unwrap();
    let mut conn = DbConn::connect(&url).unwrap();
    assert_eq!(conn.backend() == Backend::Postgres, test_db.is_postgres());
    conn.migrate().unwrap();
    assert!(!conn.migrations_pending().unwrap());
    conn.revert_all().unwrap();
    assert!(conn.migrations_pending().unwrap());
    conn.migrate().unwrap();
    assert!(!conn.migrations_pending().unwrap());
    assert_eq!(db::offices::count(&mut conn).unwrap(), 0);
}
