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
}

/// Iterates over the unfolded logical lines of `data` with their starting
/// line number. Folding is removed before decoding, so a fold that splits a
/// multi-byte character joins it back whole.
pub struct Unfolder<'a> {
    data: &'a [u8],
    pos: usize,
    line: usize,
    buf: Vec<u8>,
}

impl<'a> Unfolder<'a> {
    pub fn new(data: &'a [u8]) -> Self {
        let data = data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(data);
        Unfolder {
            data,
            pos: 0,
            line: 0,
            buf: Vec::new(),
        }
    }

    /// The next physical line without its line ending, and the position after it.
    fn physical(&self, from: usize) -> (&'a [u8], usize) {
        let rest = &self.data[from..];
        match memchr_newline(rest) {
            Some(i) => {
                let line = &rest[..i];
                (line.strip_suffix(b"\r").unwrap_or(line), from + i + 1)
            }
            None => (rest.strip_suffix(b"\r").unwrap_or(rest), self.data.len()),
        }
    }

    /// The next logical line: `(line number, text)`; `None` at the end.
    pub fn next_line(&mut self) -> Option<(usize, String)> {
        loop {
            if self.pos >= self.data.len() {
                return None;
            }
            let (first, mut next) = self.physical(self.pos);
            self.line += 1;
            let start_line = self.line;
            self.buf.clear();
            self.buf.extend_from_slice(first);
            while next < self.data.len() && matches!(self.data[next], b' ' | b'\t') {
                let (cont, after) = self.physical(next);
                self.buf.extend_from_slice(&cont[1..]);
                self.line += 1;
                next = after;
            }
            self.pos = next;
            if self.buf.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            return Some((start_line, String::from_utf8_lossy(&self.buf).into_owned()));
        }
    }
}

fn memchr_newline(s: &[u8]) -> Option<usize> {
    s.iter().position(|&b| b == b'\n')
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
                values.push(text[i + 1..close].to_owned());
                i = close + 1;
            } else {
                let end = i + text[i..].find([',', ';', ':']).unwrap_or(text.len() - i);
                values.push(text[i..end].to_owned());
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unfolds_a_split_multibyte_character() {
        // "blåbær" with the fold between the two bytes of "å"
        let data = b"SUMMARY:bl\xC3\r\n \xA5b\xC3\xA6r\r\nUID:x\r\n";
        let mut u = Unfolder::new(data);
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
