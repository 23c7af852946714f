//! Main content by text mass and link density: which element holds the article, and which
//! of the page's blocks are its text.
//!
//! Prose blocks (sentences, few links) give their text mass to every element above them.
//! Elements marked as furniture (navigation tags and roles, class/id words such as
//! `sidebar` or `comments`) pass on only a twentieth of it, unless they hold most of the
//! page's prose (a `<body class="no-sidebar">` is still the page). From the root, the walk
//! goes down to the child that holds nearly all the mass; `<article>`, `<main>`,
//! `itemprop=articleBody` and the JSON-LD `articleBody` are strong hints, taken when they
//! hold most of the mass (an empty, teaser or comment `<article>` does not). Inside the
//! chosen element, link-heavy regions, furniture and the lines above the first and below
//! the last prose block that are not lists or tables are labelled as not the article.

use super::dom::{
    Block, Page, Shape, COMMENT_WORD, FURN_TAG, FURN_WORD, HINT_ARTICLE, HINT_BODY, HINT_MAIN,
    META_WORD,
};

/// What a block is to the article.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Role {
    /// Part of the article's text.
    Text,
    /// A byline or dateline above the article's text.
    Byline,
    /// A caption.
    Caption,
    /// Headline or kicker above the article's text.
    Head,
    /// Not the article: navigation, teasers, link lists, comments, footers.
    Debris,
}

