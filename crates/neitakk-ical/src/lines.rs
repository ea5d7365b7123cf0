//! Content lines: unfolding at the byte level and splitting a line into name,
//! parameters and value (RFC 5545 section 3.1).

/// One unfolded content line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentLine {
    /// Upper-cased property name.
    pub name: String,
    /// Parameters with upper-cased names; quoted values unquoted.
    pub params: Vec<(String, Vec<String>)>,
    pub value: String,
    /// 1-based line where it starts in the file.
    pub line: usize,
}

impl ContentLine {
    /// The first value of a parameter.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| n == name)
            .and_then(|(_, v)| v.first())
            .map(String::as_str)
    }

    /// Sets a parameter to one value: in its place, or after the others.
    pub fn set_param(&mut self, name: &str, value: &str) {
        match self.params.iter_mut().find(|(n, _)| n == name) {
            Some((_, values)) => *values = vec![value.to_owned()],
            None => self.params.push((name.to_owned(), vec![value.to_owned()])),
        }
    }

    pub fn remove_param(&mut self, name: &str) {
        self.params.retain(|(n, _)| n != name);
    }

    /// The line written out again (unfolded): its parameters in their
    /// order, the value as it was.
    pub fn text(&self) -> String {
        let mut out = self.name.clone();
        for (name, values) in &self.params {
            let values: Vec<String> = values.iter().map(|v| param_value(v)).collect();
            out.push_str(&format!(";{name}={}", values.join(",")));
        }
        out.push(':');
        out.push_str(&self.value);
        out
    }
}

