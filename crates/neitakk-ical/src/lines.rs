//! Content lines: unfolding at the byte level and splitting a line into name,
//! parameters and value (RFC 5545 section 3.1).

use std::borrow::Cow;

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

/// The longest logical line kept: the rest of a longer one is skipped (and
/// said), so that a file without line breaks cannot fill memory.
pub const MAX_LINE: usize = 1 << 20;

/// Reads the unfolded logical lines of a stream with their starting line
/// number. Folding is removed before decoding, so a fold that splits a
/// multi-byte character joins it back whole. One logical line is held at a
/// time, in a buffer that is reused.
pub struct Unfolder<R> {
    input: R,
    buf: Vec<u8>,
    line: usize,
    started: bool,
    /// The first read error, if any; reading stops there.
    pub error: Option<std::io::Error>,
    /// The lines that were longer than [`MAX_LINE`] and skipped.
    pub too_long: Vec<usize>,
}

impl<R: std::io::BufRead> Unfolder<R> {
    pub fn new(input: R) -> Self {
        Unfolder {
            input,
            buf: Vec::new(),
            line: 0,
            started: false,
            error: None,
            too_long: Vec::new(),
        }
    }

    /// Appends the next physical line, without its line ending, to the
    /// buffer: `None` at the end, else whether it fit in [`MAX_LINE`].
    fn physical(&mut self) -> Option<bool> {
        let mut any = false;
        let mut fit = true;
        loop {
            let available = match self.input.fill_buf() {
                Ok(a) => a,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.error = Some(e);
                    break;
                }
            };
            if available.is_empty() {
                break;
            }
            any = true;
            let (take, used, done) = match memchr::memchr(b'\n', available) {
                Some(i) => (i, i + 1, true),
                None => (available.len(), available.len(), false),
            };
            let room = MAX_LINE.saturating_sub(self.buf.len());
            fit &= take <= room;
            self.buf.extend_from_slice(&available[..take.min(room)]);
            self.input.consume(used);
            if done {
                break;
            }
        }
        if !any {
            return None;
        }
        if self.buf.last() == Some(&b'\r') {
            self.buf.pop();
        }
        if !self.started {
            self.started = true;
            if self.buf.starts_with(b"\xEF\xBB\xBF") {
                self.buf.drain(..3);
            }
        }
        Some(fit)
    }

    /// Whether the next physical line continues this one (starts with a
    /// space or tab); if so, its first byte is consumed.
    fn folded(&mut self) -> bool {
        match self.input.fill_buf() {
            Ok([b' ' | b'\t', ..]) => {
                self.input.consume(1);
                true
            }
            _ => false,
        }
    }

    /// The physical lines read so far.
    pub fn line_number(&self) -> usize {
        self.line
    }

    /// The next logical line: `(line number, text)`; `None` at the end.
    pub fn next_line(&mut self) -> Option<(usize, &str)> {
        loop {
            self.buf.clear();
            let mut fit = self.physical()?;
            self.line += 1;
            let start = self.line;
            while self.folded() {
                fit &= self.physical().unwrap_or(true);
                self.line += 1;
            }
            if !fit {
                self.too_long.push(start);
                continue;
            }
            if self.buf.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            if std::str::from_utf8(&self.buf).is_err() {
                self.buf = String::from_utf8_lossy(&self.buf).into_owned().into_bytes();
            }
            return Some((start, std::str::from_utf8(&self.buf).unwrap_or_default()));
        }
    }
}

/// One unfolded content line, borrowed from the text it was read from: what
/// the reader uses, so that reading a line allocates nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line<'a> {
    /// The property name, upper-cased.
    pub name: Cow<'a, str>,
    /// The parameters as written, from the first `;` up to the value's colon.
    params: &'a str,
    pub value: &'a str,
    /// 1-based line where it starts in the file.
    pub line: usize,
}

impl<'a> Line<'a> {
    /// Each parameter: its name as written and its values, RFC 6868's
    /// escapes read (each read as it is asked for: most lines are read
    /// for one value of a few parameters).
    pub fn params(
        &self,
    ) -> impl Iterator<Item = (&'a str, impl Iterator<Item = Cow<'a, str>> + Clone + 'a)> + 'a {
        let text = self.params;
        let mut i = 0;
        std::iter::from_fn(move || {
            let (name, raw, next) = next_param(text, i)?;
            i = next;
            Some((name, param_values(raw)))
        })
    }

    /// The first value of a parameter (its name in upper case).
    pub fn param(&self, name: &str) -> Option<Cow<'a, str>> {
        self.params()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .and_then(|(_, mut v)| v.next())
    }

    /// The line as an owned [`ContentLine`], names upper-cased.
    pub fn to_owned(&self) -> ContentLine {
        ContentLine {
            name: self.name.clone().into_owned(),
            params: self
                .params()
                .map(|(n, v)| (n.to_ascii_uppercase(), v.map(Cow::into_owned).collect()))
                .collect(),
            value: self.value.to_owned(),
            line: self.line,
        }
    }
}

