//! The registration years a code may be used for: code lists change (a subcategory or a plan
//! is added or withdrawn), and a contract is checked against the list of its signing year.

/// From `from` to `to` inclusive; `to` is `None` while the code is in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Years {
    pub from: u16,
    pub to: Option<u16>,
}

impl Years {
    /// Every year.
    pub const ALWAYS: Years = Years::since(0);

    /// In force from `from` on.
    pub const fn since(from: u16) -> Years {
        Years { from, to: None }
    }

    /// Whether `year` lies within.
    pub fn contains(self, year: u16) -> bool {
        year >= self.from && self.to.is_none_or(|to| year <= to)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_ends_are_included() {
        let withdrawn = Years {
            from: 2010,
            to: Some(2015),
        };
        assert!(!withdrawn.contains(2009));
        assert!(withdrawn.contains(2010) && withdrawn.contains(2015));
        assert!(!withdrawn.contains(2016));
        assert!(Years::since(2000).contains(2026) && !Years::since(2000).contains(1999));
        assert!(Years::ALWAYS.contains(1990));
    }
}
