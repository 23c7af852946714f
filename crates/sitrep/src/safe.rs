//! Names from outside (files, archive members, URLs, titles) made safe for a terminal:
//! control characters (C0, DEL, C1) and the bidirectional overrides that reorder what a
//! terminal shows are written as escapes, so that a name cannot forge a line, move the
//! cursor or recolour the screen.

use std::borrow::Cow;

fn unsafe_char(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}')
}

/// `s`, with every control or direction-override character escaped (`\n`, `\u{1b}`).
pub(crate) fn shown(s: &str) -> Cow<'_, str> {
    if !s.chars().any(unsafe_char) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if unsafe_char(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_cannot_reach_the_terminal() {
        assert_eq!(shown("report.pdf"), "report.pdf");
        assert_eq!(
            shown("a\nsitrep: ok\u{1b}[2K.pdf"),
            "a\\nsitrep: ok\\u{1b}[2K.pdf"
        );
        assert_eq!(shown("x\u{202e}fdp.exe"), "x\\u{202e}fdp.exe");
        assert_eq!(shown("Città\tnord"), "Città\\tnord");
        assert!(!shown("\u{9b}31m").contains('\u{9b}'));
    }
}
