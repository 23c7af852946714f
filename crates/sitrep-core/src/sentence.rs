//! Sentence segmentation that survives abbreviations, initials, dotted acronyms and quotes.

use crate::document::Span;

const ABBREV: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "capt", "cpt", "gen", "col", "lt", "sgt", "maj", "cmdr",
    "adm", "gov", "sen", "rep", "pres", "st", "no", "nos", "vol", "art", "jan", "feb", "mar",
    "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mon", "tue", "wed", "thu",
    "fri", "sat", "sun", "inc", "ltd", "co", "corp", "jr", "sr", "vs", "etc", "e.g", "i.e",
    "approx", "est", "fig", "mme", "mlle", "mgr", "janv", "févr", "avr", "juil", "déc", "cf", "al",
    "ca", "p", "pp", "op", "sq", "km", "n°", "mm",
];

fn is_abbrev(word: &str) -> bool {
    let w = word.trim_start_matches(|c: char| !c.is_alphanumeric());
    if w.is_empty() {
        return false;
    }
    let lower = w.to_lowercase();
    if ABBREV.contains(&lower.as_str()) {
        return true;
    }
    // An initial ("A.") or a dotted acronym ("U.N", "U.S").
    let letters: Vec<char> = w.chars().collect();
    if letters.len() == 1 && letters[0].is_uppercase() {
        return true;
    }
    w.contains('.')
        && w.split('.')
            .all(|p| p.chars().count() <= 2 && !p.is_empty())
}

/// Splits `text` into sentences; blank lines and single newlines always end one.
pub fn split(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut start = 0usize;
    let push = |s: usize, e: usize, out: &mut Vec<Span>| {
        let seg = &text[s..e];
        let lead = seg.len() - seg.trim_start().len();
        let trail = seg.len() - seg.trim_end().len();
        if e - trail > s + lead {
            out.push(Span::new(s + lead, e - trail));
        }
    };
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'\n' {
            push(start, i, &mut out);
            start = i + 1;
            i += 1;
            continue;
        }
        // '…' is E2 80 A6: a lead byte, so always on a char boundary
        if matches!(b, b'.' | b'!' | b'?') || (b == 0xE2 && text[i..].starts_with('…')) {
            let plen = if b == b'.' || b == b'!' || b == b'?' {
                1
            } else {
                '…'.len_utf8()
            };
            // closing quotes/brackets stay with the sentence
            let mut j = i + plen;
            while j < bytes.len() && matches!(bytes[j], b'"' | b'\'' | b')' | b']') {
                j += 1;
            }
            while text[j..].starts_with('»')
                || text[j..].starts_with('”')
                || text[j..].starts_with('’')
            {
                j += text[j..].chars().next().map_or(1, char::len_utf8);
            }
            // must be followed by whitespace then an upper-case letter, digit or quote
            let rest = &text[j..];
            let ws = rest.len() - rest.trim_start_matches([' ', '\t']).len();
            let next = rest[ws..].chars().next();
            let boundary = ws > 0
                && next.is_some_and(|c| {
                    c.is_uppercase()
                        || c.is_ascii_digit()
                        || matches!(c, '"' | '\'' | '“' | '«' | '(' | '[')
                })
                || rest.starts_with('\n')
                || rest.is_empty();
            let boundary = boundary && {
                if b == b'.' {
                    // after the separator, whatever its width (a no-break space is two bytes)
                    let word_start = text[..i]
                        .char_indices()
                        .rev()
                        .find(|&(_, c)| c.is_whitespace() || c == '(' || c == '"')
                        .map_or(0, |(p, c)| p + c.len_utf8());
                    let w = &text[word_start..i];
                    let numeric_abbrev = matches!(
                        w.to_lowercase().as_str(),
                        "no" | "nos" | "art" | "vol" | "p" | "pp" | "n°"
                    );
                    let next_digit = next.is_some_and(|c| c.is_ascii_digit());
                    !(is_abbrev(w) && (!numeric_abbrev || next_digit))
                } else {
                    true
                }
            };
            if boundary {
                push(start, j, &mut out);
                start = j;
            }
            i = j;
            continue;
        }
        i += 1;
    }
    push(start, text.len(), &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sents(t: &str) -> Vec<&str> {
        split(t).into_iter().map(|s| &t[s.start..s.end]).collect()
    }

    #[test]
    fn abbreviations_and_acronyms() {
        let t = "The U.N. Security Council met on Jan. 11 with Capt. Sanogo. Mr. Ban said \"no.\" Then it ended.";
        assert_eq!(
            sents(t),
            vec![
                "The U.N. Security Council met on Jan. 11 with Capt. Sanogo.",
                "Mr. Ban said \"no.\"",
                "Then it ended."
            ]
        );
    }

    #[test]
    fn wide_space_before_a_full_stop() {
        let t = "Friday\u{a0}December\u{a0}. Next";
        assert_eq!(sents(t).len(), 2);
    }

    #[test]
    fn initials_and_newlines() {
        let t =
            "George W. Bush spoke.\nA new line starts here\n\nAnd another. M. Hollande a parlé.";
        assert_eq!(
            sents(t),
            vec![
                "George W. Bush spoke.",
                "A new line starts here",
                "And another.",
                "M. Hollande a parlé."
            ]
        );
    }
}
