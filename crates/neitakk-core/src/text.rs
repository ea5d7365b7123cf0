//! Text from an invitation, made safe where one line is needed.

/// `text` on one line: an event's title may hold a line break (SUMMARY is
/// TEXT), which would cut a Subject header or a message's first line (the
/// subject) and spill the rest into the body.
pub fn one_line(text: &str) -> String {
    text.split(|c: char| c.is_control())
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    #[test]
    fn line_breaks_and_tabs_become_one_space() {
        assert_eq!(
            super::one_line("Status\r\nBcc: x\n\n Hello\t!"),
            "Status Bcc: x Hello !"
        );
        assert_eq!(super::one_line("  Plain  "), "Plain");
    }
}
