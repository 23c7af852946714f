//! A tokenizer for names: words with inner hyphens and apostrophes, dotted acronyms,
//! French elisions split off, numbers and punctuation, all with byte offsets.

use std::borrow::Cow;

/// `w` in lower case, the same string as `str::to_lowercase`, but borrowed when `w` is
/// lower-case ASCII already: most words of a text need no copy.
pub fn lowercase(w: &str) -> Cow<'_, str> {
    if !w.is_ascii() {
        Cow::Owned(w.to_lowercase())
    } else if w.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(w.to_ascii_lowercase())
    } else {
        Cow::Borrowed(w)
    }
}

/// The ASCII characters `char::is_whitespace` accepts (vertical tab included).
pub fn is_ascii_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ')
}

/// Calls `f` with every maximal non-empty run of characters of `text` that pass `keep`,
/// in order. ASCII bytes (most of a text) are judged by `keep_ascii` without decoding, so
/// the two must agree on ASCII. The same pieces as `text.split(|c| !keep(c))` less the
/// empty ones, faster.
pub fn runs<'a>(
    text: &'a str,
    keep_ascii: fn(u8) -> bool,
    keep: fn(char) -> bool,
    mut f: impl FnMut(&'a str),
) {
    let bytes = text.as_bytes();
    let mut start = None;
    let mut i = 0;
    while i < bytes.len() {
        let (kept, len) = if bytes[i] < 0x80 {
            (keep_ascii(bytes[i]), 1)
        } else {
            match text[i..].chars().next() {
                Some(c) => (keep(c), c.len_utf8()),
                None => break,
            }
        };
        match (kept, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                f(&text[s..i]);
                start = None;
            }
            _ => {}
        }
        i += len;
    }
    if let Some(s) = start {
        f(&text[s..]);
    }
}

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokKind {
    /// Letters (maybe with digits, inner hyphens, apostrophes, dots in acronyms).
    Word,
    /// Digits (maybe with separators).
    Number,
    /// Anything else.
    Punct,
}

/// A token with its place in the text.
#[derive(Debug, Clone, Copy)]
pub struct Token<'a> {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
    /// The text.
    pub text: &'a str,
    /// What it is.
    pub kind: TokKind,
}

impl<'a> Token<'a> {
    /// First character is upper case (or the word is in a script without case).
    pub fn is_cap(&self) -> bool {
        self.kind == TokKind::Word && self.text.chars().next().is_some_and(|c| c.is_uppercase())
    }

    /// Every letter is upper case and there are at least two (`MNLA`, `U.N.`).
    pub fn is_acronym(&self) -> bool {
        if self.kind != TokKind::Word {
            return false;
        }
        let mut letters = 0;
        for c in self.stem().chars().filter(|c| c.is_alphabetic()) {
            if !c.is_uppercase() {
                return false;
            }
            letters += 1;
        }
        letters >= 2
    }

    /// In Arabic script.
    pub fn is_arabic(&self) -> bool {
        self.text
            .chars()
            .next()
            .is_some_and(|c| ('\u{0600}'..='\u{06ff}').contains(&c))
    }

    /// The word without a possessive `'s` / `'`.
    pub fn stem(&self) -> &'a str {
        if self.text.len() <= 4 && self.text.ends_with('\'') {
            return self.text;
        }
        self.text
            .strip_suffix("'s")
            .or_else(|| self.text.strip_suffix('\''))
            .unwrap_or(self.text)
    }

    /// True when the word ends with a possessive.
    pub fn is_possessive(&self) -> bool {
        // "rebels'" is possessive; the elisions "l'", "d'", "qu'" are not
        self.text.ends_with("'s") || (self.text.ends_with('\'') && self.text.len() > 4)
    }
}

const ELISIONS: &[&str] = &[
    "l'", "d'", "qu'", "j'", "n'", "s'", "c'", "m'", "t'", "L'", "D'", "Qu'", "J'", "N'", "S'",
    "C'", "M'", "T'",
];

