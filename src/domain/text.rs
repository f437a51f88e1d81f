//! Normalisation of Chinese input habits: full-width ASCII, ideographic spaces, stray whitespace.
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
}
