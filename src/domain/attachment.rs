//! Attachments filed with a contract (the scanned contract text and the evidence of domain.md
//! §1.3): the file type is judged by content, never by name or the browser's word.

use std::fmt;

use crate::domain::text;

/// The largest attachment accepted (a scanned contract of many pages fits).
pub const MAX_BYTES: usize = 10 * 1024 * 1024;
/// Files one save may carry: the contract text, and so many evidence files.
pub const MAX_CONTRACT_TEXTS_PER_REQUEST: usize = 1;
pub const MAX_EVIDENCE_PER_REQUEST: usize = 10;
/// Longest file name kept, in characters (extension included).
pub const MAX_NAME_CHARS: usize = 120;

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

    /// The type a stored attachment was recorded with.
    pub fn from_mime(mime: &str) -> Option<FileType> {
        [FileType::Pdf, FileType::Jpeg, FileType::Png]
            .into_iter()
            .find(|t| t.mime() == mime)
    }

    /// The extension a file of this type is saved with.
    pub fn extension(self) -> &'static str {
        match self {
            FileType::Pdf => "pdf",
            FileType::Jpeg => "jpg",
            FileType::Png => "png",
        }
    }

    fn is_own_extension(self, ext: &str) -> bool {
        let ext = ext.to_ascii_lowercase();
        match self {
            FileType::Pdf => ext == "pdf",
            FileType::Jpeg => matches!(ext.as_str(), "jpg" | "jpeg" | "jpe"),
            FileType::Png => ext == "png",
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

/// A file size as people read it: "812 字节", "12.3 KB", "4.0 MB" (1 KB = 1024 bytes).
pub fn human_size(bytes: i64) -> String {
    const KB: i64 = 1024;
    const MB: i64 = 1024 * KB;
    // One decimal, rounded half up, from integers.
    let tenths = |unit: i64| (bytes * 10 + unit / 2) / unit;
    match bytes {
        b if b < KB => format!("{b} 字节"),
        b if b < MB => {
            let t = tenths(KB);
            format!("{}.{} KB", t / 10, t % 10)
        }
        _ => {
            let t = tenths(MB);
            format!("{}.{} MB", t / 10, t % 10)
        }
    }
}

/// Why an uploaded file was refused; each names the file as the browser sent it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UploadError {
    #[error("附件“{0}”是空文件")]
    Empty(String),
    #[error("附件“{0}”超过 {max} MB", max = MAX_BYTES / 1024 / 1024)]
    TooLarge(String),
    #[error("附件“{0}”不是 PDF、JPEG 或 PNG 文件")]
    NotAllowed(String),
}

/// Checks one uploaded file.
pub fn check(kind: AttachmentKind, filename: &str, bytes: Vec<u8>) -> Result<Upload, UploadError> {
    let shown = base_name(filename);
    if bytes.is_empty() {
        return Err(UploadError::Empty(shown));
    }
    if bytes.len() > MAX_BYTES {
        return Err(UploadError::TooLarge(shown));
    }
    let file_type = FileType::sniff(&bytes).ok_or(UploadError::NotAllowed(shown))?;
    Ok(Upload {
        kind,
        filename: file_name(filename, file_type),
        file_type,
        bytes,
    })
}

/// The name an attachment is stored and served under, whatever the browser sent: the last
/// path component, without control or invisible format characters (a right-to-left override
/// can make "invoice\u{202E}fdp.exe" display as "invoiceexe.pdf"), ending in the extension of
/// the type its content was recognised as. A wrong extension is replaced ("invoice.exe" →
/// "invoice.pdf"), a missing one added; the file is renamed, never refused.
pub fn file_name(sent: &str, file_type: FileType) -> String {
    let base = base_name(sent);
    let stem = match base.rsplit_once('.') {
        Some((stem, ext)) if file_type.is_own_extension(ext) && !stem.trim().is_empty() => {
            return base;
        }
        // A file-type extension (letters and digits, at most 4, not only digits) is replaced;
        // "报告.2024.03" keeps its dotted number.
        Some((stem, ext))
            if !stem.trim().is_empty()
                && (1..=4).contains(&ext.len())
                && ext.bytes().all(|b| b.is_ascii_alphanumeric())
                && ext.bytes().any(|b| b.is_ascii_alphabetic()) =>
        {
            stem.trim_end().to_owned()
        }
        _ => base,
    };
    let ext = file_type.extension();
    let room = MAX_NAME_CHARS - ext.len() - 1;
    let stem: String = stem.chars().take(room).collect();
    format!("{}.{ext}", stem.trim_end())
}

/// The name a stored attachment is shown and downloaded under: [`file_name`] again, so rows
/// stored before names were cleaned are served safely too.
pub fn served_name(stored: &str, content_type: &str) -> String {
    match FileType::from_mime(content_type) {
        Some(t) => file_name(stored, t),
        None => base_name(stored),
    }
}

/// The last path component without invisible characters, at most [`MAX_NAME_CHARS`].
fn base_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let cleaned: String = text::strip_invisible(base)
        .chars()
        .take(MAX_NAME_CHARS)
        .collect();
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
    fn sizes_read_in_bytes_kb_and_mb() {
        assert_eq!(human_size(0), "0 字节");
        assert_eq!(human_size(812), "812 字节");
        assert_eq!(human_size(1024), "1.0 KB");
        assert_eq!(human_size(12_595), "12.3 KB");
        assert_eq!(human_size(1024 * 1024 - 1), "1024.0 KB");
        assert_eq!(human_size(4 * 1024 * 1024), "4.0 MB");
        assert_eq!(human_size(10 * 1024 * 1024 - 52_429), "9.9 MB");
    }

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
            renamed.unwrap_err().to_string(),
            "附件“virus.pdf”不是 PDF、JPEG 或 PNG 文件"
        );
    }

    #[test]
    fn rejects_empty_and_oversized_files_and_cleans_names() {
        assert_eq!(
            check(AttachmentKind::Evidence, "x.pdf", Vec::new())
                .unwrap_err()
                .to_string(),
            "附件“x.pdf”是空文件"
        );
        let mut big = b"%PDF-".to_vec();
        big.resize(MAX_BYTES + 1, 0);
        assert_eq!(
            check(AttachmentKind::Evidence, "big.pdf", big).unwrap_err(),
            UploadError::TooLarge("big.pdf".into())
        );
        assert_eq!(
            UploadError::TooLarge("big.pdf".into()).to_string(),
            "附件“big.pdf”超过 10 MB"
        );
        let u = check(
            AttachmentKind::Evidence,
            "C:\\scans\\合同\u{7}.pdf",
            b"%PDF-1.4".to_vec(),
        )
        .unwrap();
        assert_eq!(u.filename, "合同.pdf");
    }

    #[test]
    fn names_lose_invisible_characters_and_get_the_extension_of_their_content() {
        let pdf = b"%PDF-1.4".to_vec();
        let u = check(
            AttachmentKind::Evidence,
            "invoice\u{202E}fdp.exe",
            pdf.clone(),
        )
        .unwrap();
        assert_eq!(u.filename, "invoicefdp.pdf");
        assert_eq!(u.file_type, FileType::Pdf);
        let name = |sent: &str, t: FileType| file_name(sent, t);
        assert_eq!(name("扫描件.PDF", FileType::Pdf), "扫描件.PDF");
        assert_eq!(name("照片.jpeg", FileType::Jpeg), "照片.jpeg");
        assert_eq!(name("照片.png", FileType::Jpeg), "照片.jpg");
        assert_eq!(name("scan", FileType::Png), "scan.png");
        assert_eq!(name("报告.2024.03", FileType::Pdf), "报告.2024.03.pdf");
        assert_eq!(name("../../etc/passwd", FileType::Pdf), "passwd.pdf");
        assert_eq!(name(".pdf", FileType::Pdf), ".pdf.pdf");
        assert_eq!(name("\u{2066}\u{2069}", FileType::Pdf), "未命名文件.pdf");
        let long = format!("{}.exe", "长".repeat(200));
        let n = name(&long, FileType::Pdf);
        assert_eq!(n.chars().count(), MAX_NAME_CHARS);
        assert!(n.ends_with("长.pdf"));
        // Rows stored before the clean-up are served under a safe name.
        assert_eq!(
            served_name("invoice\u{202E}fdp.exe", "application/pdf"),
            "invoicefdp.pdf"
        );
        assert_eq!(served_name("a\u{200B}b.bin", "text/plain"), "ab.bin");
    }
}
