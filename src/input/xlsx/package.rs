//! The package under a workbook: finding its parts (by the relationships, as OOXML says, with
//! the usual names as fallback) and reading them as streams of XML events. Elements and
//! attributes are matched by local name, so `x:row` is a `row`.

use std::borrow::Cow;
use std::io::{BufReader, Cursor, Read};

use quick_xml::events::{BytesStart, Event};

use super::unreadable;
use crate::input::Problem;

pub(super) type Archive<'a> = zip::ZipArchive<Cursor<&'a [u8]>>;

/// Where the reader finds what it needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Parts {
    /// Archive index of the first worksheet.
    pub sheet: usize,
    pub shared_strings: Option<usize>,
    pub styles: Option<usize>,
    /// Serial dates count from 1904-01-01 (`workbookPr date1904`).
    pub date1904: bool,
}

/// An XML part being read event by event. The buffer grows to the largest single event (a
/// tag or a text run), never to the part.
pub(super) struct Xml<R: Read> {
    reader: quick_xml::Reader<BufReader<R>>,
    buf: Vec<u8>,
    part: String,
}

impl<R: Read> Xml<R> {
    pub fn new(part: &str, source: R) -> Self {
        Xml {
            reader: quick_xml::Reader::from_reader(BufReader::new(source)),
            buf: Vec::new(),
            part: part.to_owned(),
        }
    }

    pub fn next(&mut self) -> Result<Event<'_>, Problem> {
        self.buf.clear();
        match self.reader.read_event_into(&mut self.buf) {
            Ok(event) => Ok(event),
            Err(e) => Err(unreadable(&format!(
                "{}（第 {} 字节处）：{e}",
                self.part,
                self.reader.error_position()
            ))),
        }
    }

    /// A problem with the structure of this part.
    pub fn malformed(&self, what: &str) -> Problem {
        unreadable(&format!("{} {what}", self.part))
    }
}

/// Opens part `index` of the archive as XML.
pub(super) fn open<'z>(
    archive: &'z mut Archive<'_>,
    index: usize,
) -> Result<Xml<impl Read + 'z>, Problem> {
    let name = match archive.name_for_index(index) {
        Some(Ok(n)) => n.into_owned(),
        _ => format!("#{index}"),
    };
    let part = archive.by_index(index).map_err(|e| unreadable(&e))?;
    Ok(Xml::new(&name, part))
}

/// The local name of an element (`x:row` → `row`).
pub(super) fn local<'e>(e: &'e BytesStart<'_>) -> &'e str {
    e.local_name().into_inner()
}

/// The value of the attribute with local name `name`, entities resolved.
pub(super) fn attr<'e>(e: &'e BytesStart<'_>, name: &str) -> Result<Option<Cow<'e, str>>, Problem> {
    let [value] = attrs(e, [name])?;
    Ok(value)
}

