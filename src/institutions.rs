//! The list of national technology-transfer demonstration institutions (附表15,
//! `techreg import institutions FILE`, interchange §0): `province,institution_name`, one row a
//! printed name, in printed order. Each section of the printed list is one province-level
//! authority — a province, a 计划单列市 or the 兵团 — so the list is stored by authority and
//! printed with the section's short label. Reading and checking a file is pure ([`read`],
//! [`check`]); [`import_file`] replaces the stored list in one transaction with its audit entry.

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDateTime;

use crate::audit::{Actor, Entry};
use crate::catalog::authority::{self, AUTHORITIES, Authority, AuthorityKind};
use crate::catalog::region;
use crate::db::institutions::NewInstitution;
use crate::db::{self, DbConn};
use crate::domain::text;
use crate::input::Problem;
use crate::input::csv_file::{self, Problems, Record};
use crate::stats::Institution;

/// The columns of the file, all required.
pub const COLUMNS: [&str; 2] = ["province", "institution_name"];

/// Longest institution name accepted (the printed ones have at most 33 characters).
pub const MAX_NAME_CHARS: usize = 100;

/// Most institutions a list may hold (the 2016 list has 445).
pub const MAX_ROWS: usize = 10_000;

/// Largest file accepted: the limit of a contracts upload.
pub const MAX_FILE_BYTES: usize = crate::web::imports::MAX_UPLOAD_BYTES;

/// How 附表15 prints the 兵团's section (the catalogue names it 新疆生产建设兵团).
pub const CORPS_LABEL: &str = "新疆建设兵团";

const PROVINCE_HINT: &str = "应为附表15 所列的省级地区简称，如 北京、内蒙古、新疆建设兵团、大连";

/// The short label 附表15 prints over an authority's section: 北京, 内蒙古, 新疆建设兵团, 大连.
pub fn section_label(a: &Authority) -> &'static str {
    let label = match a.kind {
        AuthorityKind::Province => region::stats_province(a.code).map(|r| r.label),
        AuthorityKind::PlanCity => region::stats_city(a.code).map(|r| r.label),
        AuthorityKind::Corps => Some(CORPS_LABEL),
    };
    label.unwrap_or(a.name)
}

/// The authority of a section as a file names it: the printed label, or the authority's full
/// name (北京市, 新疆生产建设兵团), width folded and trimmed.
pub fn authority_of_section(label: &str) -> Option<&'static Authority> {
    let label = text::normalise(label);
    AUTHORITIES
        .iter()
        .find(|a| section_label(a) == label || a.name == label)
}

/// The sections in catalogue order, as (authority code, label): the choices of a filter.
pub fn sections() -> impl Iterator<Item = (&'static str, &'static str)> {
    AUTHORITIES.iter().map(|a| (a.code, section_label(a)))
}

/// The printed label of a stored authority code (the code itself if the catalogue lost it).
pub fn label_of_code(code: &str) -> String {
    authority::find(code)
        .map(|a| section_label(a).to_owned())
        .unwrap_or_else(|| code.to_owned())
}

/// An institution name as stored: trimmed, runs of whitespace made one space, otherwise
/// exactly as typed (the printed list mixes full-width and ASCII brackets; both are kept).
fn clean_name(cell: &str) -> Result<String, NameError> {
    let name = cell.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() {
        return Err(NameError::Missing);
    }
    if let Some(bad) = text::forbidden(&name, text::Breaks::None) {
        return Err(NameError::Forbidden(bad));
    }
    let chars = name.chars().count();
    if chars > MAX_NAME_CHARS {
        return Err(NameError::TooLong(chars));
    }
    Ok(name)
}

/// Why an institution name cannot be stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NameError {
    Missing,
    Forbidden(text::Forbidden),
    /// The name's length in characters.
    TooLong(usize),
}

impl std::fmt::Display for NameError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NameError::Missing => f.write_str("请填写机构名称"),
            NameError::Forbidden(bad) => f.write_str(&bad.message("机构名称")),
            NameError::TooLong(chars) => write!(
                f,
                "机构名称不超过 {MAX_NAME_CHARS} 个字符（现为 {chars} 个）"
            ),
        }
    }
}

