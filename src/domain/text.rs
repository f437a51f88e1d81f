//! Normalisation of Chinese input habits: full-width ASCII, ideographic spaces, stray whitespace;
//! and the characters no typed or imported text may hold.
//!
//! Chinese input methods often produce full-width digits, letters and punctuation
//! (U+FF01–U+FF5E) and the ideographic space (U+3000). Every parser in `domain` folds them
//! first, so "１２５００" and "12500" mean the same.

/// Maps one full-width ASCII variant or the ideographic space to its ASCII form.
pub fn fold_char(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => {
            char::from_u32(c as u32 - 0xFEE0).expect("U+FF01..U+FF5E minus 0xFEE0 is ASCII")
        }
        '\u{3000}' => ' ',
        c => c,
    }
}

/// Folds full-width ASCII (U+FF01–U+FF5E) to ASCII and U+3000 to a space; nothing else changes.
pub fn fold_width(s: &str) -> String {
    s.chars().map(fold_char).collect()
}

/// Folds width, trims, and collapses each run of whitespace into one ASCII space.
pub fn normalise(s: &str) -> String {
    let folded = fold_width(s);
    let mut out = String::with_capacity(folded.len());
    for word in folded.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// `normalise` plus ASCII lower-casing: the key for duplicate comparisons of names.
pub fn normalise_name(s: &str) -> String {
    normalise(s).to_ascii_lowercase()
}

/// Folds width and removes all whitespace: for codes that clerks type with spaces.
pub fn compact(s: &str) -> String {
    fold_width(s)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// Whether `c` is a Unicode format character (general category Cf, Unicode 16): invisible
/// characters that change how the text around them is displayed — bidirectional overrides and
/// isolates (U+202A–U+202E, U+2066–U+2069) can make `invoice\u{202E}fdp.exe` read as
/// "invoiceexe.pdf" — zero-width spaces and joiners, the soft hyphen, the byte order mark.
pub fn is_format(c: char) -> bool {
    matches!(
        c as u32,
        0x00AD
            | 0x0600..=0x0605
            | 0x061C
            | 0x06DD
            | 0x070F
            | 0x0890..=0x0891
            | 0x08E2
            | 0x180E
            | 0x200B..=0x200F
            | 0x202A..=0x202E
            | 0x2060..=0x2064
            | 0x2066..=0x206F
            | 0xFEFF
            | 0xFFF9..=0xFFFB
            | 0x110BD
            | 0x110CD
            | 0x13430..=0x1343F
            | 0x1BCA0..=0x1BCA3
            | 0x1D173..=0x1D17A
            | 0xE0001
            | 0xE0020..=0xE007F
    )
}

/// What a text may hold besides printable characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Breaks {
    /// One line: a tab at most (it is collapsed like a space).
    None,
    /// Several lines: tab, line feed and carriage return.
    Lines,
}

/// A character that must not appear in text someone typed or imported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Forbidden {
    /// A control character (Cc), or a line break in one-line text.
    Control(char),
    /// An invisible format character (Cf).
    Format(char),
}

impl Forbidden {
    /// The zh reason, naming the character's code point: "…不能包含…（U+202E）".
    pub fn message(self, name: &str) -> String {
        match self {
            Forbidden::Control(c) => {
                format!("{name}不能包含换行符或其他控制字符（U+{:04X}）", c as u32)
            }
            Forbidden::Format(c) => format!(
                "{name}不能包含不可见的格式控制字符（U+{:04X}，如文字方向控制符、零宽字符）",
                c as u32
            ),
        }
    }
}

