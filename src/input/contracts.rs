//! Reading a contracts file (interchange.md §1): CSV, or the first sheet of an `.xlsx`
//! workbook, into records of the four system columns plus a `ContractInput`. The checks belong
//! to the import service (`crate::batch`).

use super::{Problem, csv_file, xlsx};
use crate::domain::contract::ContractInput;
use crate::domain::contract_file::{columns, required_columns};

/// One data row of a contracts file, with its spreadsheet row number (header = row 1).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContractRecord {
    pub row: usize,
    pub registration_number: String,
    pub status: String,
    pub office_code: String,
    pub registered_on: String,
    pub input: ContractInput,
}

impl ContractRecord {
    /// The text of any column (system columns included).
    pub fn get(&self, column: &str) -> &str {
        match column {
            "registration_number" => &self.registration_number,
            "status" => &self.status,
            "office_code" => &self.office_code,
            "registered_on" => &self.registered_on,
            other => self.input.get(other).unwrap_or_default(),
        }
    }
}

/// Which format a file is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Csv,
    Xlsx,
}

/// Tells CSV from XLSX by content (an XLSX workbook is a ZIP archive), or refuses what neither
/// reader can take. The name's extension only sharpens the message.
pub fn sniff(file_name: &str, bytes: &[u8]) -> Result<FileKind, Problem> {
    let lower = file_name.to_lowercase();
    if bytes.starts_with(b"PK\x03\x04") {
        return Ok(FileKind::Xlsx);
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) || lower.ends_with(".xls") {
        return Err(Problem::file(
            "不支持旧版 Excel（.xls）文件，请另存为 .xlsx 或 CSV（UTF-8）后导入",
        ));
    }
    if lower.ends_with(".xlsx") && !bytes.is_empty() {
        return Err(Problem::file("文件扩展名为 .xlsx，但内容不是 Excel 工作簿"));
    }
    Ok(FileKind::Csv)
}

/// Reads every record of a contracts file (CSV or XLSX). What cannot be read comes back as
/// problems; what the rows say is checked by the import service.
pub fn read(file_name: &str, bytes: &[u8]) -> Result<Vec<ContractRecord>, Vec<Problem>> {
    match sniff(file_name, bytes).map_err(|e| vec![e])? {
        FileKind::Csv => read_csv(bytes),
        FileKind::Xlsx => {
            let csv = xlsx::first_sheet_as_csv(bytes).map_err(|e| vec![e])?;
            read_csv(&csv)
        }
    }
}

/// Reads a CSV file: UTF-8 (BOM accepted) or GB18030, columns by name.
pub fn read_csv(bytes: &[u8]) -> Result<Vec<ContractRecord>, Vec<Problem>> {
    if !decodable(bytes) {
        return Err(vec![Problem::file(
            "无法识别文件编码：应为 UTF-8 或 GB18030（GBK）编码的 CSV 文件",
        )]);
    }
    let known: Vec<&str> = columns().collect();
    let records = csv_file::read_map(bytes, &known, &required_columns(), |r| {
        let mut input = ContractInput::default();
        for field in ContractInput::FIELDS {
            let value = r.get(field);
            if !value.is_empty() {
                input.set(field, value.to_owned());
            }
        }
        ContractRecord {
            row: r.row,
            registration_number: r.get("registration_number").to_owned(),
            status: r.get("status").to_owned(),
            office_code: r.get("office_code").to_owned(),
            registered_on: r.get("registered_on").to_owned(),
            input,
        }
    })?;
    if records.is_empty() {
        return Err(vec![Problem::file("文件中没有数据行")]);
    }
    Ok(records)
}

/// Whether the bytes are text in UTF-8 or GB18030 (what `csv_file::decode` reads) rather than
/// a binary file or another encoding.
fn decodable(bytes: &[u8]) -> bool {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.contains(&0) {
        return false;
    }
    std::str::from_utf8(bytes).is_ok()
        || encoding_rs::GB18030
            .decode_without_bom_handling_and_without_replacement(bytes)
            .is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_told_apart_by_content() {
        assert_eq!(sniff("a.csv", b"status,office_code\n"), Ok(FileKind::Csv));
        assert_eq!(sniff("a.CSV", b"PK\x03\x04rest"), Ok(FileKind::Xlsx));
        assert!(sniff("a.xlsx", b"status\n").is_err());
        assert!(sniff("a.xls", b"\xD0\xCF\x11\xE0").is_err());
    }

    #[test]
    fn reads_records_by_column_name() {
        let text = "office_code,status,project_name,signed_on,valid_from,valid_to,category_code,ip_code,tech_field_code,objective_code,plan_code,payment_code,total_amount_yuan,technical_amount_yuan,seller_name,buyer_name,seller_country_code,buyer_country_code,seller_nature_code,buyer_nature_code\n\
                    440101,submitted,某项目,2026-01-02,,,11,01,01,01,9,1,100,100,甲,乙,142,142,150,150\n";
        let records = read("x.csv", text.as_bytes()).unwrap();
        assert_eq!(records.len(), 1);
        assert_eq!(records[0].row, 2);
        assert_eq!(records[0].office_code, "440101");
        assert_eq!(records[0].input.project_name, "某项目");
        assert_eq!(records[0].get("status"), "submitted");
        assert_eq!(records[0].registration_number, "");
    }

    #[test]
    fn file_problems() {
        let header = required_columns().join(",");
        assert_eq!(
            read("x.csv", format!("{header}\n").as_bytes()).unwrap_err(),
            [Problem::file("文件中没有数据行")]
        );
        assert_eq!(read("x.csv", b"").unwrap_err(), [Problem::file("文件为空")]);
        let e = read("x.csv", b"status,colour\nsubmitted,red\n").unwrap_err();
        assert!(
            e.contains(&Problem::file("未知的列“colour”（第 2 列）")),
            "{e:?}"
        );
        assert!(
            e.contains(&Problem::file("缺少必需的列“office_code”")),
            "{e:?}"
        );
        let binary = read("x.csv", b"\x00\x01\x02\xff\xfe").unwrap_err();
        assert!(
            binary[0].to_string().starts_with("file: 无法识别文件编码"),
            "{binary:?}"
        );
    }
}