/// Reads an institutions file (UTF-8 with or without BOM, or GB18030; both columns required,
/// no others).
pub fn read(bytes: &[u8]) -> Result<Vec<Record>, Problems> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(Problems::from(Problem::file(format!(
            "文件过大（超过 {} MB）",
            MAX_FILE_BYTES >> 20
        ))));
    }
    let records = csv_file::read(bytes, &COLUMNS, &COLUMNS).map_err(Problems::from)?;
    if records.is_empty() {
        return Err(Problems::from(Problem::file("文件中没有数据行")));
    }
    if records.len() > MAX_ROWS {
        return Err(Problems::from(Problem::file(format!(
            "名单最多 {MAX_ROWS} 家机构，文件中有 {} 行",
            records.len()
        ))));
    }
    Ok(records)
}

/// Checks every record: a known section, a clean name, no name twice in one section. Returns
/// the institutions in file order, or every problem found.
pub fn check(records: &[Record]) -> Result<Vec<NewInstitution>, Problems> {
    let mut problems = Problems::new();
    let mut rows = Vec::with_capacity(records.len());
    let mut first_row_of: HashMap<(&'static str, String), usize> = HashMap::new();
    for record in records {
        if problems.is_full() {
            problems.stop_checking();
            break;
        }
        let at = record.row;
        let cell = record.get("province");
        let authority = if cell.is_empty() {
            problems.row(at, "province", &format!("请填写地区，{PROVINCE_HINT}"));
            None
        } else {
            let found = authority_of_section(cell);
            if found.is_none() {
                problems.row(
                    at,
                    "province",
                    &format!("未知的地区“{}”，{PROVINCE_HINT}", text::shown(cell)),
                );
            }
            found
        };
        let name = match clean_name(record.get("institution_name")) {
            Ok(n) => Some(n),
            Err(e) => {
                problems.row(at, "institution_name", &e.to_string());
                None
            }
        };
        let (Some(authority), Some(name)) = (authority, name) else {
            continue;
        };
        let name_norm = text::normalise_name(&name);
        let first = *first_row_of
            .entry((authority.code, name_norm.clone()))
            .or_insert(at);
        if first != at {
            problems.row(
                at,
                "institution_name",
                &format!(
                    "机构“{}”在{}的名单中与第 {first} 行重复",
                    text::shown(&name),
                    section_label(authority)
                ),
            );
            continue;
        }
        rows.push(NewInstitution {
            authority_code: authority.code.to_owned(),
            name,
            name_norm,
        });
    }
    if problems.is_empty() {
        Ok(rows)
    } else {
        Err(problems)
    }
}

/// What an institutions import did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstitutionsSummary {
    /// Institutions in the new list.
    pub count: usize,
    /// Sections (authorities) the new list covers.
    pub sections: usize,
    /// Institutions of the list it replaced.
    pub replaced: i64,
}

impl InstitutionsSummary {
    fn of(rows: &[NewInstitution], replaced: i64) -> Self {
        let sections: BTreeSet<&str> = rows.iter().map(|r| r.authority_code.as_str()).collect();
        InstitutionsSummary {
            count: rows.len(),
            sections: sections.len(),
            replaced,
        }
    }

    /// The zh line the command line prints (and the audit entry's figures).
    pub fn describe(&self) -> String {
        format!(
            "已导入示范机构名单：共 {} 家，{} 个地区；替换原名单 {} 家",
            self.count, self.sections, self.replaced
        )
    }
}