/// The first forbidden character of `s`: any format character (Cf), any control character
/// (Cc) except the breaks `breaks` allows, and the Unicode line and paragraph separators
/// (U+2028, U+2029) in one-line text.
pub fn forbidden(s: &str, breaks: Breaks) -> Option<Forbidden> {
    s.chars().find_map(|c| {
        let allowed_break = match breaks {
            Breaks::None => c == '\t',
            Breaks::Lines => matches!(c, '\t' | '\n' | '\r' | '\u{2028}' | '\u{2029}'),
        };
        if is_format(c) {
            Some(Forbidden::Format(c))
        } else if (c.is_control() || matches!(c, '\u{2028}' | '\u{2029}')) && !allowed_break {
            Some(Forbidden::Control(c))
        } else {
            None
        }
    })
}

/// `s` without format and control characters (for names that are cleaned, not refused, such as
/// an uploaded file's name).
pub fn strip_invisible(s: &str) -> String {
    s.chars()
        .filter(|c| !is_format(*c) && !c.is_control() && !matches!(c, '\u{2028}' | '\u{2029}'))
        .collect()
}

/// A value as quoted in a message or named in an audit entry: at most 20 characters, then "…".
pub fn shown(value: &str) -> String {
    const MAX: usize = 20;
    if value.chars().count() > MAX {
        format!("{}…", value.chars().take(MAX).collect::<String>())
    } else {
        value.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_full_width() {
        assert_eq!(fold_width("１２，５００．５０"), "12,500.50");
        assert_eq!(fold_width("ＡＢＣｘｙｚ！～"), "ABCxyz!~");
        assert_eq!(fold_width("（有限公司）"), "(有限公司)");
        assert_eq!(fold_width("a\u{3000}b"), "a b");
        // Characters outside the block are untouched.
        assert_eq!(fold_width("中文、。￥"), "中文、。￥");
    }

    #[test]
    fn normalises_whitespace() {
        assert_eq!(
            normalise("  北京\u{3000}\u{3000}某某  公司\t\n"),
            "北京 某某 公司"
        );
        assert_eq!(normalise(""), "");
        assert_eq!(normalise(" \u{3000} "), "");
    }

    #[test]
    fn name_key() {
        assert_eq!(
            normalise_name("ＡＢＣ科技（北京）有限公司 "),
            normalise_name("abc科技(北京)有限公司")
        );
        assert_eq!(compact(" 2016 4403\u{3000}01 000123 "), "2016440301000123");
    }

    #[test]
    fn format_and_control_characters_are_found() {
        for c in [
            '\u{202A}', '\u{202E}', '\u{2066}', '\u{2069}', '\u{200B}', '\u{200D}',
        ] {
            assert!(is_format(c), "{:04X}", c as u32);
            assert_eq!(
                forbidden(&format!("名称{c}x"), Breaks::Lines),
                Some(Forbidden::Format(c))
            );
        }
        for c in ['\u{00AD}', '\u{FEFF}', '\u{061C}', '\u{E0041}', '\u{1D173}'] {
            assert!(is_format(c), "{:04X}", c as u32);
        }
        // Neighbours of the ranges are ordinary text.
        for c in [
            '\u{00AC}', '\u{2010}', '\u{2065}', '中', 'A', '\u{3000}', '\u{FF01}',
        ] {
            assert!(!is_format(c), "{:04X}", c as u32);
        }
        assert_eq!(forbidden("北京\t某某公司", Breaks::None), None);
        assert_eq!(
            forbidden("北京\n某某", Breaks::None),
            Some(Forbidden::Control('\n'))
        );
        assert_eq!(forbidden("第一行\r\n第二行", Breaks::Lines), None);
        assert_eq!(
            forbidden("a\u{7}b", Breaks::Lines),
            Some(Forbidden::Control('\u{7}'))
        );
        assert_eq!(
            forbidden("a\u{2028}b", Breaks::None),
            Some(Forbidden::Control('\u{2028}'))
        );
        assert!(
            Forbidden::Format('\u{202E}')
                .message("卖方名称")
                .starts_with("卖方名称不能包含不可见的格式控制字符（U+202E")
        );
        assert_eq!(
            strip_invisible("invoice\u{202E}fdp\u{0}.exe"),
            "invoicefdp.exe"
        );
    }
}
