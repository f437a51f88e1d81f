//! The contract list's queries against a straightforward reference: for every scope, order and
//! kind of name search (one or two characters, a common word, a rare name, LIKE wildcards and
//! quotes), the keyset pages hold exactly the rows that filtering and sorting every row gives.

use diesel::prelude::*;
use techreg::db::contracts::{self, ContractFilter, ContractRow, Cursor, Sort};
use techreg::db::schema::contracts as c;
use techreg::domain::role::Scope;
use techreg::domain::text::normalise_name;

use crate::support::{TestApp, exec};

const PAGE: i64 = 50;
/// Pages compared per case: enough to cross from the probe to the name index and back.
const PAGES: usize = 4;

fn in_scope(row: &ContractRow, scope: &Scope) -> bool {
    match scope {
        Scope::Office(o) => &row.office_code == o,
        Scope::Authority(a) => &row.authority_code == a,
        Scope::Nation => true,
        Scope::Accounts => false,
    }
}

/// Every row of the scope whose names contain `text`, in the order `sort` promises.
fn reference(all: &[ContractRow], scope: &Scope, text: &str, sort: Sort) -> Vec<i64> {
    let mut rows: Vec<&ContractRow> = all
        .iter()
        .filter(|r| in_scope(r, scope))
        .filter(|r| {
            r.project_name_norm.contains(text)
                || r.seller_name_norm.contains(text)
                || r.buyer_name_norm.contains(text)
        })
        .collect();
    let no_date = chrono::NaiveDate::from_ymd_opt(1, 1, 1).unwrap();
    match sort {
        Sort::Newest => rows.sort_by_key(|r| std::cmp::Reverse(r.id)),
        Sort::Oldest => rows.sort_by_key(|r| r.id),
        Sort::SignedDesc => {
            rows.sort_by_key(|r| std::cmp::Reverse((r.signed_on.unwrap_or(no_date), r.id)))
        }
        Sort::AmountDesc => {
            rows.sort_by_key(|r| std::cmp::Reverse((r.total_fen.unwrap_or(0), r.id)))
        }
    }
    rows.into_iter().map(|r| r.id).collect()
}

/// The first `PAGES` pages of the list, followed by keyset.
fn paged(app: &TestApp, scope: &Scope, text: &str, sort: Sort) -> Vec<i64> {
    let mut conn = app.conn();
    let filter = ContractFilter {
        text: Some(normalise_name(text)),
        ..Default::default()
    };
    let mut cursor: Option<Cursor> = None;
    let mut ids = Vec::new();
    for _ in 0..PAGES {
        let (rows, next) =
            contracts::list(&mut conn, scope, &filter, sort, cursor.as_ref(), PAGE).unwrap();
        assert!(rows.len() as i64 <= PAGE);
        ids.extend(rows.iter().map(|r| r.id));
        match next {
            Some(n) => cursor = Some(n),
            None => break,
        }
    }
    ids
}

