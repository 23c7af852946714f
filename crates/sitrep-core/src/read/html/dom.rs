//! The walk over the parsed page: every piece of visible text becomes a block (a paragraph,
//! heading, list item, table row, caption, quote), with the element that holds it, its
//! link text and the elements above it (tag, hints, class/id furniture words).

use scraper::{ElementRef, Node};

/// A block's shape, from the element that holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Shape {
    /// `h1`..`h6`, with its level.
    Heading(u8),
    /// A paragraph, a `div` with text, anything else.
    Para,
    /// An `li`, `dt` or `dd`.
    ListItem,
    /// A `tr`: its cells on one line.
    TableRow,
    /// `figcaption`, `caption`, text inside a `figure`.
    Caption,
    /// Text inside a `blockquote`.
    Quote,
    /// A `pre` block.
    Pre,
}

/// Element flags.
pub(super) const HINT_ARTICLE: u16 = 1; // <article>
pub(super) const HINT_MAIN: u16 = 1 << 1; // <main>, role=main
pub(super) const HINT_BODY: u16 = 1 << 2; // itemprop=articleBody, article-body class words
pub(super) const FURN_TAG: u16 = 1 << 3; // nav, aside, footer, header, form, menu, dialog, roles
pub(super) const FURN_WORD: u16 = 1 << 4; // class/id furniture words
pub(super) const META_WORD: u16 = 1 << 6; // class/id byline, author, date, time, meta
pub(super) const COMMENT_WORD: u16 = 1 << 7; // class/id comment words

/// An element of the page that holds text (directly or below).
#[derive(Debug, Clone, Copy)]
pub(super) struct Elem {
    /// The parent element, `None` for the root.
    pub parent: Option<u32>,
    /// `HINT_*`, `FURN_*` and other flags.
    pub flags: u16,
}

/// One block of text.
#[derive(Debug, Clone)]
pub(super) struct Block {
    /// Its lines (a `<br>` starts a new one), joined by `\n`.
    pub text: String,
    /// The innermost block-level element holding it.
    pub elem: u32,
    /// Its shape.
    pub shape: Shape,
    /// Characters of text.
    pub chars: u32,
    /// Characters of text inside links.
    pub link_chars: u32,
    /// Words.
    pub words: u32,
    /// Characters of the link text the block starts with (a teaser's linked headline).
    pub lead_link_chars: u32,
    /// The first character after that link text.
    pub after_lead: Option<char>,
}

impl Block {
    /// Share of the text inside links.
    pub fn link_density(&self) -> f32 {
        if self.chars == 0 {
            0.0
        } else {
            self.link_chars as f32 / self.chars as f32
        }
    }
}

/// The page as blocks and the elements above them.
#[derive(Debug, Default)]
pub(super) struct Page {
    /// Elements; index 0 is the root of the walk.
    pub elems: Vec<Elem>,
    /// Blocks in document order.
    pub blocks: Vec<Block>,
}

const SKIP_TAGS: &[&str] = &[
    "script", "style", "noscript", "iframe", "button", "select", "option", "svg", "canvas",
    "template", "object", "embed", "input", "textarea", "video", "audio", "map", "head", "title",
    "meta", "link",
];

const BLOCK_TAGS: &[&str] = &[
    "p",
    "div",
    "section",
    "article",
    "main",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "blockquote",
    "pre",
    "table",
    "tr",
    "thead",
    "tbody",
    "tfoot",
    "caption",
    "dd",
    "dt",
    "dl",
    "hr",
    "address",
    "figure",
    "figcaption",
    "header",
    "footer",
    "nav",
    "aside",
    "form",
    "menu",
    "dialog",
    "center",
    "details",
    "summary",
    "fieldset",
    "legend",
    "body",
    "html",
];

const FURN_TAGS: &[&str] = &["nav", "aside", "footer", "header", "form", "menu", "dialog"];

/// Class/id words that mark page furniture rather than content.
const FURNITURE_WORDS: &[&str] = &[
    "share",
    "sharing",
    "social",
    "related",
    "sidebar",
    "nav",
    "navbar",
    "navigation",
    "menu",
    "footer",
    "header",
    "masthead",
    "cookie",
    "cookies",
    "consent",
    "bio",
    "subscribe",
    "subscription",
    "newsletter",
    "promo",
    "advert",
    "advertisement",
    "ad",
    "ads",
    "banner",
    "breadcrumb",
    "breadcrumbs",
    "login",
    "signin",
    "toolbar",
    "widget",
    "popup",
    "modal",
    "recommend",
    "recommended",
    "trending",
    "tags",
    "tag",
    "pagination",
    "print",
    "outbrain",
    "taboola",
    "sponsored",
    "more",
    "popular",
    "next",
    "prev",
    "previous",
    "rail",
    "teaser",
    "teasers",
    "card",
    "cards",
    "signup",
    "paywall",
    "follow",
    "skip",
    "hidden",
    "sr-only",
    "visually-hidden",
    "tools",
    "utility",
    "topics",
    "most",
    "read-more",
    "readmore",
    "also",
];