/// Splits `text` (from byte `base`) into tokens.
pub fn tokenize(text: &str, base: usize) -> Vec<Token<'_>> {
    let mut out = Vec::with_capacity(text.len() / 5 + 1);
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let n = chars.len();
    let at = |i: usize| chars.get(i).map(|&(_, c)| c);
    let off = |i: usize| chars.get(i).map_or(text.len(), |&(o, _)| o);
    let mut i = 0;
    while i < n {
        let c = chars[i].1;
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if c.is_alphabetic() {
            let s = i;
            // dotted acronym: U.N. / U.S.
            if c.is_uppercase()
                && at(i + 1) == Some('.')
                && at(i + 2).is_some_and(char::is_uppercase)
                && at(i + 3) == Some('.')
            {
                let mut j = i;
                while at(j).is_some_and(char::is_uppercase) && at(j + 1) == Some('.') {
                    j += 2;
                }
                // include a following lower-case "'s"
                let mut e = j;
                if at(e) == Some('\'')
                    && at(e + 1) == Some('s')
                    && !at(e + 2).is_some_and(char::is_alphanumeric)
                {
                    e += 2;
                }
                out.push(mk(text, off(s), off(e), base, TokKind::Word));
                i = e;
                continue;
            }
            let mut j = i;
            loop {
                match at(j) {
                    Some(ch) if ch.is_alphanumeric() => j += 1,
                    Some('-') | Some('\'')
                        if at(j + 1).is_some_and(char::is_alphanumeric) && j > s =>
                    {
                        j += 1
                    }
                    Some('\'')
                        if j > s
                            && !at(j + 1).is_some_and(char::is_alphanumeric)
                            && at(j - 1) == Some('s') =>
                    {
                        // plural possessive "rebels'"
                        j += 1;
                        break;
                    }
                    _ => break,
                }
            }
            let word = &text[off(s)..off(j)];
            // "African-led", "al-Qaeda-linked": a name with a lower-case suffix
            if let Some(h) = word.bytes().rposition(|b| b == b'-') {
                let (pre, suf) = (&word[..h], &word[h + 1..]);
                if !suf.is_empty()
                    && suf.chars().all(|c| c.is_lowercase())
                    && pre.chars().any(char::is_uppercase)
                {
                    let a = off(s);
                    out.push(mk(text, a, a + h, base, TokKind::Word));
                    out.push(mk(text, a + h, a + h + 1, base, TokKind::Punct));
                    out.push(mk(text, a + h + 1, off(j), base, TokKind::Word));
                    i = j;
                    continue;
                }
            }
            // French elision: l'Azawad -> l' + Azawad
            // every elision ends with an apostrophe at byte 1 or 2
            let wb = word.as_bytes();
            let elided = wb.get(1) == Some(&b'\'') || wb.get(2) == Some(&b'\'');
            let elision = if elided {
                ELISIONS
                    .iter()
                    .find(|e| word.starts_with(**e) && word.len() > e.len())
            } else {
                None
            };
            if let Some(el) = elision {
                let cut = off(s) + el.len();
                out.push(mk(text, off(s), cut, base, TokKind::Word));
                out.push(mk(text, cut, off(j), base, TokKind::Word));
            } else {
                out.push(mk(text, off(s), off(j), base, TokKind::Word));
            }
            i = j;
            continue;
        }
        if c.is_numeric() {
            let s = i;
            let mut j = i;
            while let Some(ch) = at(j) {
                if ch.is_numeric()
                    || ((ch == ',' || ch == '.') && at(j + 1).is_some_and(|d| d.is_numeric()))
                {
                    j += 1;
                } else {
                    break;
                }
            }
            out.push(mk(text, off(s), off(j), base, TokKind::Number));
            i = j;
            continue;
        }
        out.push(mk(text, off(i), off(i + 1), base, TokKind::Punct));
        i += 1;
    }
    out
}

fn mk(text: &str, s: usize, e: usize, base: usize, kind: TokKind) -> Token<'_> {
    Token {
        start: base + s,
        end: base + e,
        text: &text[s..e],
        kind,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lowercase_equals_the_standard_one_and_copies_only_when_it_must() {
        for w in [
            "mali",
            "Mali",
            "MNLA",
            "sécurité",
            "ÉTAT",
            "ΟΔΟΣ",
            "İstanbul",
            "x2",
        ] {
            assert_eq!(lowercase(w), w.to_lowercase(), "{w}");
        }
        assert!(matches!(lowercase("bamako"), std::borrow::Cow::Borrowed(_)));
        assert!(matches!(lowercase("Bamako"), std::borrow::Cow::Owned(_)));
    }

    #[test]
    fn tokens() {
        let t = tokenize(
            "The U.N.'s envoy met al-Qaeda in l'Azawad, Mali's north: 3,300 troops.",
            0,
        );
        let w: Vec<&str> = t.iter().map(|t| t.text).collect();
        assert_eq!(
            w,
            vec![
                "The", "U.N.'s", "envoy", "met", "al-Qaeda", "in", "l'", "Azawad", ",", "Mali's",
                "north", ":", "3,300", "troops", "."
            ]
        );
        assert!(t[1].is_acronym());
        assert_eq!(t[9].stem(), "Mali");
    }
}
