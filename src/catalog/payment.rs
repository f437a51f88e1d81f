//! 支付方式: payment methods (domain.md §3.10; codes are our own, modes from 民法典 art. 846).

/// One payment method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PaymentMethod {
    /// One-digit code.
    pub code: &'static str,
    /// zh label.
    pub label: &'static str,
}

const fn entry(code: &'static str, label: &'static str) -> PaymentMethod {
    PaymentMethod { code, label }
}

/// All payment methods in code order.
pub const ALL: &[PaymentMethod] = &[
    entry("1", "一次总算、一次总付"),
    entry("2", "一次总算、分期支付"),
    entry("3", "提成支付"),
    entry("4", "提成支付附加预付入门费"),
    entry("9", "其他"),
];

/// The payment method with code `code`.
pub fn get(code: &str) -> Option<&'static PaymentMethod> {
    ALL.iter().find(|p| p.code == code)
}

/// Whether `code` is a payment-method code.
pub fn is_valid(code: &str) -> bool {
    get(code).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookups() {
        let codes: Vec<&str> = ALL.iter().map(|p| p.code).collect();
        assert_eq!(codes, ["1", "2", "3", "4", "9"]);
        assert_eq!(get("3").map(|p| p.label), Some("提成支付"));
        assert!(!is_valid("5") && !is_valid("01"));
    }
}