#[actix_web::test]
async fn name_searches_page_exactly_like_the_reference_in_every_scope_and_order() {
    let app = TestApp::spawn().await;
    techreg::demo::seed_if_empty(&mut app.conn()).expect("demo contracts");
    // Names that only a careful search gets right: LIKE's wildcards and FTS5's quote taken
    // literally, and a draft without date or amount.
    for (i, name) in ["折扣100%_方案", "“引号”与\"英文引号\"项目", "百分号%项目"]
        .iter()
        .enumerate()
    {
        let norm = normalise_name(name).replace('\'', "''");
        exec(
            &app,
            &format!(
                "INSERT INTO contracts (office_code, authority_code, status, version, project_name, project_name_norm, category_code, created_at, updated_at) \
                 VALUES ('440101', '440000', 'draft', 1, '{norm}', '{norm}', '11', '2026-01-0{} 00:00:00', '2026-01-01 00:00:00')",
                i + 1
            ),
        );
    }
    let all: Vec<ContractRow> = c::table
        .select(ContractRow::as_select())
        .load(&mut *app.conn())
        .unwrap();
    // More rows than a search probes first, so both ways of answering are exercised.
    assert!(all.len() as i64 > 2 * contracts::SEARCH_PROBE_ROWS);

    let scopes = [
        Scope::Office("440101".into()),
        Scope::Authority("440000".into()),
        Scope::Nation,
    ];
    // One character, two (below what a trigram index can look up), a word in most names,
    // names of a few parties, nothing at all, and the special characters.
    let texts = [
        "公",
        "储能",
        "有限公司",
        "研究院",
        "大学",
        "%",
        "_",
        "100%_",
        "\"英文引号\"",
        "英文引号\"项",
        "“引号”",
        "没有这个名称的合同",
    ];
    let mut nonempty = 0;
    for scope in &scopes {
        for text in texts {
            for sort in [
                Sort::Newest,
                Sort::Oldest,
                Sort::SignedDesc,
                Sort::AmountDesc,
            ] {
                let mut expected = reference(&all, scope, &normalise_name(text), sort);
                expected.truncate(PAGES * PAGE as usize);
                let got = paged(&app, scope, text, sort);
                assert_eq!(got, expected, "{scope:?}, “{text}”, {sort:?}");
                if !expected.is_empty() {
                    nonempty += 1;
                }
            }
        }
    }
    assert!(nonempty > 60, "the cases must find something: {nonempty}");
}

#[actix_web::test]
async fn the_summary_counts_and_sums_every_row_the_filters_let_through() {
    use techreg::domain::status::Status;
    let app = TestApp::spawn().await;
    techreg::demo::seed_if_empty(&mut app.conn()).expect("demo contracts");
    // A draft without an amount counts as a contract and adds nothing.
    exec(
        &app,
        "INSERT INTO contracts (office_code, authority_code, status, version, project_name, project_name_norm, category_code, created_at, updated_at) \
         VALUES ('440101', '440000', 'draft', 1, '无金额草稿', '无金额草稿', '11', '2026-01-01 00:00:00', '2026-01-01 00:00:00')",
    );
    let all: Vec<ContractRow> = c::table
        .select(ContractRow::as_select())
        .load(&mut *app.conn())
        .unwrap();
    let day = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
    let median_fen = {
        let mut amounts: Vec<i64> = all.iter().filter_map(|r| r.total_fen).collect();
        amounts.sort();
        amounts[amounts.len() / 2]
    };
    let filters = [
        ContractFilter::default(),
        ContractFilter {
            status: Some(Status::Registered),
            ..Default::default()
        },
        ContractFilter {
            status: Some(Status::Draft),
            ..Default::default()
        },
        ContractFilter {
            category: Some("1".into()),
            min_total_fen: Some(median_fen),
            ..Default::default()
        },
        ContractFilter {
            category: Some("31".into()),
            max_total_fen: Some(median_fen),
            ..Default::default()
        },
        ContractFilter {
            signed_from: day("2025-03-01"),
            signed_to: day("2026-06-30"),
            ..Default::default()
        },
        ContractFilter {
            office: Some("440101".into()),
            text: Some(normalise_name("有限公司")),
            ..Default::default()
        },
        ContractFilter {
            text: Some(normalise_name("储能")),
            ..Default::default()
        },
        ContractFilter {
            text: Some(normalise_name("没有这个名称的合同")),
            ..Default::default()
        },
    ];
    let scopes = [
        Scope::Office("440101".into()),
        Scope::Authority("440000".into()),
        Scope::Nation,
    ];
    let passes = |r: &ContractRow, f: &ContractFilter| {
        let status_ok = match f.status {
            None => true,
            Some(s) => r.status == s,
        };
        let category_ok = match f.category.as_deref() {
            None => true,
            Some(c) if c.len() == 1 => r.category_code.starts_with(c),
            Some(c) => r.category_code == c,
        };
        let text_ok = f.text.as_deref().is_none_or(|t| {
            r.project_name_norm.contains(t)
                || r.seller_name_norm.contains(t)
                || r.buyer_name_norm.contains(t)
        });
        status_ok
            && category_ok
            && text_ok
            && f.office.as_ref().is_none_or(|o| &r.office_code == o)
            && f.signed_from
                .is_none_or(|d| r.signed_on.is_some_and(|s| s >= d))
            && f.signed_to
                .is_none_or(|d| r.signed_on.is_some_and(|s| s <= d))
            && f.min_total_fen
                .is_none_or(|m| r.total_fen.is_some_and(|t| t >= m))
            && f.max_total_fen
                .is_none_or(|m| r.total_fen.is_some_and(|t| t <= m))
    };
    let mut nonempty = 0;
    for scope in &scopes {
        for filter in &filters {
            let matching: Vec<&ContractRow> = all
                .iter()
                .filter(|r| in_scope(r, scope) && passes(r, filter))
                .collect();
            let expected = contracts::ListSummary {
                count: matching.len() as i64,
                total_fen: matching.iter().filter_map(|r| r.total_fen).sum(),
                technical_fen: matching.iter().filter_map(|r| r.technical_fen).sum(),
                complete: true,
            };
            let got = contracts::summary(&mut app.conn(), scope, filter, None).unwrap();
            assert_eq!(got, expected, "{scope:?} {filter:?}");
            // Bounded: exact up to the bound, past it the bound and `complete: false`; the
            // name index and the row-by-row LIKE agree whichever is asked.
            for bound in [1_000, 100_000] {
                let got = contracts::summary(&mut app.conn(), scope, filter, Some(bound)).unwrap();
                if expected.count <= bound {
                    assert_eq!(got, expected, "{scope:?} {filter:?} bound {bound}");
                } else {
                    assert_eq!(
                        (got.count, got.complete),
                        (bound, false),
                        "{scope:?} {filter:?}"
                    );
                }
            }
            if expected.count > 0 {
                nonempty += 1;
            }
        }
    }
    assert!(nonempty >= 20, "the cases must find something: {nonempty}");
}