/// Imports an institutions file named `file_name`: all or nothing. The file replaces the whole
/// stored list, in one transaction with one audit entry `institutions.import`.
pub fn import_file(
    conn: &mut DbConn,
    actor: &Actor,
    file_name: &str,
    bytes: &[u8],
    now: NaiveDateTime,
) -> Result<InstitutionsSummary, Problems> {
    let rows = check(&read(bytes)?)?;
    let result = db::write_transaction(conn, |c| {
        let replaced = db::institutions::replace(c, &rows, &actor.name, now)?;
        let summary = InstitutionsSummary::of(&rows, replaced);
        db::audit::record(
            c,
            actor,
            Entry {
                action: "institutions.import",
                object_type: "institution",
                object_id: text::shown(file_name),
                authority_code: None,
                summary: format!(
                    "导入国家技术转移示范机构名单（{file_name}）：共 {} 家，{} 个地区；替换原名单 {} 家",
                    summary.count, summary.sections, summary.replaced
                ),
            },
            now,
        )?;
        Ok::<_, diesel::result::Error>(summary)
    });
    result.map_err(|e| {
        Problems::from(Problem::file(format!(
            "读写数据库失败，未写入任何数据：{e}"
        )))
    })
}

/// The stored list as 附表15 prints it: (section label, name) in the imported order.
pub fn for_report(conn: &mut DbConn) -> diesel::QueryResult<Vec<Institution>> {
    Ok(db::institutions::all(conn)?
        .into_iter()
        .map(|r| Institution {
            province: label_of_code(&r.authority_code),
            name: r.name,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(text: &str) -> Result<Vec<NewInstitution>, Vec<String>> {
        let records = read(text.as_bytes()).map_err(|p| p.lines())?;
        check(&records).map_err(|p| p.lines())
    }

    fn problems(text: &str) -> Vec<String> {
        rows(text).expect_err("problems expected")
    }

    #[test]
    fn every_authority_has_its_own_printed_label() {
        let labels: Vec<&str> = AUTHORITIES.iter().map(section_label).collect();
        assert_eq!(labels.len(), 37);
        let distinct: BTreeSet<&&str> = labels.iter().collect();
        assert_eq!(distinct.len(), 37, "{labels:?}");
        // None fell back to the full name.
        for a in AUTHORITIES {
            assert_ne!(section_label(a), a.name, "{}", a.code);
        }
        assert_eq!(labels[..3], ["北京", "天津", "河北"]);
        let at = |code| section_label(authority::find(code).unwrap());
        assert_eq!(at("150000"), "内蒙古");
        assert_eq!(at("210200"), "大连");
        assert_eq!(at("440300"), "深圳");
        assert_eq!(at("650000"), "新疆");
        assert_eq!(at("660000"), "新疆建设兵团");
    }

    #[test]
    fn every_section_of_the_reference_list_is_known() {
        // Passes vacuously without the reference tables, as the other reference checks do.
        let Some(dir) = crate::catalog::reference_tests::reference_dir() else {
            return;
        };
        let text = std::fs::read_to_string(dir.join("A15.csv")).unwrap();
        let r = rows(&text).unwrap();
        assert_eq!(r.len(), 445);
        let codes: BTreeSet<&str> = r.iter().map(|i| i.authority_code.as_str()).collect();
        // 31 provinces but 西藏, the 兵团 and the 5 计划单列市.
        assert_eq!(codes.len(), 36);
        assert!(!codes.contains("540000"));
        assert_eq!(r[0].authority_code, "110000");
        assert_eq!(r[0].name, "北京中科前方科技发展有限公司");
    }

    #[test]
    fn sections_by_printed_label_or_full_name() {
        assert_eq!(authority_of_section("北京").map(|a| a.code), Some("110000"));
        assert_eq!(
            authority_of_section(" 北京市 ").map(|a| a.code),
            Some("110000")
        );
        assert_eq!(
            authority_of_section("新疆生产建设兵团").map(|a| a.code),
            Some("660000")
        );
        assert_eq!(authority_of_section("青岛").map(|a| a.code), Some("370200"));
        assert_eq!(
            authority_of_section("广州"),
            None,
            "副省级 but no authority"
        );
        assert_eq!(authority_of_section("港澳台"), None);
        assert_eq!(authority_of_section("北"), None);
        assert_eq!(sections().count(), 37);
    }

    #[test]
    fn each_kind_of_problem_names_its_row_and_column() {
        let long = "长".repeat(MAX_NAME_CHARS + 1);
        let p = problems(&format!(
            "province,institution_name\n北京,甲公司\n火星,乙公司\n,丙公司\n上海,\n上海,{long}\n上海,丁\u{202E}公司\n北京,甲公司\n北京, 甲公司 \n"
        ));
        assert_eq!(
            p,
            [
                "row 3, province: 未知的地区“火星”，应为附表15 所列的省级地区简称，如 北京、内蒙古、新疆建设兵团、大连",
                "row 4, province: 请填写地区，应为附表15 所列的省级地区简称，如 北京、内蒙古、新疆建设兵团、大连",
                "row 5, institution_name: 请填写机构名称",
                "row 6, institution_name: 机构名称不超过 100 个字符（现为 101 个）",
                "row 7, institution_name: 机构名称不能包含不可见的格式控制字符（U+202E，如文字方向控制符、零宽字符）",
                "row 8, institution_name: 机构“甲公司”在北京的名单中与第 2 行重复",
                "row 9, institution_name: 机构“甲公司”在北京的名单中与第 2 行重复",
            ]
        );
    }

    #[test]
    fn the_same_name_may_appear_in_two_sections_and_duplicates_fold_width() {
        let r = rows("province,institution_name\n北京,甲（乙）\n上海,甲（乙）\n").unwrap();
        assert_eq!(r.len(), 2);
        let p = problems("province,institution_name\n北京,甲（乙）\n北京,甲(乙)\n");
        assert_eq!(
            p,
            ["row 3, institution_name: 机构“甲(乙)”在北京的名单中与第 2 行重复"]
        );
    }

    #[test]
    fn names_are_kept_as_typed_but_for_surrounding_and_repeated_spaces() {
        let r = rows("province,institution_name\n北京,\" 中北国技（北京）  科技(有限)公司 \"\n")
            .unwrap();
        assert_eq!(r[0].name, "中北国技（北京） 科技(有限)公司");
        assert_eq!(r[0].name_norm, "中北国技(北京) 科技(有限)公司");
    }

    #[test]
    fn the_header_is_exactly_the_two_columns() {
        assert_eq!(
            problems("province,institution_name,city\n北京,甲,x\n"),
            ["file: 未知的列“city”（第 3 列）"]
        );
        assert_eq!(
            problems("province\n北京\n"),
            ["file: 缺少必需的列“institution_name”"]
        );
        assert_eq!(
            problems("province,institution_name\n"),
            ["file: 文件中没有数据行"]
        );
        assert_eq!(problems(""), ["file: 文件为空"]);
        // Columns by name, in any order.
        let r = rows("institution_name,province\n甲,大连\n").unwrap();
        assert_eq!(r[0].authority_code, "210200");
    }

    #[test]
    fn gb18030_and_bom_files_are_read() {
        let (bytes, _, _) =
            encoding_rs::GB18030.encode("province,institution_name\r\n内蒙古,呼和浩特某中心\r\n");
        let r = check(&read(&bytes).unwrap()).unwrap();
        assert_eq!(r[0].authority_code, "150000");
        assert_eq!(r[0].name, "呼和浩特某中心");
        let r = rows("\u{feff}province,institution_name\n深圳,甲\n").unwrap();
        assert_eq!(r[0].authority_code, "440300");
    }

    #[test]
    fn oversized_files_and_lists_are_refused() {
        let big = vec![b' '; MAX_FILE_BYTES + 1];
        assert_eq!(
            read(&big).unwrap_err().lines(),
            ["file: 文件过大（超过 20 MB）"]
        );
        let mut text = String::from("province,institution_name\n");
        for i in 0..=MAX_ROWS {
            text.push_str(&format!("北京,机构{i}\n"));
        }
        assert_eq!(
            problems(&text),
            ["file: 名单最多 10000 家机构，文件中有 10001 行"]
        );
    }

    #[test]
    fn summaries_give_the_counts() {
        let r = rows("province,institution_name\n北京,甲\n北京,乙\n大连,丙\n").unwrap();
        let s = InstitutionsSummary::of(&r, 445);
        assert_eq!(
            s.describe(),
            "已导入示范机构名单：共 3 家，2 个地区；替换原名单 445 家"
        );
    }
}
