//! Cleaning: site debris dropped, hard-wrapped lines reflowed, line-break hyphens
//! rejoined, footnote markers removed, whitespace and quotes normalised — with a map
//! from every cleaned offset back to the reader's text.

mod blocks;
pub mod byline;
mod offsets;

pub use blocks::clean_blocks;
pub use offsets::{Builder, OffsetMap};

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;

use crate::document::{BlockKind, Format, LeftOut, Span};
use crate::extract::tokens::{is_ascii_space, runs};
use crate::kb::words;
use crate::read::RawDoc;

/// The result of cleaning.
#[derive(Debug, Clone)]
pub struct Cleaned {
    /// Cleaned text: blocks separated by blank lines.
    pub text: String,
    /// Cleaned offset → reader-text offset.
    pub offsets: OffsetMap,
    /// Blocks with their kind.
    pub blocks: Vec<(Span, BlockKind)>,
    /// The first title-like line of the head, when there is one.
    pub title: Option<String>,
    /// Lines dropped as site debris (for diagnostics).
    pub dropped: Vec<String>,
    /// Blocks of the reader's text left out of `text`, with their kind and span there.
    pub debris: Vec<LeftOut>,
}

/// A line of the reader's text: where it starts and its trimmed content.
#[derive(Debug, Clone, Copy)]
struct Line<'a> {
    off: usize,
    /// Where the character just before `text` starts (its newline or last leading space):
    /// the char boundary a separator put before this line is attributed to.
    before: usize,
    text: &'a str,
}

/// A paragraph before normalisation: its lines, to be joined.
#[derive(Debug, Clone)]
struct Para<'a> {
    lines: Vec<Line<'a>>,
    flat: String,
}

static DEBRIS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i)^(?:",
        r"(?:member )?sign (?:in|up|out)|log ?in|log ?out|register|my account|subscribe\b.*|",
        r"share(?: this(?: article| story)?)?|tweet|print|e-?mail|pdf|comments?|\d+ comments?|reply|",
        r"leave a (?:reply|comment)|post a comment|related(?: articles| stories| posts)?:?|read more\b.*|",
        r"advertisement|sponsored|cookies?\b.*|.*\baccept (?:all )?cookies\b.*|we use cookies\b.*|",
        r"contact(?: us)?|about(?: us)?|home|menu|search|skip to (?:main )?content|back to top|",
        r"photo(?: credit)?:.*|.*\((?:photo|image|picture)(?: credit)?:.*\)|.*\bphoto credit\b.*|",
        r"(?:photo|image|picture|credit)s? by .*|©.*|\(c\) .*|copyright\b.*|all rights reserved\b.*|",
        r".*\bbookmark the permalink\b.*|this entry was posted\b.*|.*\band tagged\b[ ,]*\.?|",
        r"fill in your details\b.*|you are commenting using\b.*|connecting to %s|",
        r"(?:google|twitter|facebook|wordpress\.com|linkedin|whatsapp|instagram|youtube)(?: photo| picture| account)?|",
        r"follow us\b.*|newsletter\b.*|browse\b.*|print this (?:page|article)|",
        r"voir (?:la|le|les|aussi|plus)\b.*|vos outils|partager\b.*|imprimer|envoyer(?: à un ami)?|",
        r"réagir|commentaires?|accueil|publicité|lire (?:aussi|la suite|plus)\b.*|dans le dossier|",
        r"autres articles|sondage|vidéos?|abonnez-vous\b.*|connexion|se connecter|s'inscrire|",
        r"mentions légales|tous droits réservés\b.*|c/o .*|",
        r".*\b(?:suite|avenue|street|road|floor|boulevard|rue)\b.*\b\d{4,5}\b.*",
        r")$"
    ))
    .expect("static regex")
});

static COMMENTS_START: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:leave a (?:reply|comment)|post a comment|\d* ?comments?:?|laisser un commentaire|réagir à cet article|vos réactions|add (?:a|your) comment)$")
        .expect("static regex")
});

/// Words that alone make up share bars and toolbars ("PDF Print E-mail").
const WIDGET_WORDS: &[&str] = &[
    "pdf", "print", "e-mail", "email", "share", "tweet", "comment", "comments", "like", "save",
    "facebook", "twitter", "linkedin", "whatsapp", "reddit", "font", "size", "a+", "a-", "rss",
    "home", "menu", "search", "login", "logout", "register", "imprimer", "partager", "envoyer",
];

