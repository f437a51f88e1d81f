//! Typesetting for the PDFs the application writes: A4 pages, one embedded CJK font (Noto Sans
//! CJK SC, `static/fonts/`), text measured and placed character by character, lines, boxes and
//! circles. krilla writes the file and subsets the font into it, so each PDF carries only the
//! glyphs it uses, and the text stays selectable and searchable.
//!
//! Chinese needs no shaping (every character is one glyph of one em), and the Latin letters and
//! digits on certificates and tables read well without kerning; so glyphs come straight from
//! the font's character map and advances, which also gives exact widths for wrapping and
//! right-aligned numbers.

use std::sync::LazyLock;

use krilla::Document;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke, StrokeDash};
use krilla::surface::Surface;
use krilla::text::{Font, GlyphId, KrillaGlyph};
use skrifa::MetadataProvider;
use skrifa::instance::{LocationRef, Size};

static FONT_BYTES: &[u8] = include_bytes!("../../static/fonts/NotoSansCJKsc-Regular.otf");

/// A4 in points (1/72 inch).
pub const A4_WIDTH: f32 = 595.28;
pub const A4_HEIGHT: f32 = 841.89;

/// The font, read once.
struct Face {
    font: Font,
    data: skrifa::FontRef<'static>,
    units_per_em: f32,
}

static FACE: LazyLock<Option<Face>> = LazyLock::new(|| {
    let data = skrifa::FontRef::new(FONT_BYTES).ok()?;
    let units_per_em = f32::from(
        data.metrics(Size::unscaled(), LocationRef::default())
            .units_per_em,
    );
    Some(Face {
        font: Font::new(FONT_BYTES.into(), 0)?,
        data,
        units_per_em,
    })
});

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("the embedded font cannot be read")]
    Font,
    #[error("the PDF cannot be written: {0:?}")]
    Write(krilla::error::KrillaError),
}

fn face() -> Result<&'static Face, PdfError> {
    FACE.as_ref().ok_or(PdfError::Font)
}

/// The glyphs of `text` at one em, with each glyph's byte range (for the text layer).
fn glyphs(face: &Face, text: &str) -> Vec<KrillaGlyph> {
    let charmap = face.data.charmap();
    let metrics = face
        .data
        .glyph_metrics(Size::unscaled(), LocationRef::default());
    text.char_indices()
        .map(|(at, ch)| {
            let id = charmap.map(ch).unwrap_or_default();
            let advance = metrics.advance_width(id).unwrap_or(0.0) / face.units_per_em;
            KrillaGlyph::new(
                GlyphId::new(id.to_u32()),
                advance,
                0.0,
                0.0,
                0.0,
                at..at + ch.len_utf8(),
                None,
            )
        })
        .collect()
}

/// The width of `text` at `size` points.
pub fn width(text: &str, size: f32) -> f32 {
    match face() {
        Ok(face) => glyphs(face, text).iter().map(|g| g.x_advance).sum::<f32>() * size,
        Err(_) => 0.0,
    }
}

/// `text` broken into lines no wider than `max` at `size`: between any two characters of
/// Chinese, at a space in Latin text when one is near, never losing a character. A line always
/// holds at least one character, however narrow `max`.
pub fn wrap(text: &str, size: f32, max: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        let mut line_width = 0.0;
        for ch in paragraph.chars() {
            let w = width(ch.encode_utf8(&mut [0; 4]), size);
            if line_width + w > max && !line.is_empty() {
                // Carry a Latin word that began on this line over whole, if it is short.
                let carry = match line.rfind(' ') {
                    Some(at) if ch.is_ascii_alphanumeric() && line.len() - at < 24 => {
                        let word = line[at + 1..].to_owned();
                        line.truncate(at);
                        word
                    }
                    _ => String::new(),
                };
                lines.push(std::mem::take(&mut line));
                line = carry;
                line_width = width(&line, size);
            }
            line.push(ch);
            line_width += w;
        }
        lines.push(line);
    }
    lines
}

/// A colour as 0–255 red, green, blue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Colour(pub u8, pub u8, pub u8);

pub const BLACK: Colour = Colour(0, 0, 0);
pub const GREY: Colour = Colour(85, 85, 85);
pub const SEAL_RED: Colour = Colour(179, 51, 51);

fn paint(c: Colour) -> rgb::Color {
    rgb::Color::new(c.0, c.1, c.2)
}

/// Where text sits horizontally relative to its x.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Centre,
    Right,
}

/// A document being written, page by page.
pub struct Pdf {
    document: Document,
}

impl Pdf {
    /// A new document with its title (shown by viewers) in Chinese.
    pub fn new(title: &str) -> Result<Pdf, PdfError> {
        face()?;
        let mut document = Document::new();
        document.set_metadata(
            Metadata::new()
                .title(title.to_owned())
                .language("zh-CN".to_owned())
                .creator("techreg".to_owned()),
        );
        Ok(Pdf { document })
    }

    /// Adds an A4 page drawn by `draw`.
    pub fn page(&mut self, draw: impl FnOnce(&mut Canvas<'_, '_>)) {
        let settings = PageSettings::from_wh(A4_WIDTH, A4_HEIGHT).unwrap_or_default();
        let mut page = self.document.start_page_with(settings);
        let mut surface = page.surface();
        draw(&mut Canvas {
            surface: &mut surface,
        });
        surface.finish();
        page.finish();
    }

    pub fn finish(self) -> Result<Vec<u8>, PdfError> {
        self.document.finish().map_err(PdfError::Write)
    }
}

/// One page's drawing surface; coordinates in points from the top left corner, y downwards.
pub struct Canvas<'s, 'p> {
    surface: &'s mut Surface<'p>,
}

