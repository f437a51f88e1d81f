//! Field-keyed validation errors: every problem of a form at once, each next to its field.

use std::collections::BTreeMap;

/// Errors keyed by form field name, in zh, in the order they were found per field.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldErrors {
    errors: BTreeMap<String, Vec<String>>,
}

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.errors
            .entry(field.to_owned())
            .or_default()
            .push(message.into());
    }

    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// The messages for one field (empty when it has none).
    pub fn get(&self, field: &str) -> &[String] {
        self.errors.get(field).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The first message for one field, for templates.
    pub fn first(&self, field: &str) -> Option<&str> {
        self.get(field).first().map(String::as_str)
    }

    pub fn has(&self, field: &str) -> bool {
        self.errors.contains_key(field)
    }

    /// Every (field, message) pair, fields in name order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.errors
            .iter()
            .flat_map(|(f, ms)| ms.iter().map(move |m| (f.as_str(), m.as_str())))
    }

    pub fn len(&self) -> usize {
        self.errors.values().map(Vec::len).sum()
    }

    /// `Ok(())` when empty, so a check can end with `errors.into_result()?`.
    pub fn into_result(self) -> Result<(), FieldErrors> {
        if self.is_empty() { Ok(()) } else { Err(self) }
    }
}

impl From<validator::ValidationErrors> for FieldErrors {
    fn from(v: validator::ValidationErrors) -> Self {
        let mut out = FieldErrors::new();
        for (field, errors) in v.field_errors() {
            for e in errors {
                let message = e
                    .message
                    .as_ref()
                    .map(|m| m.to_string())
                    .unwrap_or_else(|| "填写有误".to_owned());
                out.add(field.as_ref(), message);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collects_errors_per_field() {
        let mut e = FieldErrors::new();
        assert!(e.clone().into_result().is_ok());
        e.add("b", "二");
        e.add("a", "一");
        e.add("a", "三");
        assert_eq!(e.len(), 3);
        assert_eq!(e.first("a"), Some("一"));
        assert_eq!(e.get("c"), &[] as &[String]);
        assert_eq!(
            e.iter().map(|(f, _)| f).collect::<Vec<_>>(),
            ["a", "a", "b"]
        );
        assert!(e.into_result().is_err());
    }
}