/// What RFC 5545 cannot write in a parameter value, as RFC 6868 writes it:
/// `^'` for a double quote, `^n` for a line break, `^^` for a caret.
pub fn caret_encoded(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '^' => out.push_str("^^"),
            '"' => out.push_str("^'"),
            '\n' => out.push_str("^n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// A parameter value as written: RFC 6868's escapes, and quoted when it
/// holds a colon, semicolon or comma.
pub fn param_value(v: &str) -> String {
    let v = caret_encoded(v);
    if v.contains([':', ';', ',']) {
        format!("\"{v}\"")
    } else {
        v
    }
}

/// One content line folded at 75 octets (never inside a character), with
/// its CRLF.
pub fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut width = 0;
    for c in line.trim_end_matches('\r').chars() {
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out.push_str("\r\n");
    out
}

/// Reads the unfolded logical lines of a stream with their starting line
/// number. Folding is removed before decoding, so a fold that splits a
/// multi-byte character joins it back whole. Only one logical line is held
/// in memory at a time.
pub struct Unfolder<R> {
    input: R,
    /// The next physical line, read ahead to see whether it continues the last.
    pending: Option<Vec<u8>>,
    line: usize,
    started: bool,
    /// The first read error, if any; reading stops there.
    pub error: Option<std::io::Error>,
}

impl<R: std::io::BufRead> Unfolder<R> {
    pub fn new(input: R) -> Self {
        Unfolder {
            input,
            pending: None,
            line: 0,
            started: false,
            error: None,
        }
    }

    /// The next physical line without its line ending.
    fn physical(&mut self) -> Option<Vec<u8>> {
        if let Some(l) = self.pending.take() {
            return Some(l);
        }
        let mut buf = Vec::new();
        match self.input.read_until(b'\n', &mut buf) {
            Ok(0) => return None,
            Ok(_) => {}
            Err(e) => {
                self.error = Some(e);
                return None;
            }
        }
        if buf.last() == Some(&b'\n') {
            buf.pop();
        }
        if buf.last() == Some(&b'\r') {
            buf.pop();
        }
        if !self.started {
            self.started = true;
            if buf.starts_with(b"\xEF\xBB\xBF") {
                buf.drain(..3);
            }
        }
        Some(buf)
    }

    /// The next logical line: `(line number, text)`; `None` at the end.
    pub fn next_line(&mut self) -> Option<(usize, String)> {
        loop {
            let mut buf = self.physical()?;
            self.line += 1;
            let start = self.line;
            while let Some(next) = self.physical() {
                if matches!(next.first(), Some(b' ' | b'\t')) {
                    buf.extend_from_slice(&next[1..]);
                    self.line += 1;
                } else {
                    self.pending = Some(next);
                    break;
                }
            }
            if buf.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            return Some((
                start,
                String::from_utf8(buf)
                    .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
            ));
        }
    }
}

/// Splits a logical line into name, parameters and value. `None` when the
/// line is not a content line (no colon, or a bad name).
pub fn parse_line(text: &str, line: usize) -> Option<ContentLine> {
    let bytes = text.as_bytes();
    let name_end = bytes.iter().position(|&b| b == b';' || b == b':')?;
    let name = &text[..name_end];
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        return None;
    }
    let mut params = Vec::new();
    let mut i = name_end;
    while bytes.get(i) == Some(&b';') {
        i += 1;
        let eq = i + text[i..].find('=')?;
        let pname = text[i..eq].trim().to_ascii_uppercase();
        if pname.is_empty() || pname.contains([':', ';']) {
            return None;
        }
        i = eq + 1;
        let mut values = Vec::new();
        loop {
            if bytes.get(i) == Some(&b'"') {
                let close = i + 1 + text[i + 1..].find('"')?;
                values.push(caret_decoded(&text[i + 1..close]));
                i = close + 1;
            } else {
                let end = i + text[i..].find([',', ';', ':']).unwrap_or(text.len() - i);
                values.push(caret_decoded(&text[i..end]));
                i = end;
            }
            if bytes.get(i) == Some(&b',') {
                i += 1;
            } else {
                break;
            }
        }
        params.push((pname, values));
    }
    if bytes.get(i) != Some(&b':') {
        return None;
    }
    Some(ContentLine {
        name: name.to_ascii_uppercase(),
        params,
        value: text[i + 1..].to_owned(),
        line,
    })
}

/// A parameter value with RFC 6868's escapes read: `^'` is a double quote,
/// `^n` a line break, `^^` a caret; any other caret is itself.
fn caret_decoded(s: &str) -> String {
    if !s.contains('^') {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, chars.peek()) {
            ('^', Some('\'')) => {
                out.push('"');
                chars.next();
            }
            ('^', Some('n' | 'N')) => {
                out.push('\n');
                chars.next();
            }
            ('^', Some('^')) => {
                out.push('^');
                chars.next();
            }
            (c, _) => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameter_values_read_rfc_6868() {
        let l = parse_line(
            "ATTENDEE;CN=\"Åse ^'Inga^' Ødegård ^^ ^n\":mailto:a@b.no",
            1,
        )
        .unwrap();
        assert_eq!(l.param("CN"), Some("Åse \"Inga\" Ødegård ^ \n"));
        // and written back the same way
        assert_eq!(
            l.text(),
            "ATTENDEE;CN=Åse ^'Inga^' Ødegård ^^ ^n:mailto:a@b.no"
        );
        let quoted = parse_line("ATTENDEE;CN=\"Berg, Ingrid\":mailto:i@b.no", 1).unwrap();
        assert_eq!(quoted.text(), "ATTENDEE;CN=\"Berg, Ingrid\":mailto:i@b.no");
    }

    #[test]
    fn unfolds_a_split_multibyte_character() {
        // "blåbær" with the fold between the two bytes of "å"
        let data = b"SUMMARY:bl\xC3\r\n \xA5b\xC3\xA6r\r\nUID:x\r\n";
        let mut u = Unfolder::new(&data[..]);
        assert_eq!(u.next_line(), Some((1, "SUMMARY:blåbær".to_owned())));
        assert_eq!(u.next_line(), Some((3, "UID:x".to_owned())));
        assert_eq!(u.next_line(), None);
    }

    #[test]
    fn splits_params_with_quotes() {
        let l = parse_line(
            "ATTENDEE;CN=\"Hansen; Kari\";ROLE=REQ-PARTICIPANT:mailto:kari@x.no",
            7,
        )
        .unwrap();
        assert_eq!(l.name, "ATTENDEE");
        assert_eq!(l.param("CN"), Some("Hansen; Kari"));
        assert_eq!(l.value, "mailto:kari@x.no");
        let m = parse_line("DELEGATED-TO=x;MEMBER=\"a\",\"b\":v", 1);
        assert!(m.is_none(), "name with '=' is invalid");
        let m = parse_line(
            "ATTENDEE;MEMBER=\"mailto:a@x\",\"mailto:b@x\":mailto:c@x",
            1,
        )
        .unwrap();
        assert_eq!(m.params[0].1.len(), 2);
    }

    #[test]
    fn rejects_garbage() {
        assert!(parse_line("this is not a line", 1).is_none());
        assert!(parse_line("DTSTART;TZID=Europe/Oslo", 1).is_none());
        assert!(parse_line(":value", 1).is_none());
    }
}
