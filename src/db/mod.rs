//! The data layer: one connection type over SQLite and PostgreSQL, the pool, embedded
//! migrations for both backends, and the queries grouped by table. This is the only module
//! that knows which backend it talks to.

pub mod amendments;
pub mod attachments;
pub mod audit;
pub mod certificates;
pub mod contracts;
pub mod history;
pub mod import_reports;
pub mod income;
pub mod institutions;
pub mod offices;
pub mod parties;
pub mod registration_counters;
pub mod review_rules;
pub mod reviews;
pub mod schema;
pub mod sessions;
pub mod snapshots;
pub mod stats;
pub mod status;
pub mod throttle;
pub mod users;

use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::{self, Pool, PooledConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

/// A connection to either backend. Queries are written once against this type.
#[derive(diesel::MultiConnection)]
pub enum DbConn {
    Postgresql(diesel::PgConnection),
    Sqlite(diesel::SqliteConnection),
}

pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
pub const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Which backend a database URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A parsed database address. The backend is chosen by scheme, never by trial: the derived
/// `establish` would happily turn a mistyped PostgreSQL URL into a new SQLite file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatabaseUrl {
    pub backend: Backend,
    /// What the driver receives: the PostgreSQL URL, or the SQLite file path.
    pub target: String,
}

impl DatabaseUrl {
    pub fn parse(url: &str) -> Result<Self, DbError> {
        let url = url.trim();
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Self {
                backend: Backend::Postgres,
                target: url.to_owned(),
            });
        }
        let path = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .unwrap_or(url);
        if path.is_empty() {
            return Err(DbError::BadUrl("数据库地址为空".into()));
        }
        if let Some((scheme, _)) = path.split_once("://") {
            return Err(DbError::BadUrl(format!(
                "不支持的数据库类型“{scheme}”，请使用 sqlite:// 或 postgres://"
            )));
        }
        Ok(Self {
            backend: Backend::Sqlite,
            target: path.to_owned(),
        })
    }
}

