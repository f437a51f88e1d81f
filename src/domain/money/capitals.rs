//! Amounts in Chinese capitals (大写金额) for the registration certificate.

const DIGITS: [&str; 10] = ["零", "壹", "贰", "叁", "肆", "伍", "陆", "柒", "捌", "玖"];
/// Places within a group of four digits, highest first.
const PLACES: [(u64, &str); 4] = [(1000, "仟"), (100, "佰"), (10, "拾"), (1, "")];
/// The name of each group of four digits, lowest first.
const GROUPS: [&str; 5] = ["", "万", "亿", "万亿", "亿亿"];

/// "人民币…" for an amount in fen (负 before a negative one).
pub(super) fn write(fen: i64) -> String {
    let mut out = String::from("人民币");
    if fen < 0 {
        out.push('负');
    }
    let fen = fen.unsigned_abs();
    let (yuan, jiao, cents) = (fen / 100, (fen / 10 % 10) as usize, (fen % 10) as usize);
    if yuan > 0 {
        push_integer(&mut out, yuan);
        out.push('元');
    }
    match (jiao, cents) {
        (0, 0) if yuan == 0 => out.push_str("零元整"),
        (0, 0) => out.push('整'),
        (j, 0) => {
            out.push_str(DIGITS[j]);
            out.push_str("角整");
        }
        (0, c) => {
            if yuan > 0 {
                out.push('零');
            }
            out.push_str(DIGITS[c]);
            out.push('分');
        }
        (j, c) => {
            out.push_str(DIGITS[j]);
            out.push('角');
            out.push_str(DIGITS[c]);
            out.push('分');
        }
    }
    out
}

/// A positive whole number, group by group of four digits: a group of zeros is left out, and
/// a gap of zeros before a non-zero group is one 零.
fn push_integer(out: &mut String, n: u64) {
    let mut groups = Vec::with_capacity(GROUPS.len());
    let mut rest = n;
    while rest > 0 {
        groups.push(rest % 10_000);
        rest /= 10_000;
    }
    let mut started = false;
    let mut gap = false;
    for (i, &group) in groups.iter().enumerate().rev() {
        if group == 0 {
            gap |= started;
            continue;
        }
        if started && (gap || group < 1000) {
            out.push('零');
        }
        push_group(out, group);
        out.push_str(GROUPS[i]);
        started = true;
        gap = false;
    }
}

/// 1 to 9999 without leading zeros; a run of inner zeros is one 零, trailing zeros nothing.
fn push_group(out: &mut String, group: u64) {
    let mut started = false;
    let mut zero = false;
    for (place, unit) in PLACES {
        let digit = (group / place % 10) as usize;
        if digit == 0 {
            zero |= started;
            continue;
        }
        if zero {
            out.push('零');
            zero = false;
        }
        out.push_str(DIGITS[digit]);
        out.push_str(unit);
        started = true;
    }
}

#[cfg(test)]
mod tests {
    use super::write;

    fn yuan(y: i64) -> String {
        write(y * 100)
    }

    #[test]
    fn whole_amounts() {
        assert_eq!(yuan(1_200_000), "人民币壹佰贰拾万元整");
        assert_eq!(yuan(10), "人民币壹拾元整");
        assert_eq!(yuan(16), "人民币壹拾陆元整");
        assert_eq!(yuan(1_010), "人民币壹仟零壹拾元整");
        assert_eq!(yuan(10_001), "人民币壹万零壹元整");
        assert_eq!(yuan(15_000), "人民币壹万伍仟元整");
        assert_eq!(yuan(100_050_000), "人民币壹亿零伍万元整");
        assert_eq!(yuan(100_000_001), "人民币壹亿零壹元整");
        assert_eq!(yuan(100_001_000), "人民币壹亿零壹仟元整");
        assert_eq!(yuan(1_000_000_000), "人民币壹拾亿元整");
        assert_eq!(
            yuan(99_999_999_999),
            "人民币玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元整"
        );
    }

    #[test]
    fn jiao_and_fen() {
        assert_eq!(write(0), "人民币零元整");
        assert_eq!(write(50), "人民币伍角整");
        assert_eq!(write(5), "人民币伍分");
        assert_eq!(write(1_640_902), "人民币壹万陆仟肆佰零玖元零贰分");
        assert_eq!(write(168_032), "人民币壹仟陆佰捌拾元叁角贰分");
        assert_eq!(write(500_000_050), "人民币伍佰万元伍角整");
        assert_eq!(write(-1_000), "人民币负壹拾元整");
    }
}