static DATEISH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i)\b(?:\d{1,2}[/.-]\d{1,2}[/.-](?:19|20)\d{2}|(?:19|20)\d{2}-\d{2}-\d{2}|",
        r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|janv|févr|fév|avr|juil|déc)[a-zéû]*\.? \d{1,2},? (?:19|20)\d{2}|",
        r"\d{1,2}(?:er)? (?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|janv|févr|fév|mars|avr|mai|juin|juil|août|sept|déc)[a-zéû]*\.? (?:19|20)\d{2})"
    ))
    .expect("static regex")
});

static FOOTNOTE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"[a-z\)][.,;:!?]["”’']?(\d{1,2})(?:\s|$)"#).expect("static regex")
});

static BULLET: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?:[■□▪▫●•◦‣⁃◆◇►▶✓✔]+\s*)+").expect("static regex"));

/// Words (white-space separated pieces with a letter or digit) in `s`: the same count as
/// `s.split_whitespace().filter(|w| w.chars().any(char::is_alphanumeric)).count()`, with
/// the byte-pass splitter.
fn word_count(s: &str) -> usize {
    let mut n = 0;
    runs(
        s,
        |b| !is_ascii_space(b),
        |c| !c.is_whitespace(),
        |w| n += usize::from(w.chars().any(char::is_alphanumeric)),
    );
    n
}

fn ends_sentence(s: &str) -> bool {
    let t = s.trim_end_matches(|c: char| {
        matches!(c, '"' | '”' | '’' | '\'' | ')' | '»' | ' ' | '\u{a0}')
    });
    t.ends_with(['.', '!', '?', '…', ':', ';'])
}

fn is_nav(line: &str) -> bool {
    let parts: Vec<&str> = line
        .split("  ")
        .flat_map(|p| p.split(" | "))
        .flat_map(|p| p.split('\t'))
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    parts.len() >= 4 && parts.iter().all(|p| word_count(p) <= 3)
}

fn all_widget_words(s: &str) -> bool {
    let toks: Vec<String> = s
        .split(|c: char| c.is_whitespace() || c == '|' || c == '/' || c == '·')
        .filter(|t| !t.is_empty())
        .map(|t| t.to_lowercase())
        .collect();
    !toks.is_empty() && toks.iter().all(|t| WIDGET_WORDS.contains(&t.as_str()))
}

static LIST_MARK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:[-*•■□▪●◦‣►▶✓✔]|\d{1,3}[.)]|[a-z][.)])\s+\S").expect("static regex")
});

/// A list item (a bullet or number first) or a table row (cells apart by tabs or wide
/// spaces, one of them a figure): kept wherever it stands, unless it is debris.
fn is_row_or_item(line: &str) -> bool {
    if LIST_MARK.is_match(line) {
        return true;
    }
    let cells: Vec<&str> = line
        .split('\t')
        .flat_map(|c| c.split("   "))
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect();
    cells.len() >= 2
        && cells
            .iter()
            .any(|c| c.chars().any(|ch| ch.is_ascii_digit()))
}

/// True for a line that is site debris wherever it stands.
pub fn is_debris_line(line: &str) -> bool {
    let t = line.trim();
    if t.is_empty() {
        return false;
    }
    let n = word_count(t);
    n <= 16 && (DEBRIS.is_match(t) || all_widget_words(t) || is_nav(t))
}

/// Decides whether the document is hard-wrapped prose (PDF text, e-mail, old wire copy).
fn is_wrapped(lines: &[Line]) -> bool {
    let ne: Vec<&Line> = lines.iter().filter(|l| !l.text.is_empty()).collect();
    if ne.len() < 8 {
        return false;
    }
    let mut lens: Vec<usize> = ne.iter().map(|l| l.text.chars().count()).collect();
    lens.sort_unstable();
    let median = lens[lens.len() / 2];
    let mid = ne
        .iter()
        .filter(|l| {
            let n = l.text.chars().count();
            (20..=100).contains(&n) && !ends_sentence(l.text)
        })
        .count();
    median <= 90 && mid * 10 >= ne.len() * 6
}