/// Errors of the data layer's set-up (queries return `diesel::QueryResult`).
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("数据库地址无效：{0}")]
    BadUrl(String),
    #[error("无法连接数据库：{0}")]
    Connect(#[from] diesel::ConnectionError),
    #[error("数据库迁移失败：{0}")]
    Migration(String),
    #[error("数据库错误：{0}")]
    Query(#[from] diesel::result::Error),
    #[error("数据库连接池错误：{0}")]
    Pool(#[from] r2d2::PoolError),
}

impl DbConn {
    /// Opens one connection; SQLite connections get their per-connection pragmas.
    pub fn connect(url: &DatabaseUrl) -> Result<Self, DbError> {
        match url.backend {
            Backend::Postgres => Ok(DbConn::Postgresql(diesel::PgConnection::establish(
                &url.target,
            )?)),
            Backend::Sqlite => {
                let mut c = diesel::SqliteConnection::establish(&url.target)?;
                // busy_timeout must come first: the other pragmas may already wait on a lock.
                c.batch_execute("PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;")
                    .map_err(diesel::ConnectionError::CouldntSetupConfiguration)?;
                Ok(DbConn::Sqlite(c))
            }
        }
    }

    pub fn backend(&self) -> Backend {
        match self {
            DbConn::Postgresql(_) => Backend::Postgres,
            DbConn::Sqlite(_) => Backend::Sqlite,
        }
    }

    /// Applies pending migrations, then brings the reference data up to date.
    pub fn migrate(&mut self) -> Result<(), DbError> {
        let result = match self {
            DbConn::Postgresql(c) => c.run_pending_migrations(POSTGRES_MIGRATIONS).map(|_| ()),
            DbConn::Sqlite(c) => {
                // WAL persists in the file, so it is set once here rather than per connection.
                c.batch_execute("PRAGMA journal_mode = WAL;")?;
                c.run_pending_migrations(SQLITE_MIGRATIONS).map(|_| ())
            }
        };
        result.map_err(|e| DbError::Migration(e.to_string()))?;
        offices::sync_authorities(self)?;
        Ok(())
    }

    /// Reverts every applied migration (used by the migration round-trip test and `migrate --reset`).
    pub fn revert_all(&mut self) -> Result<(), DbError> {
        let result = match self {
            DbConn::Postgresql(c) => c.revert_all_migrations(POSTGRES_MIGRATIONS).map(|_| ()),
            DbConn::Sqlite(c) => c.revert_all_migrations(SQLITE_MIGRATIONS).map(|_| ()),
        };
        result.map_err(|e| DbError::Migration(e.to_string()))
    }

    /// Whether every embedded migration has been applied (readiness probe).
    pub fn migrations_pending(&mut self) -> Result<bool, DbError> {
        let result = match self {
            DbConn::Postgresql(c) => c.has_pending_migration(POSTGRES_MIGRATIONS),
            DbConn::Sqlite(c) => c.has_pending_migration(SQLITE_MIGRATIONS),
        };
        result.map_err(|e| DbError::Migration(e.to_string()))
    }
}

/// The names of the embedded migrations of one backend, in order.
pub fn migration_names(backend: Backend) -> Vec<String> {
    use diesel::migration::MigrationSource;
    let source = match backend {
        Backend::Sqlite => SQLITE_MIGRATIONS,
        Backend::Postgres => POSTGRES_MIGRATIONS,
    };
    MigrationSource::<diesel::sqlite::Sqlite>::migrations(&source)
        .map(|ms| ms.iter().map(|m| m.name().to_string()).collect())
        .unwrap_or_default()
}

/// Picks the backend from the URL (see [`DatabaseUrl`]) for every pooled connection.
pub struct Manager {
    url: DatabaseUrl,
}

impl r2d2::ManageConnection for Manager {
    type Connection = DbConn;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConn, r2d2::Error> {
        DbConn::connect(&self.url).map_err(|e| match e {
            DbError::Connect(c) => r2d2::Error::ConnectionError(c),
            other => r2d2::Error::ConnectionError(diesel::ConnectionError::BadConnection(
                other.to_string(),
            )),
        })
    }

    fn is_valid(&self, c: &mut DbConn) -> Result<(), r2d2::Error> {
        c.batch_execute("SELECT 1").map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, c: &mut DbConn) -> bool {
        use diesel::r2d2::R2D2Connection;
        c.is_broken()
    }
}

pub type DbPool = Pool<Manager>;
pub type PooledConn = PooledConnection<Manager>;

/// Migrates on a single connection, then opens the pool (opening it first would race the
/// pool's eager connections against the migration on a fresh SQLite file).
pub fn open(url: &str, max_size: u32) -> Result<DbPool, DbError> {
    let url = DatabaseUrl::parse(url)?;
    DbConn::connect(&url)?.migrate()?;
    let pool = Pool::builder()
        .max_size(max_size)
        .min_idle(Some(1))
        .connection_timeout(Duration::from_secs(10))
        .build(Manager { url })?;
    Ok(pool)
}

/// A read-then-write transaction. SQLite's deferred transactions fail with "database is locked"
/// when two writers upgrade at once, so SQLite takes the write lock up front (`BEGIN IMMEDIATE`).
/// On PostgreSQL it is a plain transaction: use row locks or counter rows for read-then-write.
pub fn write_transaction<T, E, F>(conn: &mut DbConn, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConn) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    use diesel::connection::{AnsiTransactionManager, TransactionManager};
    if let DbConn::Sqlite(c) = conn {
        AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?;
        let result = f(conn);
        let DbConn::Sqlite(c) = conn else {
            unreachable!("the backend of a connection never changes")
        };
        return match result {
            Ok(v) => {
                AnsiTransactionManager::commit_transaction(c)?;
                Ok(v)
            }
            Err(e) => {
                // The error that caused the rollback is the one worth reporting.
                let _ = AnsiTransactionManager::rollback_transaction(c);
                Err(e)
            }
        };
    }
    conn.transaction(f)
}

/// Brings the query planner's statistics up to date after a bulk write (the tables that imports
/// fill). On PostgreSQL, `ANALYZE` also invalidates every session's cached plans of those
/// tables, and `VACUUM` marks the new pages all-visible (it skips pages already marked, so
/// its work is the import's), which lets the statistics scan read `contracts_by_registration`
/// alone instead of every contract row; on SQLite, `PRAGMA optimize` (checking every table,
/// with its own time limit) analyses what changed enough to matter. Outside a transaction.
pub fn refresh_statistics(conn: &mut DbConn) -> QueryResult<()> {
    match conn {
        DbConn::Postgresql(c) => c.batch_execute("VACUUM (ANALYZE) contracts, parties"),
        DbConn::Sqlite(c) => c.batch_execute("PRAGMA optimize = 0x10012"),
    }
}

/// Writes a consistent copy of a SQLite database to `out` (`VACUUM INTO`, safe while the
/// server runs). PostgreSQL databases are backed up with `pg_dump`.
pub fn backup_sqlite(conn: &mut DbConn, out: &std::path::Path) -> Result<(), DbError> {
    let DbConn::Sqlite(c) = conn else {
        return Err(DbError::BadUrl(
            "PostgreSQL 数据库请使用 pg_dump 备份".into(),
        ));
    };
    if out.exists() {
        return Err(DbError::BadUrl(format!(
            "{} 已存在，不会覆盖",
            out.display()
        )));
    }
    let path = out
        .to_str()
        .ok_or_else(|| DbError::BadUrl("备份文件路径须为 UTF-8".into()))?;
    diesel::sql_query("VACUUM INTO ?")
        .bind::<diesel::sql_types::Text, _>(path)
        .execute(c)?;
    Ok(())
}

/// Whether a statement failed because another connection held SQLite's write lock for longer
/// than the busy timeout (a long import, say): the request may simply be tried again.
pub fn is_busy(e: &diesel::result::Error) -> bool {
    match e {
        diesel::result::Error::DatabaseError(_, info) => {
            let m = info.message();
            m.contains("database is locked") || m.contains("database is busy")
        }
        _ => false,
    }
}

/// The current instant as stored in the database: UTC, without offset.
pub fn now() -> chrono::NaiveDateTime {
    chrono::Utc::now().naive_utc()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_pick_the_backend_by_scheme() {
        assert_eq!(
            DatabaseUrl::parse("sqlite://techreg.db").unwrap().target,
            "techreg.db"
        );
        assert_eq!(
            DatabaseUrl::parse("data/x.db").unwrap().backend,
            Backend::Sqlite
        );
        let pg = DatabaseUrl::parse("postgres:///techreg?host=/var/run/postgresql").unwrap();
        assert_eq!(pg.backend, Backend::Postgres);
        assert!(DatabaseUrl::parse("mysql://localhost/x").is_err());
        assert!(DatabaseUrl::parse("postgress://typo/x").is_err());
        assert!(DatabaseUrl::parse("  ").is_err());
    }
}
