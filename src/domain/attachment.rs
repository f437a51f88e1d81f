//! Attachments filed with a contract (the scanned contract text and the evidence of domain.md
//! §1.3): the file type is judged by content, never by name or the browser's word.

use std::fmt;

/// The largest attachment accepted (a scanned contract of many pages fits).
pub const MAX_BYTES: usize = 10 * 1024 * 1024;

/// What an attachment is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttachmentKind {
    /// 合同文本 (scan or PDF of the signed contract)
    ContractText,
    /// 证明材料 (authorisations, plan documents, IP certificates, approvals)
    Evidence,
}

impl AttachmentKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AttachmentKind::ContractText => "contract_text",
            AttachmentKind::Evidence => "evidence",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "contract_text" => Some(AttachmentKind::ContractText),
            "evidence" => Some(AttachmentKind::Evidence),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            AttachmentKind::ContractText => "合同文本",
            AttachmentKind::Evidence => "证明材料",
        }
    }
}

/// The accepted file types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileType {
    Pdf,
    Jpeg,
    Png,
}

impl FileType {
    /// Recognises a file by its first bytes.
    pub fn sniff(bytes: &[u8]) -> Option<FileType> {
        if bytes.starts_with(b"%PDF-") {
            Some(FileType::Pdf)
        } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(FileType::Jpeg)
        } else if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
            Some(FileType::Png)
        } else {
            None
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            FileType::Pdf => "application/pdf",
            FileType::Jpeg => "image/jpeg",
            FileType::Png => "image/png",
        }
    }
}

impl fmt::Display for FileType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FileType::Pdf => "PDF",
            FileType::Jpeg => "JPEG",
            FileType::Png => "PNG",
        })
    }
}

/// An uploaded file that passed the checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upload {
    pub kind: AttachmentKind,
    pub filename: String,
    pub file_type: FileType,
    pub bytes: Vec<u8>,
}

/// Checks one uploaded file; the error is a zh sentence naming the file.
pub fn check(kind: AttachmentKind, filename: &str, bytes: Vec<u8>) -> Result<Upload, String> {
    let filename = clean_filename(filename);
    if bytes.is_empty() {
        return Err(format!("附件“{filename}”是空文件"));
    }
    if bytes.len() > MAX_BYTES {
        return Err(format!(
            "附件“{filename}”超过 {} MB",
            MAX_BYTES / 1024 / 1024
        ));
    }
    let file_type = FileType::sniff(&bytes)
        .ok_or_else(|| format!("附件“{filename}”不是 PDF、JPEG 或 PNG 文件"))?;
    Ok(Upload {
        kind,
        filename,
        file_type,
        bytes,
    })
}

/// The last path component, without control characters, at most 120 characters.
fn clean_filename(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let cleaned: String = base.chars().filter(|c| !c.is_control()).take(120).collect();
    if cleaned.trim().is_empty() {
        "未命名文件".to_owned()
    } else {
        cleaned.trim().to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_files_by_content() {
        assert_eq!(
            check(
                AttachmentKind::ContractText,
                "a.pdf",
                b"%PDF-1.7 ...".to_vec()
            )
            .unwrap()
            .file_type,
            FileType::Pdf
        );
        assert_eq!(
            FileType::sniff(&[0xFF, 0xD8, 0xFF, 0xE0]),
            Some(FileType::Jpeg)
        );
        assert_eq!(
            FileType::sniff(b"\x89PNG\r\n\x1a\n...."),
            Some(FileType::Png)
        );
        let renamed = check(
            AttachmentKind::Evidence,
            "virus.pdf",
            b"MZ\x90\x00".to_vec(),
        );
        assert_eq!(
            renamed.unwrap_err(),
            "附件“virus.pdf”不是 PDF、JPEG 或 PNG 文件"
        );
    }

    #[test]
    fn rejects_empty_and_oversized_files_and_cleans_names() {
        assert!(
            check(AttachmentKind::Evidence, "x.pdf", Vec::new())
                .unwrap_err()
                .contains("空文件")
        );
        let mut big = b"%PDF-".to_vec();
        big.resize(MAX_BYTES + 1, 0);
        assert!(
            check(AttachmentKind::Evidence, "big.pdf", big)
                .unwrap_err()
                .contains("超过 10 MB")
        );
        let u = check(
            AttachmentKind::Evidence,
            "C:\\scans\\合同\u{7}.pdf",
            b"%PDF-1.4".to_vec(),
        )
        .unwrap();
        assert_eq!(u.filename, "合同.pdf");
    }
}
