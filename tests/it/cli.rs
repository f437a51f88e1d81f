//! The command line: accounts for the first administrator, office import, backup.

use std::process::Command;

use crate::support::{TestDb, techreg, techreg_with_input, text};
use techreg::db;

#[::core::prelude::v1::test]
fn the_first_administrator_is_made_on_the_command_line() {
    let test_db = TestDb::new();
    let out = techreg_with_input(
        &test_db,
        &[
            "user",
            "add",
            "--username",
            "root_admin",
            "--role",
            "sysadmin",
            "--password-stdin",
        ],
        Some("Very#Secret-2026\n"),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let pool = db::open(&test_db.url, 1).unwrap();
    let account = db::users::find_by_username(&mut pool.get().unwrap(), "root_admin")
        .unwrap()
        .unwrap();
    assert!(
        !account.must_change_password,
        "command-line accounts are not forced to change it"
    );

    let weak = techreg_with_input(
        &test_db,
        &[
            "user",
            "add",
            "--username",
            "weak",
            "--role",
            "ministry",
            "--password-stdin",
        ],
        Some("password\n"),
    );
    assert!(!weak.status.success());
    assert!(
        text(&weak.stderr).contains("密码"),
        "{}",
        text(&weak.stderr)
    );

    let clerk_without_office = techreg_with_input(
        &test_db,
        &[
            "user",
            "add",
            "--username",
            "c1",
            "--role",
            "clerk",
            "--password-stdin",
        ],
        Some("Very#Secret-2026\n"),
    );
    assert!(!clerk_without_office.status.success());
    assert!(text(&clerk_without_office.stderr).contains("office_code"));

    assert!(
        techreg(&test_db, &["user", "disable", "root_admin"])
            .status
            .success()
    );
    assert!(
        db::users::find_by_username(&mut pool.get().unwrap(), "root_admin")
            .unwrap()
            .unwrap()
            .disabled
    );
    assert!(
        techreg(&test_db, &["user", "enable", "root_admin"])
            .status
            .success()
    );
    assert!(
        techreg_with_input(
            &test_db,
            &["user", "passwd", "root_admin", "--password-stdin"],
            Some("Other#Secret-2027\n")
        )
        .status
        .success()
    );
    let missing = techreg(&test_db, &["user", "disable", "ghost"]);
    assert!(!missing.status.success());
    assert!(text(&missing.stderr).contains("账号 ghost 不存在"));

    // The command line is audited as the operating-system user.
    let rows = db::audit::list(
        &mut pool.get().unwrap(),
        &techreg::domain::role::Scope::Nation,
        &Default::default(),
        50,
    )
    .unwrap();
    assert!(
        rows.iter()
            .any(|r| r.action == "user.create" && r.actor.starts_with("cli:"))
    );
}

#[::core::prelude::v1::test]
fn offices_import_all_or_nothing_with_row_numbers() {
    let test_db = TestDb::new();
    let dir = std::env::temp_dir();
    let bad = dir.join(format!("offices_bad_{}.csv", std::process::id()));
    std::fs::write(&bad, "office_code,name,authority_code\n110101,北京登记处,110000\n\n44010x,坏代码,440000\n440301,深圳,440000\n").unwrap();
    let out = techreg(&test_db, &["import", "offices", bad.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains("row 4, office_code: 登记机构代码应为 6 位数字"),
        "{err}"
    );
    assert!(
        err.contains("row 5, office_code: 机构代码 440301 所在地区由深圳市管理，不能隶属广东省"),
        "{err}"
    );
    let pool = db::open(&test_db.url, 1).unwrap();
    assert_eq!(
        db::offices::count(&mut pool.get().unwrap()).unwrap(),
        0,
        "nothing is written on any error"
    );

    let good = dir.join(format!("offices_good_{}.csv", std::process::id()));
    let (gbk, _, _) = encoding_rs::GB18030.encode("office_code,name,authority_code\n110101,北京登记处,110000\n440301,深圳登记处,440300\n660101,兵团登记处,660000\n");
    std::fs::write(&good, &gbk).unwrap();
    let out = techreg(&test_db, &["import", "offices", good.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(db::offices::count(&mut pool.get().unwrap()).unwrap(), 3);
    assert_eq!(
        db::offices::find(&mut pool.get().unwrap(), "440301")
            .unwrap()
            .unwrap()
            .name,
        "深圳登记处"
    );

    std::fs::write(
        &good,
        "office_code,name,authority_code\n440301,深圳市技术合同登记处,440300\n",
    )
    .unwrap();
    assert!(
        techreg(&test_db, &["import", "offices", good.to_str().unwrap()])
            .status
            .success()
    );
    assert_eq!(
        db::offices::find(&mut pool.get().unwrap(), "440301")
            .unwrap()
            .unwrap()
            .name,
        "深圳市技术合同登记处"
    );
    let _ = std::fs::remove_file(bad);
    let _ = std::fs::remove_file(good);
}

#[::core::prelude::v1::test]
fn migrate_and_backup() {
    let test_db = TestDb::new();
    let out = techreg(&test_db, &["migrate"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let backup = std::env::temp_dir().join(format!("techreg_backup_{}.db", std::process::id()));
    let _ = std::fs::remove_file(&backup);
    let out = techreg(&test_db, &["backup", "--out", backup.to_str().unwrap()]);
    if test_db.is_postgres() {
        assert!(!out.status.success());
        assert!(text(&out.stderr).contains("pg_dump"));
    } else {
        assert!(out.status.success(), "{}", text(&out.stderr));
        let copy = db::open(&format!("sqlite://{}", backup.display()), 1).unwrap();
        assert_eq!(db::offices::count(&mut copy.get().unwrap()).unwrap(), 0);
        let again = techreg(&test_db, &["backup", "--out", backup.to_str().unwrap()]);
        assert!(
            !again.status.success(),
            "an existing file is never overwritten"
        );
        let _ = std::fs::remove_file(&backup);
    }
    let bad = Command::new(env!("CARGO_BIN_EXE_techreg"))
        .args(["--database-url", "mysql://x/y", "migrate"])
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(text(&bad.stderr).contains("不支持的数据库类型"));
}

#[::core::prelude::v1::test]
fn help_and_parse_errors_are_in_chinese_and_a_missing_file_is_named() {
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_techreg"))
            .args(args)
            .env_remove("DATABASE_URL")
            .output()
            .unwrap()
    };
    let help = run(&["--help"]);
    assert!(help.status.success());
    let help = text(&help.stdout);
    for expected in [
        "用法：techreg",
        "命令:",
        "选项:",
        "显示帮助",
        "生成某年全国统计表",
    ] {
        assert!(help.contains(expected), "{expected}: {help}");
    }
    assert!(!help.contains("Print help"), "{help}");
    let sub = text(&run(&["year", "reopen", "--help"]).stdout);
    assert!(
        sub.contains("参数:") && sub.contains("重新开放的理由"),
        "{sub}"
    );

    let unknown = run(&["bogus"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(text(&unknown.stderr).contains("错误：未知的命令“bogus”"));
    let bad_value = run(&["report", "--year", "2016", "--format", "pdf", "--out", "x"]);
    assert_eq!(bad_value.status.code(), Some(2));
    let said = text(&bad_value.stderr);
    assert!(
        said.contains("“pdf”无效") && said.contains("csv、json、xlsx"),
        "{said}"
    );
    let missing = run(&["report", "--year", "2016"]);
    assert!(text(&missing.stderr).contains("缺少必需的参数"));

    let test_db = TestDb::new();
    let out = techreg(
        &test_db,
        &["import", "contracts", "/nonexistent/contracts.csv"],
    );
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("文件不存在：/nonexistent/contracts.csv"),
        "{}",
        text(&out.stderr)
    );
}