fn split_lines(raw: &str) -> Vec<Line<'_>> {
    split_lines_at(raw, 0)
}

/// The lines of `raw`, a piece of the reader's text that starts at offset `base`.
fn split_lines_at(raw: &str, base: usize) -> Vec<Line<'_>> {
    let mut out = Vec::new();
    let mut off = base;
    for piece in raw.split('\n') {
        let lead = piece.len() - piece.trim_start().len();
        let t = piece.trim();
        let before = match piece[..lead].chars().next_back() {
            Some(c) => off + lead - c.len_utf8(),
            None => off.saturating_sub(1),
        };
        out.push(Line {
            off: off + lead,
            before,
            text: t,
        });
        off += piece.len() + 1;
    }
    out
}

fn ends_with_function_word(s: &str) -> bool {
    let last = s
        .rsplit(char::is_whitespace)
        .next()
        .unwrap_or("")
        .to_lowercase();
    matches!(
        last.as_str(),
        "a" | "an"
            | "the"
            | "of"
            | "to"
            | "and"
            | "or"
            | "in"
            | "by"
            | "for"
            | "with"
            | "on"
            | "at"
            | "from"
            | "that"
            | "as"
            | "its"
            | "their"
            | "his"
            | "her"
            | "is"
            | "was"
            | "were"
            | "are"
            | "be"
            | "de"
            | "la"
            | "le"
            | "les"
            | "des"
            | "du"
            | "et"
            | "à"
    )
}

/// Groups lines into paragraphs, joining wrapped lines and page breaks inside sentences.
fn paragraphs<'a>(lines: &[Line<'a>], wrapped: bool) -> Vec<Para<'a>> {
    let mut out: Vec<Para<'a>> = Vec::new();
    let mut cur: Vec<Line<'a>> = Vec::new();
    let mut blank_since = false;
    for &l in lines {
        if l.text.is_empty() {
            blank_since = true;
            continue;
        }
        let bullet = BULLET.is_match(l.text);
        let join = if let Some(prev) = cur.last() {
            let hyph = prev.text.ends_with('-') && prev.text.len() > 1;
            if bullet {
                false
            } else if wrapped {
                // a blank line inside a sentence is a page or column break: join when the
                // next line goes on in lower case or the previous one ends on a hyphen or
                // a word that cannot end a sentence ("at the" / "hands of")
                !blank_since
                    || hyph
                    || (!ends_sentence(prev.text)
                        && (l.text.chars().next().is_some_and(|c| {
                            c.is_lowercase() || matches!(c, '"' | '\'' | '“' | '(')
                        }) || ends_with_function_word(prev.text)))
            } else {
                // one line, one paragraph, unless the line clearly goes on
                !blank_since
                    && l.text.chars().next().is_some_and(char::is_lowercase)
                    && !is_debris_line(l.text)
                    && (hyph || (prev.text.chars().count() >= 40 && !ends_sentence(prev.text)))
            }
        } else {
            false
        };
        if !join && !cur.is_empty() {
            out.push(make_para(std::mem::take(&mut cur)));
        }
        cur.push(l);
        blank_since = false;
    }
    if !cur.is_empty() {
        out.push(make_para(cur));
    }
    out
}

