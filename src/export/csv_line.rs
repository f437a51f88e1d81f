//! CSV lines as RFC 4180 writes them, for every CSV techreg produces (and the CSV text the
//! XLSX reader turns a sheet into).

/// Appends one CSV field, quoted only when it holds a comma, quote or line break (RFC 4180).
pub fn push_field(out: &mut String, value: &str) {
    if value.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&value.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(value);
    }
}

/// Appends a record of fields and its LF.
pub fn push_record<'a>(out: &mut String, fields: impl IntoIterator<Item = &'a str>) {
    for (i, field) in fields.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_field(out, field);
    }
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_only_when_needed() {
        let mut out = String::new();
        push_record(&mut out, ["a", "b,c", "say \"hi\"", "x\ny", "", "中文"]);
        assert_eq!(out, "a,\"b,c\",\"say \"\"hi\"\"\",\"x\ny\",,中文\n");
    }
}