/// The values of the attributes with local names `names`, in one pass over the tag (the
/// sheet reads three of every cell). Of a repeated attribute the first counts.
pub(super) fn attrs<'e, const N: usize>(
    e: &'e BytesStart<'_>,
    names: [&str; N],
) -> Result<[Option<Cow<'e, str>>; N], Problem> {
    let mut found: [Option<Cow<'e, str>>; N] = std::array::from_fn(|_| None);
    let mut all = e.attributes();
    all.with_checks(false);
    for a in all {
        let a = a.map_err(|e| unreadable(&e))?;
        let key = a.key.local_name().into_inner();
        if let Some(slot) = names
            .iter()
            .position(|n| *n == key)
            .and_then(|i| found.get_mut(i))
            && slot.is_none()
        {
            *slot = Some(
                a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                    .map_err(|e| unreadable(&e))?,
            );
        }
    }
    Ok(found)
}

/// Appends the character data an event carries (text, CDATA, or a character or predefined
/// entity reference) to `out`; false for any other event.
pub(super) fn push_text(out: &mut String, event: &Event<'_>) -> Result<bool, Problem> {
    match event {
        Event::Text(t) => out.push_str(&t.xml10_content()),
        Event::CData(t) => out.push_str(&t.xml10_content()),
        Event::GeneralRef(r) => match r.resolve_char_ref() {
            Ok(Some(c)) => out.push(c),
            Ok(None) => match quick_xml::escape::resolve_xml_entity(r) {
                Some(s) => out.push_str(s),
                None => return Err(unreadable(&format!("未知的 XML 实体 &{};", shown(r)))),
            },
            Err(e) => return Err(unreadable(&e)),
        },
        _ => return Ok(false),
    }
    Ok(true)
}

/// At most a few characters of text taken from the file, for a message.
pub(super) fn shown(s: &str) -> String {
    const SHOWN: usize = 24;
    let mut out: String = s.chars().take(SHOWN).collect();
    if s.chars().nth(SHOWN).is_some() {
        out.push('…');
    }
    out
}

/// The archive index of part `name` (OPC part names are case-insensitive; a leading `/` is
/// the package root).
fn find(archive: &Archive<'_>, name: &str) -> Option<usize> {
    let name = name.trim_start_matches('/');
    archive.index_for_name(name).or_else(|| {
        (0..archive.len()).find(|&i| {
            archive
                .name_for_index(i)
                .and_then(Result::ok)
                .is_some_and(|n| n.trim_start_matches('/').eq_ignore_ascii_case(name))
        })
    })
}

/// Resolves a relationship target against the folder of its source part (`xl/`): relative
/// (`worksheets/sheet1.xml`, `../x.xml`) or absolute (`/xl/worksheets/sheet1.xml`).
pub(super) fn resolve(folder: &str, target: &str) -> String {
    let target = target.replace('\\', "/");
    let joined = match target.strip_prefix('/') {
        Some(absolute) => absolute.to_owned(),
        None => format!("{folder}{target}"),
    };
    let mut segments: Vec<&str> = Vec::new();
    for s in joined.split('/') {
        match s {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            s => segments.push(s),
        }
    }
    segments.join("/")
}

/// The folder of a part name, with its trailing `/` (`xl/workbook.xml` → `xl/`).
fn folder_of(part: &str) -> &str {
    part.rfind('/').map_or("", |i| &part[..=i])
}

/// The relationships part of `part` (`xl/workbook.xml` → `xl/_rels/workbook.xml.rels`).
fn rels_of(part: &str) -> String {
    let folder = folder_of(part);
    format!("{folder}_rels/{}.rels", &part[folder.len()..])
}

/// Calls `each(id, type, target)` for every internal relationship of a relationships part;
/// a missing part has none.
fn relationships(
    archive: &mut Archive<'_>,
    rels: &str,
    mut each: impl FnMut(&str, &str, &str),
) -> Result<(), Problem> {
    let Some(index) = find(archive, rels) else {
        return Ok(());
    };
    let mut xml = open(archive, index)?;
    loop {
        match xml.next()? {
            Event::Start(e) | Event::Empty(e) if local(&e) == "Relationship" => {
                if attr(&e, "TargetMode")?.is_some_and(|m| m.eq_ignore_ascii_case("External")) {
                    continue;
                }
                let id = attr(&e, "Id")?.unwrap_or_default();
                let kind = attr(&e, "Type")?.unwrap_or_default();
                let target = attr(&e, "Target")?.unwrap_or_default();
                each(&id, &kind, &target);
            }
            Event::Eof => return Ok(()),
            _ => {}
        }
    }
}

/// The last segment of a relationship type (`…/relationships/worksheet` → `worksheet`): the
/// transitional and strict schemas share it.
fn kind_is(kind: &str, name: &str) -> bool {
    kind.rsplit('/').next() == Some(name)
}

/// Finds the first worksheet, the shared strings and the styles of the workbook.
pub(super) fn locate(archive: &mut Archive<'_>) -> Result<Parts, Problem> {
    let mut workbook = None;
    relationships(archive, "_rels/.rels", |_, kind, target| {
        if workbook.is_none() && kind_is(kind, "officeDocument") {
            workbook = Some(resolve("", target));
        }
    })?;
    let workbook = workbook.unwrap_or_else(|| "xl/workbook.xml".to_owned());
    let Some(workbook_index) = find(archive, &workbook) else {
        return Err(unreadable(&format!("缺少工作簿部件 {}", shown(&workbook))));
    };

    let (first_sheet, date1904) = read_workbook(archive, workbook_index)?;
    let Some(sheet_id) = first_sheet else {
        return Err(Problem::file("工作簿中没有工作表"));
    };

    let folder = folder_of(&workbook).to_owned();
    let (mut sheet, mut shared_strings, mut styles) = (None, None, None);
    relationships(archive, &rels_of(&workbook), |id, kind, target| {
        if sheet.is_none() && id == sheet_id {
            sheet = Some(resolve(&folder, target));
        } else if shared_strings.is_none() && kind_is(kind, "sharedStrings") {
            shared_strings = Some(resolve(&folder, target));
        } else if styles.is_none() && kind_is(kind, "styles") {
            styles = Some(resolve(&folder, target));
        }
    })?;
    let Some(sheet) = sheet else {
        return Err(unreadable(&format!(
            "找不到第一个工作表（关系 {}）",
            shown(&sheet_id)
        )));
    };
    let Some(sheet) = find(archive, &sheet) else {
        return Err(unreadable(&format!("缺少工作表部件 {}", shown(&sheet))));
    };
    let shared_strings = shared_strings.unwrap_or_else(|| format!("{folder}sharedStrings.xml"));
    let styles = styles.unwrap_or_else(|| format!("{folder}styles.xml"));
    Ok(Parts {
        sheet,
        shared_strings: find(archive, &shared_strings),
        styles: find(archive, &styles),
        date1904,
    })
}

/// The relationship id of the first `<sheet>` and whether dates count from 1904.
fn read_workbook(
    archive: &mut Archive<'_>,
    index: usize,
) -> Result<(Option<String>, bool), Problem> {
    let mut xml = open(archive, index)?;
    let (mut first_sheet, mut date1904) = (None, false);
    loop {
        match xml.next()? {
            Event::Start(e) | Event::Empty(e) => match local(&e) {
                "workbookPr" => {
                    date1904 =
                        attr(&e, "date1904")?.is_some_and(|v| matches!(v.trim(), "1" | "true"));
                }
                // `r:id` (whatever the prefix); `sheetId` is another attribute.
                "sheet" if first_sheet.is_none() => {
                    first_sheet = Some(attr(&e, "id")?.unwrap_or_default().into_owned());
                }
                _ => {}
            },
            Event::Eof => return Ok((first_sheet, date1904)),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_resolve_against_the_source_folder() {
        assert_eq!(
            resolve("xl/", "worksheets/sheet1.xml"),
            "xl/worksheets/sheet1.xml"
        );
        assert_eq!(
            resolve("xl/", "/xl/worksheets/sheet1.xml"),
            "xl/worksheets/sheet1.xml"
        );
        assert_eq!(resolve("xl/", "../custom/s.xml"), "custom/s.xml");
        assert_eq!(resolve("xl/", "./styles.xml"), "xl/styles.xml");
        assert_eq!(
            resolve("xl/", "worksheets\\sheet1.xml"),
            "xl/worksheets/sheet1.xml"
        );
        assert_eq!(resolve("", "../../../x.xml"), "x.xml");
        assert_eq!(resolve("", "xl/workbook.xml"), "xl/workbook.xml");
        assert_eq!(folder_of("xl/workbook.xml"), "xl/");
        assert_eq!(folder_of("workbook.xml"), "");
        assert_eq!(rels_of("xl/workbook.xml"), "xl/_rels/workbook.xml.rels");
        assert_eq!(rels_of("book.xml"), "_rels/book.xml.rels");
    }

    #[test]
    fn text_of_events_resolves_entities() {
        let mut xml = Xml::new(
            "t.xml",
            "<t>a &amp; b &#x4E2D;&#25991; <![CDATA[<c>]]>\r\nd</t>".as_bytes(),
        );
        let mut text = String::new();
        loop {
            match xml.next().unwrap() {
                Event::Eof => break,
                e => {
                    push_text(&mut text, &e).unwrap();
                }
            }
        }
        assert_eq!(text, "a & b 中文 <c>\nd");
        let mut xml = Xml::new("t.xml", "<t>&nbsp;</t>".as_bytes());
        let mut text = String::new();
        let mut problem = None;
        loop {
            match xml.next() {
                Ok(Event::Eof) => break,
                Ok(e) => {
                    if let Err(p) = push_text(&mut text, &e) {
                        problem = Some(p);
                    }
                }
                Err(p) => {
                    problem = Some(p);
                    break;
                }
            }
        }
        assert!(
            problem
                .unwrap()
                .to_string()
                .starts_with("file: 无法读取 Excel 工作簿")
        );
    }

    #[test]
    fn shown_text_is_cut() {
        assert_eq!(shown("abc"), "abc");
        assert_eq!(shown(&"中".repeat(30)), format!("{}…", "中".repeat(24)));
    }
}
