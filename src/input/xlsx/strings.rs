//! Text in a workbook: the shared-strings table, the string items it and inline cells hold
//! (plain or rich text, phonetic runs left out) and OOXML's `_xHHHH_` escapes.

use std::io::Read;

use quick_xml::events::Event;

use super::package::{Xml, local, push_text};
use crate::input::Problem;

/// Most entries the shared-strings table may have: far more than a contracts sheet needs (the
/// 320,000 rows of a national year hold 2.2 million distinct texts), and at 4 bytes an entry
/// for the offsets a bounded cost. The count the part declares (`uniqueCount`) is never used.
pub const MAX_SHARED_STRINGS: usize = 1 << 24;

/// The shared strings, kept as one text with the end offset of each entry: memory follows
/// what the part holds, with no allocation per entry.
#[derive(Debug, Default)]
pub(super) struct SharedStrings {
    text: String,
    ends: Vec<u32>,
}

impl SharedStrings {
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn get(&self, index: usize) -> Option<&str> {
        let end = *self.ends.get(index)? as usize;
        let start = match index.checked_sub(1) {
            Some(previous) => *self.ends.get(previous)? as usize,
            None => 0,
        };
        self.text.get(start..end)
    }

    /// Reads the `<si>` entries of a shared-strings part in order.
    pub fn read<R: Read>(xml: &mut Xml<R>) -> Result<SharedStrings, Problem> {
        Self::read_at_most(xml, MAX_SHARED_STRINGS)
    }

    fn read_at_most<R: Read>(xml: &mut Xml<R>, limit: usize) -> Result<SharedStrings, Problem> {
        let mut strings = SharedStrings::default();
        let mut scratch = String::new();
        loop {
            let (is_item, empty) = match xml.next()? {
                Event::Start(e) => (local(&e) == "si", false),
                Event::Empty(e) => (local(&e) == "si", true),
                Event::Eof => break,
                _ => continue,
            };
            if !is_item {
                continue;
            }
            if strings.ends.len() >= limit {
                return Err(Problem::file(format!(
                    "共享字符串表超过 {limit} 项，超出系统的读取上限；请拆分为多个文件，或另存为 CSV（UTF-8）后导入"
                )));
            }
            if !empty {
                read_string_item(xml, &mut strings.text, &mut scratch)?;
            }
            let end =
                u32::try_from(strings.text.len()).map_err(|_| xml.malformed("的共享字符串过长"))?;
            strings.ends.push(end);
        }
        Ok(strings)
    }
}

/// Reads a string item (`<si>` or `<is>`, whose start tag was just read) up to its end tag,
/// appending its text to `out`: the `<t>` of plain text and of each rich-text run `<r>`, but
/// not the phonetic runs `<rPh>`. `scratch` is a reusable buffer.
pub(super) fn read_string_item<R: Read>(
    xml: &mut Xml<R>,
    out: &mut String,
    scratch: &mut String,
) -> Result<(), Problem> {
    // Depth below the item, and the depth of the `<rPh>` or `<t>` being read, if any.
    let mut depth = 0usize;
    let mut phonetic: Option<usize> = None;
    let mut text: Option<usize> = None;
    loop {
        let event = xml.next()?;
        match &event {
            Event::Start(e) => {
                depth += 1;
                match local(e) {
                    "rPh" if phonetic.is_none() => phonetic = Some(depth),
                    "t" if phonetic.is_none() && text.is_none() => {
                        text = Some(depth);
                        scratch.clear();
                    }
                    _ => {}
                }
            }
            Event::End(_) => {
                if depth == 0 {
                    return Ok(());
                }
                if text == Some(depth) {
                    text = None;
                    push_unescaped(out, scratch);
                }
                if phonetic == Some(depth) {
                    phonetic = None;
                }
                depth -= 1;
            }
            Event::Eof => return Err(xml.malformed("在字符串中途结束")),
            event if text.is_some() => {
                push_text(scratch, event)?;
            }
            _ => {}
        }
    }
}

