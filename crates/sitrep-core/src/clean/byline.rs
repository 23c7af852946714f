//! Bylines and datelines read for metadata: `Outlet | City | 22 March 2012`,
//! `Outlet -- 7 April 2012 -- by Name`, `Outlet - City - <Arabic date>`, and the agency of a
//! dateline (`CITY, Country (Agency) -`).

use std::sync::LazyLock;

use regex::Regex;

use crate::document::{BlockKind, Meta, Span};
use crate::extract::time::find_publication_date;

/// What a byline or dateline says about the document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BylineMeta {
    /// The outlet (or agency) named.
    pub outlet: Option<String>,
    /// The author named.
    pub author: Option<String>,
}

const SEPS: &[&str] = &[" | ", " -- ", " — ", " – ", " - ", " · ", " • ", " / "];

const AUTHOR_CUES: &[&str] = &[
    "by ",
    "By ",
    "BY ",
    "par ",
    "Par ",
    "PAR ",
    "بقلم ",
    "كتب ",
    "Written by ",
    "Écrit par ",
];

static AGENCY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[^()\n]{0,80}?\(([\p{Lu}][\p{L}&.' ]{1,30}|[\p{Arabic} ]{2,30})\)\s*[-–—:]")
        .expect("static regex")
});

/// The author after a cue (`By A and B`), up to a comma or date.
pub fn author_after_cue(part: &str) -> Option<String> {
    let t = part.trim();
    let rest = AUTHOR_CUES.iter().find_map(|c| t.strip_prefix(c))?;
    let end = rest
        .find([',', '|', '\n', '(', '•', '·'])
        .or_else(|| rest.find(" - "))
        .or_else(|| rest.find(" on "))
        .or_else(|| rest.find(" le "))
        .unwrap_or(rest.len());
    let name = rest[..end].trim().trim_end_matches(['.', ':']);
    let words = name.split_whitespace().count();
    (1..=8).contains(&words).then(|| name.to_string())
}

/// Reads a byline line: separated parts, one of them a date.
pub fn read_byline(line: &str) -> BylineMeta {
    let mut out = BylineMeta::default();
    let line = line.trim();
    if line.is_empty() || line.chars().count() > 160 {
        return out;
    }
    let Some(sep) = SEPS.iter().find(|s| line.contains(*s)) else {
        out.author = author_after_cue(line);
        return out;
    };
    let parts: Vec<&str> = line
        .split(sep)
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    if parts.len() < 2 {
        return out;
    }
    let is_date = |p: &str| find_publication_date(p).is_some();
    if !parts.iter().any(|p| is_date(p)) {
        return out;
    }
    for (i, p) in parts.iter().enumerate() {
        if let Some(a) = author_after_cue(p) {
            out.author.get_or_insert(a);
        } else if i == 0
            && !is_date(p)
            && p.split_whitespace().count() <= 6
            && p.chars().any(char::is_alphabetic)
        {
            out.outlet = Some(p.to_string());
        }
    }
    out
}

/// The agency of a dateline at the start of a paragraph (`BAMAKO, Mali (AFP) -`).
pub fn dateline_agency(para: &str) -> Option<String> {
    let c = AGENCY.captures(para)?;
    let a = c.get(1)?.as_str().trim();
    (a.split_whitespace().count() <= 4).then(|| a.to_string())
}

/// Fills the outlet and author the metadata lacks from the bylines above the first body
/// paragraph of a cleaned text, and from the agency of that paragraph's dateline.
pub fn fill_meta(meta: &mut Meta, text: &str, blocks: &[(Span, BlockKind)]) {
    if meta.outlet.is_some() && meta.author.is_some() {
        return;
    }
    for (span, kind) in blocks.iter().take(8) {
        let Some(t) = text.get(span.start..span.end) else {
            continue;
        };
        match kind {
            BlockKind::Byline | BlockKind::Heading => {
                let b = read_byline(t);
                if meta.outlet.is_none() {
                    meta.outlet = b.outlet;
                }
                if meta.author.is_none() {
                    meta.author = b.author;
                }
            }
            BlockKind::Body => {
                if meta.outlet.is_none() {
                    meta.outlet = dateline_agency(t);
                }
                break;
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bylines_in_three_shapes() {
        let b = read_byline("River Post | Lakeside | 3 March 2021");
        assert_eq!(b.outlet.as_deref(), Some("River Post"));
        assert_eq!(b.author, None);
        let b = read_byline("Valley Courier (weekend edition) -- 7 April 2019 -- by Ann Example");
        assert_eq!(
            b.outlet.as_deref(),
            Some("Valley Courier (weekend edition)")
        );
        assert_eq!(b.author.as_deref(), Some("Ann Example"));
        let b = read_byline("La Gazette du Fleuve -- mardi 4 mai 2021 -- Par Jean Exemple");
        assert_eq!(b.outlet.as_deref(), Some("La Gazette du Fleuve"));
        assert_eq!(b.author.as_deref(), Some("Jean Exemple"));
        // no date: not a byline
        assert_eq!(read_byline("Home | News | Sport"), BylineMeta::default());
    }

    #[test]
    fn agency_of_a_dateline() {
        assert_eq!(
            dateline_agency("LAKESIDE, Examplia (Wire Agency) - The council met on Monday.")
                .as_deref(),
            Some("Wire Agency")
        );
        assert_eq!(
            dateline_agency("The council (which met) said - nothing."),
            None
        );
    }
}