fn make_para(lines: Vec<Line<'_>>) -> Para<'_> {
    let flat = lines.iter().map(|l| l.text).collect::<Vec<_>>().join(" ");
    Para { lines, flat }
}

/// Whether a hyphen at a line break belongs to the word (`African-led`) or to the break (`authoriz-ing`).
fn keep_hyphen(left_line: &str, right_line: &str) -> bool {
    let before = &left_line[..left_line.len() - 1];
    let left: String = before
        .chars()
        .rev()
        .take_while(|c| c.is_alphabetic())
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let right: String = right_line
        .chars()
        .take_while(|c| c.is_alphabetic())
        .collect();
    if left.is_empty() || right.is_empty() {
        return true;
    }
    if left.chars().next().is_some_and(char::is_uppercase)
        || right.chars().next().is_some_and(char::is_uppercase)
        || before.ends_with(|c: char| c.is_ascii_digit())
    {
        return true;
    }
    // A hyphen inside the left fragment (al-Qaeda-linked, well-) means a compound.
    if before
        .rsplit(char::is_whitespace)
        .next()
        .is_some_and(|w| w.contains('-'))
    {
        return true;
    }
    let joined = format!("{}{}", left.to_lowercase(), right.to_lowercase());
    if words::is_word(&joined) {
        return false;
    }
    let lw = left.to_lowercase();
    let rw = right.to_lowercase();
    lw.chars().count() >= 2 && words::is_word(&lw) && words::is_word(&rw) && rw.chars().count() >= 2
}

/// Appends one paragraph's lines to the builder: joined, de-hyphenated, normalised.
fn emit_para(b: &mut Builder, p: &Para) {
    let start_len = b.text().len();
    for (i, l) in p.lines.iter().enumerate() {
        let mut text = l.text;
        let mut off = l.off;
        if let Some(m) = BULLET.find(text) {
            off += m.end();
            text = &text[m.end()..];
        }
        if i > 0 && b.text().len() > start_len {
            let prev = p.lines[i - 1].text;
            if prev.ends_with('-') && !prev.ends_with(" -") && prev.len() > 1 {
                if !keep_hyphen(prev, text) {
                    // drop the hyphen we pushed
                    b.trim_end_matches(|c| c == '-');
                }
            } else if prev.ends_with(['—', '–']) || text.starts_with(['—', '–']) {
                // dashes join without a space
            } else {
                b.push_synthetic(" ", l.before);
            }
        }
        push_normalised(b, text, off);
    }
    b.trim_end_matches(char::is_whitespace);
}

/// Pushes a line with whitespace collapsed, quotes normalised and footnote markers removed.
fn push_normalised(b: &mut Builder, text: &str, off: usize) {
    let mut skip: Vec<(usize, usize)> = Vec::new();
    for c in FOOTNOTE.captures_iter(text) {
        if let Some(m) = c.get(1) {
            skip.push((m.start(), m.end()));
        }
    }
    let mut si = 0;
    let mut last_space = b.text().ends_with(' ') || b.text().is_empty() || b.text().ends_with('\n');
    let mut run_start: Option<usize> = None;
    let flush = |b: &mut Builder, run_start: &mut Option<usize>, upto: usize| {
        if let Some(s) = run_start.take() {
            b.push(&text[s..upto], off + s);
        }
    };
    for (i, ch) in text.char_indices() {
        while si < skip.len() && skip[si].1 <= i {
            si += 1;
        }
        if si < skip.len() && skip[si].0 <= i && i < skip[si].1 {
            flush(b, &mut run_start, i);
            continue;
        }
        let repl: Option<&str> = match ch {
            '\u{2019}' | '\u{2018}' | '\u{02bc}' | '`' | '\u{00b4}' => Some("'"),
            '\u{201c}' | '\u{201d}' | '\u{201e}' => Some("\""),
            '\u{00ad}' | '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{feff}' => Some(""),
            c if c.is_whitespace() => Some(" "),
            c if c.is_control() => Some(""),
            _ => None,
        };
        match repl {
            None => {
                if run_start.is_none() {
                    run_start = Some(i);
                }
                last_space = false;
            }
            Some(r) => {
                flush(b, &mut run_start, i);
                if r == " " {
                    if !last_space {
                        if ch == ' ' {
                            b.push(" ", off + i);
                        } else {
                            b.push_replacement(" ", off + i, off + i + ch.len_utf8());
                        }
                        last_space = true;
                    }
                } else if !r.is_empty() {
                    b.push_replacement(r, off + i, off + i + ch.len_utf8());
                    last_space = false;
                }
            }
        }
    }
    flush(b, &mut run_start, text.len());
}

/// Cleans a reader's output: by the reader's blocks when it gives them (HTML), otherwise
/// by the lines (a PDF's text is known to be hard-wrapped).
pub fn clean_raw(raw: &RawDoc) -> Cleaned {
    if raw.blocks.is_empty() {
        clean_with(&raw.text, raw.format == Format::Pdf)
    } else {
        clean_blocks(&raw.text, &raw.blocks)
    }
}

/// Where a paragraph lies in the reader's text.
fn para_span(p: &Para) -> Span {
    let start = p.lines.first().map_or(0, |l| l.off);
    let end = p.lines.last().map_or(start, |l| l.off + l.text.len());
    Span::new(start, end)
}

/// Cleans a reader's text.
pub fn clean(raw: &str) -> Cleaned {
    clean_with(raw, false)
}

/// Cleans a reader's text; `wrapped` says the text is known to be hard-wrapped (a PDF's
/// text layer), otherwise the cleaner decides from the line lengths.
pub fn clean_with(raw: &str, wrapped: bool) -> Cleaned {
    let lines = split_lines(raw);
    let wrapped = wrapped || is_wrapped(&lines);
    let paras = paragraphs(&lines, wrapped);

    // Short lines seen more than once (site name in header and footer, menu entries).
    let words: Vec<usize> = paras.iter().map(|p| word_count(&p.flat)).collect();
    let mut counts: HashMap<String, usize> = HashMap::new();
    for (p, &n) in paras.iter().zip(&words) {
        if n <= 8 {
            *counts.entry(p.flat.to_lowercase()).or_default() += 1;
        }
    }

    #[derive(Clone, Copy, PartialEq)]
    enum K {
        Body,
        Heading,
        Byline,
        Drop,
    }
    let mut kinds: Vec<K> = paras
        .iter()
        .zip(&words)
        .map(|(p, &n)| {
            let t = p.flat.as_str();
            // a debris line has at most 16 words (`n` is its word count already)
            if (n <= 16 && is_debris_line(t))
                || (n <= 8 && counts.get(&t.to_lowercase()).copied().unwrap_or(0) > 1)
            {
                K::Drop
            } else if (n >= 5 && ends_sentence(t)) || n >= 25 {
                K::Body
            } else if (n <= 16 && DATEISH.is_match(t))
                || (n <= 8
                    && (t.starts_with("By ") || t.starts_with("Par ") || t.starts_with("par ")))
            {
                K::Byline
            } else {
                K::Heading
            }
        })
        .collect();
    let first_body = kinds.iter().position(|k| *k == K::Body);
    let last_body = kinds.iter().rposition(|k| *k == K::Body);
    let mut cut_from: Option<usize> = None;
    for (i, p) in paras.iter().enumerate() {
        if i * 2 >= paras.len()
            && first_body.is_some_and(|f| i > f)
            && COMMENTS_START.is_match(p.flat.trim())
        {
            cut_from = Some(i);
            break;
        }
    }
    for (i, k) in kinds.iter_mut().enumerate() {
        let n = words[i];
        if cut_from.is_some_and(|c| i >= c) {
            *k = K::Drop;
        } else if first_body.is_some_and(|f| i < f) && *k == K::Heading && n <= 1 {
            // single words above the article: menu entries, section labels
            *k = K::Drop;
        } else if last_body.is_some_and(|l| i > l)
            && *k != K::Body
            && !is_row_or_item(&paras[i].flat)
        {
            // after the article: footer, addresses, widgets (lists and tables stay)
            *k = K::Drop;
        }
    }

    let mut b = Builder::new();
    let mut blocks = Vec::new();
    let mut dropped = Vec::new();
    let mut debris = Vec::new();
    let mut title = None;
    for (pi, (p, k)) in paras.iter().zip(&kinds).enumerate() {
        if *k == K::Drop {
            dropped.push(p.flat.clone());
            debris.push(LeftOut {
                span: para_span(p),
                kind: BlockKind::Debris,
            });
            continue;
        }
        if !b.text().is_empty() {
            let at = p.lines.first().map_or(0, |l| l.before);
            b.push_synthetic("\n\n", at);
        }
        let start = b.text().len();
        emit_para(&mut b, p);
        let end = b.text().len();
        if end <= start {
            continue;
        }
        let kind = match k {
            K::Body => BlockKind::Body,
            K::Byline => BlockKind::Byline,
            _ => BlockKind::Heading,
        };
        if title.is_none()
            && kind == BlockKind::Heading
            && first_body.is_some_and(|f| pi < f)
            && word_count(&b.text()[start..end]) >= 3
        {
            title = Some(b.text()[start..end].to_string());
        }
        blocks.push((Span::new(start, end), kind));
    }
    // Blocks that were emitted empty left a separator behind.
    b.trim_end_matches(char::is_whitespace);
    let (text, offsets) = b.finish();
    Cleaned {
        text,
        offsets,
        blocks,
        title,
        dropped,
        debris,
    }
}

#[cfg(test)]
mod tests;