/// Folds text to lower-case letters and digits separated by single spaces (for matching
/// blocks against the JSON-LD `articleBody`).
pub(super) fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = true;
    for c in s.chars() {
        if c.is_alphanumeric() {
            for l in c.to_lowercase() {
                out.push(l);
            }
            space = false;
        } else if !space {
            out.push(' ');
            space = true;
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

fn ends_sentence(s: &str) -> bool {
    let t = s.trim_end_matches(|c: char| {
        matches!(c, '"' | '”' | '’' | '\'' | ')' | '»' | ' ' | '\u{a0}' | '*')
    });
    t.ends_with(['.', '!', '?', '…', ':', ';', '。', '؟'])
}

/// The first `n` bytes of `s`, cut back to a char boundary.
fn prefix(s: &str, n: usize) -> &str {
    let mut i = n.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    &s[..i]
}

/// Whether a block starts with a linked headline followed by a summary (a teaser): the
/// text after the link starts anew (a capital or a digit), it does not go on with the
/// sentence the link began.
fn is_teaser(b: &Block) -> bool {
    b.lead_link_chars >= 20
        && b.lead_link_chars < b.chars
        && b.lead_link_chars * 5 >= b.chars
        && b.after_lead
            .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
}

/// Whether a block reads as running text: enough words, few links, a sentence.
fn is_prose(b: &Block, in_body: bool) -> bool {
    if matches!(
        b.shape,
        Shape::Heading(_) | Shape::TableRow | Shape::Caption
    ) {
        return false;
    }
    if is_teaser(b) && !in_body {
        return false;
    }
    let ld = b.link_density();
    if ld >= 0.35 {
        return false;
    }
    if in_body {
        return b.words >= 5;
    }
    (b.words >= 10 && ends_sentence(&b.text)) || b.words >= 25
}

/// Labels every block of the page; `body` is the JSON-LD `articleBody`, folded, if any.
pub(super) fn label(page: &Page, body: Option<&str>) -> Vec<Role> {
    let n = page.elems.len();
    let nb = page.blocks.len();
    let mut roles = vec![Role::Debris; nb];
    if nb == 0 {
        return roles;
    }
    let parent = |e: usize| page.elems[e].parent.map(|p| p as usize);
    let flags = |e: usize| page.elems[e].flags;

    // text mass of prose blocks, raw
    let in_body: Vec<bool> = page
        .blocks
        .iter()
        .map(|b| {
            body.is_some_and(|body| {
                let f = fold(&b.text);
                f.len() >= 20 && body.contains(prefix(&f, 80))
            })
        })
        .collect();
    let prose: Vec<bool> = page
        .blocks
        .iter()
        .zip(&in_body)
        .map(|(b, &ib)| is_prose(b, ib))
        .collect();
    let block_mass = |i: usize| -> f64 {
        let b = &page.blocks[i];
        let m = (b.chars - b.link_chars) as f64;
        if in_body[i] {
            m * 2.0
        } else {
            m
        }
    };
    let mut raw = vec![0f64; n];
    let mut nblocks = vec![0u32; n];
    let mut chars = vec![0u64; n];
    let mut links = vec![0u64; n];
    for (i, b) in page.blocks.iter().enumerate() {
        let m = if prose[i] { block_mass(i) } else { 0.0 };
        let mut e = Some(b.elem as usize);
        while let Some(x) = e {
            raw[x] += m;
            nblocks[x] += 1;
            chars[x] += u64::from(b.chars);
            links[x] += u64::from(b.link_chars);
            e = parent(x);
        }
    }
    let total = raw[0];
    if total <= 0.0 {
        // no prose at all: keep what is not furniture or links
        for (i, b) in page.blocks.iter().enumerate() {
            let mut furn = false;
            let mut e = Some(b.elem as usize);
            while let Some(x) = e {
                if x != 0 && flags(x) & (FURN_TAG | FURN_WORD | COMMENT_WORD) != 0 {
                    furn = true;
                }
                e = parent(x);
            }
            if !furn && b.link_density() < 0.5 {
                roles[i] = Role::Text;
            }
        }
        return roles;
    }
    // teaser cards: the smallest element around a linked heading that holds more than
    // the heading, when it holds little of the page's prose
    let mut teaser = vec![false; n];
    for (i, b) in page.blocks.iter().enumerate() {
        if !matches!(b.shape, Shape::Heading(_)) || b.link_density() < 0.8 || in_body[i] {
            continue;
        }
        // up to the first element with prose in it
        let mut e = Some(b.elem as usize);
        while let Some(x) = e {
            if raw[x] > 0.0 {
                if x != 0 && raw[x] < 0.1 * total && flags(x) & HINT_BODY == 0 {
                    teaser[x] = true;
                }
                break;
            }
            e = parent(x);
        }
    }
    // furniture: marked elements that do not hold most of the prose
    let furniture = |x: usize| -> bool {
        x != 0
            && ((flags(x) & (FURN_TAG | FURN_WORD | COMMENT_WORD) != 0
                && flags(x) & (HINT_BODY | HINT_ARTICLE | HINT_MAIN) == 0
                && raw[x] < 0.7 * total)
                || teaser[x])
    };
    let is_furn: Vec<bool> = (0..n).map(furniture).collect();
    let mut eff = vec![0f64; n];
    for (i, b) in page.blocks.iter().enumerate() {
        if !prose[i] {
            continue;
        }
        let mut m = block_mass(i);
        let mut e = Some(b.elem as usize);
        let mut chain = Vec::new();
        while let Some(x) = e {
            if is_furn[x] {
                m *= 0.05;
            }
            chain.push(x);
            e = parent(x);
        }
        // the factor applies to every element above the furniture, and to it
        for x in chain {
            eff[x] += m;
        }
    }
    // link-heavy elements
    let link_heavy = |x: usize| chars[x] > 0 && links[x] as f64 >= 0.5 * chars[x] as f64;
    // children's best by effective mass
    let mut best = vec![usize::MAX; n];
    for x in 1..n {
        if let Some(p) = parent(x) {
            if best[p] == usize::MAX || eff[x] > eff[best[p]] {
                best[p] = x;
            }
        }
    }
    // the walk stops above a single block: a paragraph holding all the prose is one
    // paragraph of the article, not the article
    let mut node = 0usize;
    loop {
        let c = best[node];
        if c == usize::MAX || eff[c] < 0.85 * eff[node] || nblocks[c] <= 1 {
            break;
        }
        node = c;
    }
    // strong hints below the chosen element that hold most of its mass
    let is_below = |x: usize, anc: usize| {
        let mut e = Some(x);
        while let Some(y) = e {
            if y == anc {
                return true;
            }
            e = parent(y);
        }
        false
    };
    let mut hint: Option<usize> = None;
    for x in 1..n {
        let f = flags(x);
        let need = if f & HINT_BODY != 0 {
            0.5
        } else if f & (HINT_ARTICLE | HINT_MAIN) != 0 {
            0.6
        } else {
            continue;
        };
        if x != node && eff[x] >= need * eff[node] && !is_furn[x] && is_below(x, node) {
            // deeper hints come later in document order and win ties
            if hint.is_none_or(|h| eff[x] >= eff[h] * 0.95) {
                hint = Some(x);
            }
        }
    }
    if let Some(h) = hint {
        node = h;
        loop {
            let c = best[node];
            if c == usize::MAX || eff[c] < 0.9 * eff[node] || nblocks[c] <= 1 {
                break;
            }
            node = c;
        }
    }
    let container_mass = raw[node];

    // inside the container: what is furniture or link-heavy
    for (i, b) in page.blocks.iter().enumerate() {
        let mut inside = false;
        let mut drop = false;
        let mut meta = false;
        let mut e = Some(b.elem as usize);
        while let Some(x) = e {
            if x == node {
                inside = true;
                break;
            }
            if is_furn[x] && raw[x] < 0.5 * container_mass.max(1.0) {
                drop = true;
            }
            if raw[x] < 0.3 * container_mass && link_heavy(x) {
                drop = true;
            }
            if flags(x) & META_WORD != 0 && raw[x] == 0.0 {
                meta = true;
            }
            e = parent(x);
        }
        if !inside || drop {
            continue;
        }
        let ld = b.link_density();
        if !prose[i] && (ld >= 0.5 || (ld >= 0.3 && b.words <= 12) || (is_teaser(b) && !in_body[i]))
        {
            continue;
        }
        roles[i] = if b.shape == Shape::Caption {
            Role::Caption
        } else if meta {
            Role::Byline
        } else {
            Role::Text
        };
    }
    // above the first and below the last prose block
    let first = (0..nb).find(|&i| prose[i] && roles[i] == Role::Text);
    let last = (0..nb).rev().find(|&i| prose[i] && roles[i] == Role::Text);
    if let (Some(first), Some(last)) = (first, last) {
        // above the first prose block: headline, kicker, byline, date, unless the block
        // is a paragraph of sentences (a short lead line of the article)
        let sentence = |b: &Block| {
            b.shape == Shape::Para && b.words >= 2 && b.link_chars == 0 && ends_sentence(&b.text)
        };
        for (r, b) in roles.iter_mut().zip(&page.blocks).take(first) {
            if *r == Role::Text && !sentence(b) {
                *r = Role::Head;
            }
        }
        // below it: the short paragraphs of sentences that follow it directly are the
        // article's last lines
        let mut last = last;
        while last + 1 < nb && roles[last + 1] == Role::Text && sentence(&page.blocks[last + 1]) {
            last += 1;
        }
        let mut keep_next = false;
        for i in (last + 1..nb).rev() {
            if roles[i] != Role::Text {
                continue;
            }
            let b = &page.blocks[i];
            let structured = matches!(
                b.shape,
                Shape::ListItem | Shape::TableRow | Shape::Quote | Shape::Pre
            );
            if structured && b.link_density() < 0.3 {
                keep_next = true;
            } else if matches!(b.shape, Shape::Heading(_)) && keep_next {
                // a heading over a kept list
            } else {
                roles[i] = Role::Debris;
                keep_next = false;
            }
        }
    }
    roles
}