const COMMENT_WORDS: &[&str] = &[
    "comment",
    "comments",
    "disqus",
    "respond",
    "reply",
    "replies",
    "discussion",
];

const META_WORDS: &[&str] = &[
    "byline",
    "author",
    "authors",
    "date",
    "dateline",
    "time",
    "timestamp",
    "published",
    "updated",
    "meta",
    "posted",
    "credit",
    "credits",
    "caption",
];

/// Class/id words that name the article's body.
const BODY_WORDS: &[&str] = &[
    "articlebody",
    "article-body",
    "article-content",
    "articlecontent",
    "post-content",
    "postcontent",
    "entry-content",
    "story-body",
    "storybody",
    "story-content",
    "post-body",
    "article-text",
    "body-text",
    "main-content",
    "maincontent",
];

fn class_words(el: &scraper::node::Element) -> String {
    let mut w = String::new();
    for a in ["class", "id"] {
        if let Some(v) = el.attr(a) {
            w.push_str(v);
            w.push(' ');
        }
    }
    w.make_ascii_lowercase();
    w
}

fn has_word(tokens: &[&str], list: &[&str]) -> bool {
    tokens.iter().any(|t| {
        list.iter()
            .any(|w| t == w || t.split(['-', '_']).any(|p| p == *w))
    })
}

fn flags_of(el: &scraper::node::Element) -> u16 {
    let name = el.name();
    let mut f = 0;
    match name {
        "article" => f |= HINT_ARTICLE,
        "main" => f |= HINT_MAIN,
        _ => {}
    }
    if FURN_TAGS.contains(&name) {
        f |= FURN_TAG;
    }
    if let Some(r) = el.attr("role") {
        match r {
            "main" => f |= HINT_MAIN,
            "navigation" | "banner" | "contentinfo" | "complementary" | "search" | "menu"
            | "menubar" | "dialog" | "alertdialog" => f |= FURN_TAG,
            _ => {}
        }
    }
    if el
        .attr("itemprop")
        .is_some_and(|v| v.split_whitespace().any(|p| p == "articleBody"))
    {
        f |= HINT_BODY;
    }
    let words = class_words(el);
    if !words.is_empty() {
        let toks: Vec<&str> = words
            .split(|c: char| !c.is_ascii_alphanumeric() && c != '-' && c != '_')
            .filter(|t| !t.is_empty())
            .collect();
        if toks
            .iter()
            .any(|t| BODY_WORDS.iter().any(|w| t.contains(w)))
        {
            f |= HINT_BODY;
        } else {
            if has_word(&toks, FURNITURE_WORDS) {
                f |= FURN_WORD;
            }
            if has_word(&toks, COMMENT_WORDS) {
                f |= COMMENT_WORD;
            }
        }
        if has_word(&toks, META_WORDS) {
            f |= META_WORD;
        }
    }
    f
}

fn hidden(el: &scraper::node::Element) -> bool {
    if el.attr("hidden").is_some() || el.attr("aria-hidden") == Some("true") {
        return true;
    }
    el.attr("style").is_some_and(|s| {
        let s: String = s
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        s.contains("display:none") || s.contains("visibility:hidden")
    })
}

/// The block being filled.
#[derive(Default)]
struct Buf {
    text: String,
    link_chars: u32,
    /// Characters of link text before any text outside a link.
    lead_link_chars: u32,
    /// Whether text outside a link has come.
    past_lead: bool,
    /// The first character outside a link after the leading link text.
    after_lead: Option<char>,
}

impl Buf {
    fn push_text(&mut self, s: &str, in_link: bool) {
        if s.trim().is_empty() {
            if !s.is_empty() && !self.text.ends_with([' ', '\n']) && !self.text.is_empty() {
                self.text.push(' ');
            }
            return;
        }
        if s.starts_with(char::is_whitespace)
            && !self.text.ends_with([' ', '\n'])
            && !self.text.is_empty()
        {
            self.text.push(' ');
        }
        let mut first = true;
        for w in s.split_whitespace() {
            if !first {
                self.text.push(' ');
            }
            first = false;
            self.text.push_str(w);
            let n = w.chars().count() as u32;
            if in_link {
                self.link_chars += n;
                if !self.past_lead {
                    self.lead_link_chars += n;
                }
            } else if !self.past_lead {
                if self.lead_link_chars > 0 && self.after_lead.is_none() {
                    self.after_lead = w.chars().next();
                }
                if w.chars().any(char::is_alphanumeric) {
                    self.past_lead = true;
                }
            }
        }
        if s.ends_with(char::is_whitespace) {
            self.text.push(' ');
        }
    }
}