/// The parameter that starts at `text[i]` (a `;`): its name (trimmed), its
/// values as written and where the next begins. `None` at the end or when
/// malformed. Values end at the first `,`, `;` or `:` outside quotes.
fn next_param(text: &str, i: usize) -> Option<(&str, &str, usize)> {
    let bytes = text.as_bytes();
    if bytes.get(i) != Some(&b';') {
        return None;
    }
    let eq = i + 1 + memchr::memchr(b'=', &bytes[i + 1..])?;
    let mut end = eq + 1;
    loop {
        if bytes.get(end) == Some(&b'"') {
            end = end + 2 + memchr::memchr(b'"', &bytes[end + 1..])?;
        } else {
            end += bytes[end..]
                .iter()
                .position(|b| matches!(b, b',' | b';' | b':'))
                .unwrap_or(bytes.len() - end);
        }
        if bytes.get(end) == Some(&b',') {
            end += 1;
        } else {
            break;
        }
    }
    Some((text[i + 1..eq].trim(), &text[eq + 1..end], end))
}

/// A parameter's values as [`next_param`] found them: split at the commas
/// outside quotes, unquoted, RFC 6868's escapes read.
fn param_values(raw: &str) -> impl Iterator<Item = Cow<'_, str>> + Clone {
    let mut rest = Some(raw);
    std::iter::from_fn(move || {
        let r = rest?;
        let (value, after) = match r.strip_prefix('"') {
            Some(quoted) => {
                let close = quoted.find('"').unwrap_or(quoted.len());
                (&quoted[..close], quoted.get(close + 1..).unwrap_or(""))
            }
            None => {
                let end = r.find(',').unwrap_or(r.len());
                (&r[..end], &r[end..])
            }
        };
        rest = after.strip_prefix(',');
        Some(caret_decoded(value))
    })
}

/// Splits a logical line into name, parameters and value, borrowing it.
/// `None` when the line is not a content line (no colon, a bad name, a
/// malformed parameter).
pub fn split_line(text: &str, line: usize) -> Option<Line<'_>> {
    let bytes = text.as_bytes();
    let name = name_of(text)?;
    let name_end = name.len();
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        return None;
    }
    // The parameters end at the first colon outside quotes.
    let mut i = name_end;
    while bytes.get(i) == Some(&b';') {
        let (pname, _, next) = next_param(text, i)?;
        if pname.is_empty() || pname.contains([':', ';']) {
            return None;
        }
        i = next;
    }
    if bytes.get(i) != Some(&b':') {
        return None;
    }
    Some(Line {
        name: upper(name),
        params: &text[name_end..i],
        value: &text[i + 1..],
        line,
    })
}

/// The name a logical line begins with (up to its first `;` or `:`), if
/// it has either: enough to tell a line apart without splitting it.
pub fn name_of(text: &str) -> Option<&str> {
    memchr::memchr2(b';', b':', text.as_bytes()).map(|end| &text[..end])
}

/// `s` upper-cased, borrowed when it is already (as almost every name is).
pub fn upper(s: &str) -> Cow<'_, str> {
    if s.bytes().any(|b| b.is_ascii_lowercase()) {
        Cow::Owned(s.to_ascii_uppercase())
    } else {
        Cow::Borrowed(s)
    }
}

/// Splits a logical line into an owned [`ContentLine`]; `None` as for
/// [`split_line`].
pub fn parse_line(text: &str, line: usize) -> Option<ContentLine> {
    split_line(text, line).map(|l| l.to_owned())
}

/// A parameter value with RFC 6868's escapes read: `^'` is a double quote,
/// `^n` a line break, `^^` a caret; any other caret is itself.
fn caret_decoded(s: &str) -> Cow<'_, str> {
    if !s.contains('^') {
        return Cow::Borrowed(s);
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
    Cow::Owned(out)
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
        assert_eq!(u.next_line(), Some((1, "SUMMARY:blåbær")));
        assert_eq!(u.next_line(), Some((3, "UID:x")));
        assert_eq!(u.next_line(), None);
    }

    #[test]
    fn a_line_past_the_bound_is_skipped_not_held() {
        // A folded line that grows past the bound, read through a small
        // buffer: skipped whole, and the next line read as usual.
        let mut data = b"DESCRIPTION:".to_vec();
        for _ in 0..(MAX_LINE / 70 + 2) {
            data.extend_from_slice(&[b'x'; 70]);
            data.extend_from_slice(b"\r\n ");
        }
        data.extend_from_slice(b"end\r\nUID:after\r\n");
        let mut u = Unfolder::new(std::io::BufReader::with_capacity(64, &data[..]));
        let (n, text) = u.next_line().unwrap();
        assert_eq!((n, text), (MAX_LINE / 70 + 4, "UID:after"));
        assert_eq!(u.too_long, vec![1]);
        assert!(u.buf.capacity() <= MAX_LINE + 64, "{}", u.buf.capacity());
    }

    #[test]
    fn borrowed_lines_split_as_owned_ones_do() {
        let text = "attendee;cn=\"Berg, Ingrid\";Role=OPT-PARTICIPANT;X=a,\"b;c\":mailto:i@b.no";
        let l = split_line(text, 4).unwrap();
        assert_eq!(l.name, "ATTENDEE");
        assert_eq!(l.param("CN").as_deref(), Some("Berg, Ingrid"));
        assert_eq!(l.param("ROLE").as_deref(), Some("OPT-PARTICIPANT"));
        assert_eq!(l.value, "mailto:i@b.no");
        let owned = l.to_owned();
        assert_eq!(
            owned.params[2],
            ("X".into(), vec!["a".into(), "b;c".into()])
        );
        assert!(split_line("DTSTART;TZID=\"Europe/Oslo:20260101T100000", 1).is_none());
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