/// Appends `s` with the `_xHHHH_` escapes OOXML writes for characters XML cannot hold decoded
/// (`_x000D_` is a carriage return; `_x005F_` an underscore, so `_x005F_x000D_` reads
/// `_x000D_`). A UTF-16 surrogate pair of escapes is one character. A lone surrogate, and NUL
/// (which no CSV reader takes), stay as written.
pub(super) fn push_unescaped(out: &mut String, s: &str) {
    let mut rest = s;
    while let Some(i) = rest.find("_x") {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let decoded = escape_at(rest).and_then(|unit| {
            if (0xD800..0xDC00).contains(&unit) {
                let low = escape_at(rest.get(7..)?)?;
                if !(0xDC00..0xE000).contains(&low) {
                    return None;
                }
                let c = 0x10000 + ((u32::from(unit) - 0xD800) << 10) + (u32::from(low) - 0xDC00);
                Some((char::from_u32(c)?, 14))
            } else if unit == 0 {
                None
            } else {
                Some((char::from_u32(u32::from(unit))?, 7))
            }
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('_');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
}

/// The code unit of an escape `_xHHHH_` at the start of `s`.
fn escape_at(s: &str) -> Option<u16> {
    let b = s.as_bytes();
    if b.len() < 7 || &b[..2] != b"_x" || b[6] != b'_' || !b[2..6].iter().all(u8::is_ascii_hexdigit)
    {
        return None;
    }
    u16::from_str_radix(s.get(2..6)?, 16).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(xml: &str) -> Result<SharedStrings, Problem> {
        SharedStrings::read(&mut Xml::new("xl/sharedStrings.xml", xml.as_bytes()))
    }

    #[test]
    fn escapes_decode() {
        let decode = |s: &str| {
            let mut out = String::new();
            push_unescaped(&mut out, s);
            out
        };
        assert_eq!(decode("a_x000D_b"), "a\rb");
        assert_eq!(decode("_x000D__x000A_"), "\r\n");
        assert_eq!(decode("_x005F_x000D_"), "_x000D_");
        assert_eq!(decode("_x4e2d_文"), "中文");
        assert_eq!(decode("_xD83D__xDE00_"), "😀");
        assert_eq!(decode("_xD83D_x"), "_xD83D_x");
        assert_eq!(decode("_x0000_"), "_x0000_");
        assert_eq!(decode("_x00_ _xZZZZ_ _x"), "_x00_ _xZZZZ_ _x");
        assert_eq!(decode("中_x"), "中_x");
        assert_eq!(decode("plain"), "plain");
    }

    #[test]
    fn plain_rich_and_phonetic_text() {
        let s = read(
            r#"<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="9" uniqueCount="100000000000">
            <si><t>status</t></si>
            <si><t xml:space="preserve"> 两端空格 </t></si>
            <si><r><rPr><b/></rPr><t>北京</t></r><r><t>科技</t></r><rPh sb="0" eb="2"><t>ベイジン</t></rPh><phoneticPr fontId="1"/></si>
            <si/>
            <si><t/></si>
            <si><t>a &amp; b_x000D_</t></si>
            </sst>"#,
        )
        .unwrap();
        assert_eq!(s.len(), 6);
        assert_eq!(s.get(0), Some("status"));
        assert_eq!(s.get(1), Some(" 两端空格 "));
        assert_eq!(s.get(2), Some("北京科技"));
        assert_eq!(s.get(3), Some(""));
        assert_eq!(s.get(4), Some(""));
        assert_eq!(s.get(5), Some("a & b\r"));
        assert_eq!(s.get(6), None);
        assert_eq!(s.get(usize::MAX), None);
    }

    #[test]
    fn prefixed_elements_are_read() {
        let s = read(
            r#"<x:sst xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:si><x:t>前缀</x:t></x:si><x:si><x:r><x:t>a</x:t></x:r><x:r><x:t>b</x:t></x:r></x:si></x:sst>"#,
        )
        .unwrap();
        assert_eq!((s.get(0), s.get(1)), (Some("前缀"), Some("ab")));
    }

    #[test]
    fn the_declared_count_allocates_nothing() {
        let s = read(r#"<sst count="18446744073709551615" uniqueCount="18446744073709551615"><si><t>x</t></si></sst>"#).unwrap();
        assert_eq!(s.len(), 1);
        assert!(s.ends.capacity() < 1024 && s.text.capacity() < 1024);
    }

    #[test]
    fn truncated_parts_are_errors() {
        let e = read("<sst><si><t>abc").unwrap_err().to_string();
        assert!(e.starts_with("file: 无法读取 Excel 工作簿"), "{e}");
        let e = read("<sst><si><t>a</x></si></sst>")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("file: 无法读取 Excel 工作簿"), "{e}");
    }

    #[test]
    fn more_entries_than_the_limit_are_refused() {
        let xml = "<sst><si><t>a</t></si><si/><si><t>c</t></si></sst>";
        let at_most =
            |limit| SharedStrings::read_at_most(&mut Xml::new("s.xml", xml.as_bytes()), limit);
        assert_eq!(at_most(3).unwrap().len(), 3);
        let e = at_most(2).unwrap_err().to_string();
        assert!(e.starts_with("file: 共享字符串表超过 2 项"), "{e}");
        assert_eq!(MAX_SHARED_STRINGS, 16_777_216);
    }
}
