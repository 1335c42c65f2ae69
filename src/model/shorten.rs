//! Quoting values in messages without echoing them whole.
//!
//! A project may hold a 1 MB field name or string; a message quoting it whole is unreadable in a
//! terminal and pushes the window's buttons off screen. Values are cut to [`MAX_QUOTED_CHARS`]
//! characters with "…" and their total length.

/// How many characters of a value (a field name, a string, a path) a message quotes.
pub const MAX_QUOTED_CHARS: usize = 80;

/// `message` with every quoted value (between backticks or double quotes) longer than
/// [`MAX_QUOTED_CHARS`] cut short, as "`first 80 characters…` (N characters)", and the whole
/// message bounded too: a 1 MB unknown field name must not become a 1 MB message.
pub fn shorten_message(message: &str) -> String {
    let mut out = String::new();
    let mut rest = message;
    while let Some(open) = rest.find(['`', '"']) {
        let quote = rest[open..].chars().next().unwrap_or('"');
        out.push_str(&rest[..=open]);
        let inner = &rest[open + 1..];
        let Some(close) = inner.find(quote) else {
            rest = inner;
            break;
        };
        out.push_str(&shorten_value(&inner[..close]));
        out.push(quote);
        rest = &inner[close + 1..];
    }
    out.push_str(rest);
    // Whatever is not quoted (say, a long list of expected fields) is bounded as a whole.
    let limit = 8 * MAX_QUOTED_CHARS;
    match out.char_indices().nth(limit) {
        Some((cut, _)) => format!("{}… ({} characters)", &out[..cut], out.chars().count()),
        None => out,
    }
}

/// `value`, or its first [`MAX_QUOTED_CHARS`] characters, "…" and its total length.
pub fn shorten_value(value: &str) -> String {
    match value.char_indices().nth(MAX_QUOTED_CHARS) {
        Some((cut, _)) => format!("{}… ({} characters)", &value[..cut], value.chars().count()),
        None => value.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_quoted_value_is_cut_with_its_length_and_short_ones_are_kept() {
        let long = "x".repeat(1_000_000);
        let message = shorten_message(&format!("unknown field `{long}`, expected `name`"));
        assert!(message.len() < 200, "{message}");
        assert!(
            message.contains("… (1000000 characters)`, expected `name`"),
            "{message}"
        );
        assert_eq!(shorten_message("Expected \"x\""), "Expected \"x\"");
        assert_eq!(
            shorten_value("é".repeat(81).as_str()).chars().count(),
            80 + 17
        );
    }

    #[test]
    fn a_long_unquoted_message_is_bounded_as_a_whole() {
        let message = shorten_message(&"ab ".repeat(100_000));
        assert!(
            message.chars().count() < 8 * MAX_QUOTED_CHARS + 40,
            "{message}"
        );
        assert!(message.ends_with("(300000 characters)"));
    }
}