impl Canvas<'_, '_> {
    /// Writes one line of `text` with its baseline at `y`.
    pub fn text(&mut self, x: f32, y: f32, size: f32, align: Align, colour: Colour, text: &str) {
        let Ok(face) = face() else { return };
        let glyphs = glyphs(face, text);
        let w = glyphs.iter().map(|g| g.x_advance).sum::<f32>() * size;
        let x = match align {
            Align::Left => x,
            Align::Centre => x - w / 2.0,
            Align::Right => x - w,
        };
        self.surface.set_stroke(None);
        self.surface.set_fill(Some(Fill {
            paint: paint(colour).into(),
            opacity: NormalizedF32::ONE,
            rule: Default::default(),
        }));
        self.surface.draw_glyphs(
            Point::from_xy(x, y),
            &glyphs,
            face.font.clone(),
            text,
            size,
            false,
        );
    }

    /// A straight line.
    pub fn line(&mut self, from: (f32, f32), to: (f32, f32), width: f32, colour: Colour) {
        let mut p = PathBuilder::new();
        p.move_to(from.0, from.1);
        p.line_to(to.0, to.1);
        self.stroke(p, width, colour, None);
    }

    /// A rectangle, filled with `fill` when given, outlined when `outline` is.
    pub fn rect(
        &mut self,
        (x, y, w, h): (f32, f32, f32, f32),
        fill: Option<Colour>,
        outline: Option<(f32, Colour)>,
    ) {
        let Some(r) = Rect::from_xywh(x, y, w, h) else {
            return;
        };
        if let Some(f) = fill {
            let mut p = PathBuilder::new();
            p.push_rect(r);
            if let Some(path) = p.finish() {
                self.surface.set_stroke(None);
                self.surface.set_fill(Some(Fill {
                    paint: paint(f).into(),
                    opacity: NormalizedF32::ONE,
                    rule: Default::default(),
                }));
                self.surface.draw_path(&path);
            }
        }
        if let Some((width, colour)) = outline {
            let mut p = PathBuilder::new();
            p.push_rect(r);
            self.stroke(p, width, colour, None);
        }
    }

    /// A circle outline, dashed when `dash` is given (the seal's place).
    pub fn circle(
        &mut self,
        (cx, cy): (f32, f32),
        r: f32,
        width: f32,
        colour: Colour,
        dash: Option<f32>,
    ) {
        // Four cubic arcs; 0.5523 puts their control points where a circle needs them.
        let k = 0.552_285 * r;
        let mut p = PathBuilder::new();
        p.move_to(cx + r, cy);
        p.cubic_to(cx + r, cy + k, cx + k, cy + r, cx, cy + r);
        p.cubic_to(cx - k, cy + r, cx - r, cy + k, cx - r, cy);
        p.cubic_to(cx - r, cy - k, cx - k, cy - r, cx, cy - r);
        p.cubic_to(cx + k, cy - r, cx + r, cy - k, cx + r, cy);
        p.close();
        self.stroke(p, width, colour, dash);
    }

    fn stroke(&mut self, p: PathBuilder, width: f32, colour: Colour, dash: Option<f32>) {
        let Some(path) = p.finish() else { return };
        self.surface.set_fill(None);
        self.surface.set_stroke(Some(Stroke {
            paint: paint(colour).into(),
            width,
            dash: dash.map(|d| StrokeDash {
                array: vec![d, d],
                offset: 0.0,
            }),
            ..Default::default()
        }));
        self.surface.draw_path(&path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_is_one_em_and_latin_narrower() {
        assert!((width("技术合同", 10.0) - 40.0).abs() < 0.01);
        let digits = width("2026", 10.0);
        assert!(digits > 10.0 && digits < 30.0, "{digits}");
        assert_eq!(width("", 10.0), 0.0);
    }

    #[test]
    fn rare_characters_of_names_have_glyphs() {
        let face = face().unwrap();
        // 䶮 (Extension A), 堃 喆 赟 犇 淼 垚 鑫: characters of given names and firm names.
        for g in glyphs(face, "䶮堃喆赟犇淼垚鑫") {
            assert_ne!(g.glyph_id.to_u32(), 0, "{:?}", g.text_range);
        }
    }

    #[test]
    fn wrapping_keeps_every_character_and_each_line_fits() {
        let text = "广州智造科技有限公司与北京未来能源研究院关于区域储能产业技术咨询的合同 Energy storage consulting";
        let lines = wrap(text, 10.0, 120.0);
        assert!(lines.len() > 2, "{lines:?}");
        assert_eq!(lines.concat().replace(' ', ""), text.replace(' ', ""));
        for l in &lines {
            assert!(width(l, 10.0) <= 120.0 + 0.01, "{l}");
        }
        // A Latin word is not split where a space lets it move whole.
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with("consulting") || l.ends_with("consulting"))
        );
        assert_eq!(
            wrap("甲乙", 10.0, 1.0),
            ["甲", "乙"],
            "one character per line at least"
        );
        assert_eq!(wrap("", 10.0, 100.0), [""]);
    }

    #[test]
    fn a_document_is_a_pdf_with_the_font_subset_into_it() {
        let mut pdf = Pdf::new("测试").unwrap();
        pdf.page(|c| {
            c.text(50.0, 80.0, 20.0, Align::Left, BLACK, "技术合同登记证明");
            c.rect((40.0, 40.0, 200.0, 60.0), None, Some((0.8, BLACK)));
            c.circle((300.0, 300.0), 40.0, 1.5, SEAL_RED, Some(4.0));
        });
        let bytes = pdf.finish().unwrap();
        assert!(bytes.starts_with(b"%PDF-"));
        assert!(
            bytes.len() < 200_000,
            "a subset, not the 16 MB font: {} bytes",
            bytes.len()
        );
    }
}