#[actix_web::test]
async fn the_name_index_follows_every_change_of_a_contract() {
    let app = TestApp::spawn().await;
    techreg::demo::seed_accounts_if_empty(&mut app.conn()).unwrap();
    let nation = Scope::Nation;
    let found = |text: &str| paged(&app, &nation, text, Sort::Newest);
    exec(
        &app,
        "INSERT INTO contracts (office_code, authority_code, status, version, project_name, project_name_norm, seller_name, seller_name_norm, category_code, created_at, updated_at) \
         VALUES ('440101', '440000', 'draft', 1, '旧的项目名称', '旧的项目名称', '甲方科技', '甲方科技', '11', '2026-01-01 00:00:00', '2026-01-01 00:00:00')",
    );
    assert_eq!(found("旧的项目").len(), 1);
    assert_eq!(found("甲方科技").len(), 1);
    exec(
        &app,
        "UPDATE contracts SET project_name = '新的项目名称', project_name_norm = '新的项目名称'",
    );
    assert!(found("旧的项目").is_empty());
    assert_eq!(found("新的项目").len(), 1);
    assert_eq!(
        found("甲方科技").len(),
        1,
        "an unchanged column stays found"
    );
    exec(&app, "DELETE FROM contracts");
    assert!(found("新的项目").is_empty());
    assert!(found("甲方科技").is_empty());
}

