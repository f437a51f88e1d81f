//! The formulas of the national tables, once: exact integer arithmetic on fen and counts,
//! rounded half away from zero per cell (domain.md §5.5, interchange.md §2). Values come back
//! in hundredths (or tenths) of their printed unit, so nothing is ever re-added from rounded
//! cells.

/// 1 亿元 in fen.
pub const FEN_PER_100M_YUAN: i128 = 10_000_000_000;
/// 1 万元 in fen.
pub const FEN_PER_10K_YUAN: i128 = 1_000_000;

/// `num / den` rounded half away from zero; `None` when `den` is zero.
pub fn div_round(num: i128, den: i128) -> Option<i128> {
    if den == 0 {
        return None;
    }
    let (q, r) = (num / den, num % den);
    // |2r| >= |den| means the fraction is at least one half.
    if 2 * r.abs() >= den.abs() {
        Some(if (num < 0) != (den < 0) { q - 1 } else { q + 1 })
    } else {
        Some(q)
    }
}

/// An amount in 亿元 with 2 decimals, as hundredths of 亿元.
pub fn amount_100m(fen: i128) -> i128 {
    div_round(fen, FEN_PER_100M_YUAN / 100).unwrap_or(0)
}

/// An amount in 亿元 with 1 decimal (R&D expenditure as printed), as tenths of 亿元.
pub fn amount_100m_1dp(fen: i128) -> i128 {
    div_round(fen, FEN_PER_100M_YUAN / 10).unwrap_or(0)
}

/// The average amount per contract in 万元 with 2 decimals (hundredths of 万元); `None` over
/// no contracts.
pub fn average_10k(fen: i128, count: i64) -> Option<i128> {
    if count <= 0 {
        return None;
    }
    div_round(fen, i128::from(count) * (FEN_PER_10K_YUAN / 100))
}

/// `part / whole × 100` with 2 decimals (hundredths of a percent); `None` for a zero whole.
pub fn percent(part: i128, whole: i128) -> Option<i128> {
    div_round(part * 10_000, whole)
}

/// Growth against the prior year in percent with 2 decimals: `(current / prior − 1) × 100`;
/// `None` where the prior year has no figure or 0 (a row that drops to nothing is -100.00).
pub fn growth(current: i128, prior: Option<i128>) -> Option<i128> {
    match prior {
        Some(p) if p != 0 => div_round((current - p) * 10_000, p),
        _ => None,
    }
}

/// Ranks by amount, descending: `amounts[i]` is row i's amount, `None` where it has no
/// contracts. Ties keep the given order (the rows come in reference order), so ranks are never
/// shared among rows with contracts; rows without contracts all get the number of rows.
pub fn ranks(amounts: &[Option<i128>]) -> Vec<i64> {
    let mut order: Vec<usize> = (0..amounts.len())
        .filter(|&i| amounts[i].is_some())
        .collect();
    // A stable sort keeps the reference order among equal amounts.
    order.sort_by_key(|&i| std::cmp::Reverse(amounts[i]));
    let last = amounts.len() as i64;
    let mut rank = vec![last; amounts.len()];
    for (position, &i) in order.iter().enumerate() {
        rank[i] = position as i64 + 1;
    }
    rank
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_is_half_away_from_zero() {
        assert_eq!(div_round(5, 2), Some(3));
        assert_eq!(div_round(-5, 2), Some(-3));
        assert_eq!(div_round(4, 3), Some(1));
        assert_eq!(div_round(-4, 3), Some(-1));
        assert_eq!(div_round(5, -2), Some(-3));
        assert_eq!(div_round(1, 0), None);
        assert_eq!(div_round(0, 7), Some(0));
        // 0.005 亿元 (5e7 fen) is half a hundredth: away from zero.
        assert_eq!(amount_100m(50_000_000), 1);
        assert_eq!(amount_100m(49_999_999), 0);
        assert_eq!(amount_100m(-50_000_000), -1);
    }

    #[test]
    fn amounts_in_100m_yuan() {
        // 11406.98 亿元 exactly, and a few fen either side.
        let total = 1_140_698 * (FEN_PER_100M_YUAN / 100);
        assert_eq!(amount_100m(total), 1_140_698);
        assert_eq!(amount_100m(total + 49_999_999), 1_140_698);
        assert_eq!(amount_100m(total + 50_000_000), 1_140_699);
        assert_eq!(amount_100m_1dp(156_767 * (FEN_PER_100M_YUAN / 10)), 156_767);
        assert_eq!(amount_100m_1dp(4_999_999_999), 5);
    }

    #[test]
    fn averages_in_10k_yuan() {
        // 附表2: 5851.13 亿元 over 134852 contracts is 433.89 万元.
        let fen = 585_113 * (FEN_PER_100M_YUAN / 100);
        assert_eq!(average_10k(fen, 134_852), Some(43_389));
        assert_eq!(average_10k(fen, 0), None);
        // 1 元 over 3 contracts: 0.0000333 万元 rounds to 0.00.
        assert_eq!(average_10k(100, 3), Some(0));
        assert_eq!(average_10k(3 * FEN_PER_10K_YUAN / 2, 1), Some(150));
    }

    #[test]
    fn shares() {
        // 委托开发 3139.04 / 11406.98 = 27.52 %.
        assert_eq!(percent(313_904, 1_140_698), Some(2_752));
        assert_eq!(percent(1, 0), None);
        assert_eq!(percent(7, 7), Some(10_000));
        assert_eq!(percent(0, 7), Some(0));
    }

    #[test]
    fn growth_rates() {
        assert_eq!(growth(1_140_698, Some(983_579)), Some(1_597)); // 15.97 %
        assert_eq!(growth(0, Some(10)), Some(-10_000)); // dropped to nothing: -100.00
        assert_eq!(growth(10, Some(0)), None);
        assert_eq!(growth(10, None), None);
        // -0.005 % rounds away from zero to -0.01.
        assert_eq!(growth(199_990, Some(200_000)), Some(-1));
        assert_eq!(growth(199_999, Some(200_000)), Some(0));
        assert_eq!(growth(320_437, Some(307_132)), Some(433)); // 4.33 %
    }

    #[test]
    fn ranks_with_ties_and_rows_without_contracts() {
        let r = ranks(&[Some(5), None, Some(9), Some(5), None, Some(0)]);
        assert_eq!(r, vec![2, 6, 1, 3, 6, 4]);
        assert_eq!(ranks(&[]), Vec::<i64>::new());
        assert_eq!(ranks(&[None, None]), vec![2, 2]);
    }
}
