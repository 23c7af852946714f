//! Markdown reader. Markup characters become spaces so every offset still points at the file.

use std::sync::LazyLock;

use regex::Regex;

use super::RawDoc;
use crate::document::{Format, Meta};

static LINK: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"!?\[([^\]\n]*)\]\(([^)\n]*)\)").expect("static regex"));
static EMPH: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(\*\*|__|\*|`+|~~)").expect("static regex"));
static LEAD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(\s*)(#{1,6}\s+|>\s?|[-*+]\s+|\d+[.)]\s+)").expect("static regex")
});

fn blank(s: &str) -> String {
    s.chars()
        .map(|c| if c == '\n' { '\n' } else { ' ' })
        .collect()
}

/// Replaces Markdown markup by spaces of the same byte length.
pub(crate) fn strip(text: &str) -> (String, Option<String>) {
    let mut out = String::with_capacity(text.len());
    let mut title = None;
    let mut in_front_matter = false;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let trimmed = line.trim();
        if i == 0 && trimmed == "---" {
            in_front_matter = true;
            out.push_str(&blank(line));
            continue;
        }
        if in_front_matter {
            if trimmed == "---" {
                in_front_matter = false;
            }
            out.push_str(&blank(line));
            continue;
        }
        if trimmed.starts_with("```")
            || trimmed
                .chars()
                .all(|c| matches!(c, '-' | '=' | '*' | '_' | '|' | ':' | ' '))
                && !trimmed.is_empty()
        {
            out.push_str(&blank(line));
            continue;
        }
        if title.is_none() && trimmed.starts_with("# ") {
            title = Some(trimmed.trim_start_matches('#').trim().to_string());
        }
        let mut l = line.to_string();
        if let Some(m) = LEAD.captures(&l).and_then(|c| c.get(2)) {
            let r = m.range();
            l.replace_range(r.clone(), &" ".repeat(r.len()));
        }
        let l = LINK
            .replace_all(&l, |c: &regex::Captures| {
                let whole = c.get(0).map_or("", |m| m.as_str());
                let inner = c.get(1).map_or("", |m| m.as_str());
                if whole.starts_with('!') {
                    " ".repeat(whole.len())
                } else {
                    format!(" {inner}{}", " ".repeat(whole.len() - inner.len() - 1))
                }
            })
            .into_owned();
        let l = EMPH
            .replace_all(&l, |c: &regex::Captures| " ".repeat(c[0].len()))
            .into_owned();
        let l = l.replace('|', " ");
        out.push_str(&l);
    }
    (out, title)
}

pub(super) fn read(source: &str, text: &str) -> RawDoc {
    let (body, title) = strip(text);
    RawDoc {
        source: source.to_string(),
        format: Format::Markdown,
        text: body,
        meta: Meta {
            title,
            ..Meta::default()
        },
        blocks: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strip_keeps_offsets() {
        let src =
            "# Gao retaken\n\nTroops entered **Gao** via [the bridge](http://x/y).\n- Kidal next\n";
        let (out, title) = strip(src);
        assert_eq!(out.len(), src.len());
        assert_eq!(title.as_deref(), Some("Gao retaken"));
        let g = out.find("Gao  ").unwrap();
        assert_eq!(&src[g..g + 3], "Gao");
        assert!(out.contains("the bridge"));
        assert!(!out.contains("http"));
        assert!(!out.contains('#'));
    }
}