/// The schema objects of `contracts` (indexes and triggers with their definitions).
fn contract_schema(app: &TestApp) -> Vec<(String, String)> {
    use diesel::sql_types::Text;
    #[derive(QueryableByName)]
    struct Object {
        #[diesel(sql_type = Text)]
        name: String,
        #[diesel(sql_type = Text)]
        definition: String,
    }
    let sql = if app.is_postgres() {
        "SELECT indexname AS name, indexdef AS definition FROM pg_indexes WHERE tablename = 'contracts' \
         UNION ALL SELECT tgname AS name, pg_get_triggerdef(t.oid) AS definition FROM pg_trigger t \
         JOIN pg_class c ON c.oid = t.tgrelid WHERE c.relname = 'contracts' AND NOT t.tgisinternal \
         ORDER BY name"
    } else {
        "SELECT name, sql AS definition FROM sqlite_master \
         WHERE tbl_name = 'contracts' AND sql IS NOT NULL AND type IN ('index', 'trigger') ORDER BY name"
    };
    diesel::sql_query(sql)
        .load::<Object>(&mut *app.conn())
        .unwrap()
        .into_iter()
        .map(|o| (o.name, o.definition))
        .collect()
}

fn import(app: &TestApp, text: &str) -> Result<usize, String> {
    techreg::batch::import_file(
        &mut app.conn(),
        &techreg::audit::Actor::cli(),
        &techreg::batch::Importer::Operator,
        "large.csv",
        text.as_bytes(),
        techreg::db::now(),
    )
    .map(|s| s.rows)
    .map_err(|p| p.lines.join("\n"))
}

#[actix_web::test]
async fn a_large_import_builds_the_list_indexes_afresh_and_finds_everything() {
    let app = TestApp::spawn().await;
    techreg::demo::seed_accounts_if_empty(&mut app.conn()).unwrap();
    let schema = contract_schema(&app);
    assert!(schema.len() >= 12, "{schema:?}");
    let today = techreg::domain::dates::today_cst(chrono::Utc::now());
    let rows = 6_000;
    assert!(contracts::worth_building_afresh(0, rows));
    let text = techreg::demo::contracts::csv(rows, chrono::Datelike::year(&today) - 1, today, 11);

    // A database failure halfway leaves the schema and the table as they were.
    let project_of = |line: &str| line.split(',').nth(4).unwrap().to_owned();
    let last_project = project_of(text.lines().last().unwrap());
    // The oldest row lies beyond a search's first probe: only the name index finds it.
    let first_project = project_of(text.lines().nth(1).unwrap());
    if !app.is_postgres() {
        exec(
            &app,
            &format!(
                "CREATE TRIGGER test_fail_late BEFORE INSERT ON contracts \
                 WHEN new.project_name = '{last_project}' BEGIN SELECT RAISE(ABORT, 'late failure'); END"
            ),
        );
        let e = import(&app, &text).unwrap_err();
        assert!(e.contains("late failure"), "{e}");
        exec(&app, "DROP TRIGGER test_fail_late");
        assert_eq!(contract_schema(&app), schema);
        let count: i64 = c::table.count().get_result(&mut *app.conn()).unwrap();
        assert_eq!(count, 0);
    }

    assert_eq!(import(&app, &text), Ok(rows));
    assert_eq!(
        contract_schema(&app),
        schema,
        "every index and trigger is back"
    );
    let all: Vec<ContractRow> = c::table
        .select(ContractRow::as_select())
        .load(&mut *app.conn())
        .unwrap();
    for text in ["储能", "有限公司", "新材料", &last_project, &first_project] {
        for sort in [Sort::Newest, Sort::AmountDesc] {
            let mut expected = reference(&all, &Scope::Nation, &normalise_name(text), sort);
            expected.truncate(PAGES * PAGE as usize);
            assert!(!expected.is_empty(), "{text}");
            assert_eq!(
                paged(&app, &Scope::Nation, text, sort),
                expected,
                "{text} {sort:?}"
            );
        }
    }
    // The name index follows rows added later in the ordinary way.
    exec(
        &app,
        "INSERT INTO contracts (office_code, authority_code, status, version, project_name, project_name_norm, category_code, created_at, updated_at) \
         VALUES ('440101', '440000', 'draft', 1, '导入之后的草稿', '导入之后的草稿', '11', '2026-01-01 00:00:00', '2026-01-01 00:00:00')",
    );
    assert_eq!(
        paged(&app, &Scope::Nation, "导入之后", Sort::Newest).len(),
        1
    );
}