fn finish(buf: &mut Buf, elem: u32, shape: Shape, out: &mut Vec<Block>) {
    let b = std::mem::take(buf);
    let mut text = String::with_capacity(b.text.len());
    for line in b.text.split('\n') {
        let l = line
            .trim_matches(|c: char| c.is_whitespace() || c == '|')
            .trim();
        if l.is_empty() {
            continue;
        }
        if !text.is_empty() {
            text.push('\n');
        }
        text.push_str(l);
    }
    if text.is_empty() {
        return;
    }
    let chars = text.chars().filter(|c| !c.is_whitespace()).count() as u32;
    let words = text
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count() as u32;
    out.push(Block {
        text,
        elem,
        shape,
        chars,
        link_chars: b.link_chars.min(chars),
        words,
        lead_link_chars: b.lead_link_chars.min(chars),
        after_lead: b.after_lead,
    });
}

/// Walks the page from `root` (iteratively: deep nesting cannot overflow the stack).
pub(super) fn walk(root: ElementRef) -> Page {
    enum Step<'a> {
        Enter(ego_tree::NodeRef<'a, Node>, u32),
        Leave {
            block: bool,
            link: bool,
            cell: bool,
            ctx: u8,
        },
    }
    // context counters: quote, figure, list item
    #[derive(Default)]
    struct Ctx {
        quote: u32,
        figure: u32,
        li: u32,
        links: u32,
    }
    let mut page = Page::default();
    page.elems.push(Elem {
        parent: None,
        flags: flags_of(root.value()),
    });
    // the open block-level elements, innermost last, with their shape
    let mut open: Vec<(u32, Shape)> = vec![(0, Shape::Para)];
    let mut ctx = Ctx::default();
    let mut buf = Buf::default();
    let mut stack: Vec<Step> = Vec::new();
    for c in root.children().rev() {
        stack.push(Step::Enter(c, 0));
    }
    let flush = |buf: &mut Buf, open: &Vec<(u32, Shape)>, ctx: &Ctx, blocks: &mut Vec<Block>| {
        if buf.text.trim().is_empty() {
            *buf = Buf::default();
            return;
        }
        let (elem, mut shape) = open.last().copied().unwrap_or((0, Shape::Para));
        if shape == Shape::Para {
            if ctx.figure > 0 {
                shape = Shape::Caption;
            } else if ctx.quote > 0 {
                shape = Shape::Quote;
            } else if ctx.li > 0 {
                shape = Shape::ListItem;
            }
        }
        finish(buf, elem, shape, blocks);
    };
    while let Some(step) = stack.pop() {
        match step {
            Step::Leave {
                block,
                link,
                cell,
                ctx: c,
            } => {
                if link {
                    ctx.links -= 1;
                }
                if cell {
                    buf.text.push_str(" | ");
                }
                if block {
                    flush(&mut buf, &open, &ctx, &mut page.blocks);
                    open.pop();
                }
                match c {
                    1 => ctx.quote -= 1,
                    2 => ctx.figure -= 1,
                    3 => ctx.li -= 1,
                    _ => {}
                }
            }
            Step::Enter(node, parent) => match node.value() {
                Node::Text(t) => buf.push_text(t, ctx.links > 0),
                Node::Element(el) => {
                    let name = el.name();
                    if SKIP_TAGS.contains(&name) || hidden(el) {
                        continue;
                    }
                    if name == "br" {
                        buf.text.push('\n');
                        continue;
                    }
                    if name == "hr" || name == "img" || name == "wbr" {
                        continue;
                    }
                    let id = page.elems.len() as u32;
                    page.elems.push(Elem {
                        parent: Some(parent),
                        flags: flags_of(el),
                    });
                    let cell = matches!(name, "td" | "th")
                        && !node.children().any(|c| {
                            c.value()
                                .as_element()
                                .is_some_and(|e| BLOCK_TAGS.contains(&e.name()))
                        });
                    let block =
                        !cell && (BLOCK_TAGS.contains(&name) || matches!(name, "td" | "th"));
                    let link = name == "a";
                    let c = match name {
                        "blockquote" => 1,
                        "figure" => 2,
                        "li" | "dd" | "dt" => 3,
                        _ => 0,
                    };
                    if block {
                        flush(&mut buf, &open, &ctx, &mut page.blocks);
                        let shape = match name {
                            "h1" => Shape::Heading(1),
                            "h2" => Shape::Heading(2),
                            "h3" => Shape::Heading(3),
                            "h4" => Shape::Heading(4),
                            "h5" => Shape::Heading(5),
                            "h6" => Shape::Heading(6),
                            "li" | "dd" | "dt" => Shape::ListItem,
                            "tr" => Shape::TableRow,
                            "figcaption" | "caption" => Shape::Caption,
                            "pre" => Shape::Pre,
                            _ => Shape::Para,
                        };
                        open.push((id, shape));
                    }
                    match c {
                        1 => ctx.quote += 1,
                        2 => ctx.figure += 1,
                        3 => ctx.li += 1,
                        _ => {}
                    }
                    if link {
                        ctx.links += 1;
                    }
                    stack.push(Step::Leave {
                        block,
                        link,
                        cell,
                        ctx: c,
                    });
                    let children: Vec<_> = node.children().collect();
                    for ch in children.into_iter().rev() {
                        stack.push(Step::Enter(ch, id));
                    }
                }
                _ => {}
            },
        }
    }
    flush(&mut buf, &open, &ctx, &mut page.blocks);
    page
}
