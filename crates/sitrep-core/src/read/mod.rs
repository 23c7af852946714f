//! Readers: bytes in, text with metadata out. The format is chosen by content sniffing.

mod depth;
mod encoding;
mod feed;
mod html;
mod markdown;
mod pdf;
mod pdf_bound;
mod pdf_scan;

pub use encoding::decode;
pub use feed::{FeedItem, SUMMARY_ONLY_CHARS};
pub use html::{fragment_to_text, html_to_text, HtmlText};

use std::io::Read;
use std::path::Path;

use crate::document::{BlockKind, Format, Meta, Span};
use crate::error::{Error, Result};

/// Limits applied while reading.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// Largest input accepted, in bytes.
    pub max_bytes: u64,
    /// Deepest element nesting accepted in HTML pages, feeds and the HTML inside feed
    /// items. The HTML parser's cost grows with the square of the depth, so a page of
    /// 100,000 nested elements would take minutes; deeper documents are refused.
    pub max_depth: usize,
    /// Largest total the compressed streams of one PDF may expand to, in bytes. The PDF
    /// parser inflates every stream in memory, so this bounds its memory use.
    pub max_expanded_bytes: u64,
}

/// Default of [`ReadOptions::max_expanded_bytes`]: 256 MiB.
pub const DEFAULT_MAX_EXPANDED_BYTES: u64 = 256 * 1024 * 1024;

/// Default of [`ReadOptions::max_depth`]: far deeper than real pages (rarely past 100),
/// and parsed in a fraction of a second.
pub const DEFAULT_MAX_DEPTH: usize = 5_000;

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            max_bytes: 50 * 1024 * 1024,
            max_depth: DEFAULT_MAX_DEPTH,
            max_expanded_bytes: DEFAULT_MAX_EXPANDED_BYTES,
        }
    }
}

/// What a reader produces: text (lines and paragraphs, not yet cleaned) and metadata.
#[derive(Debug, Clone)]
pub struct RawDoc {
    /// Path, URL or feed item link.
    pub source: String,
    /// Which reader produced it.
    pub format: Format,
    /// The reader's text.
    pub text: String,
    /// Metadata found by the reader (title, date, author, outlet, url).
    pub meta: Meta,
    /// The blocks of `text` as the reader saw them (HTML), each with its kind and whether
    /// it is the article's; empty when the reader has no structure to give (plain text,
    /// PDF, feeds), and the cleaner decides from the lines.
    pub blocks: Vec<RawBlock>,
}

/// A block of a reader's text, labelled by the reader.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RawBlock {
    /// Where it lies in the reader's text.
    pub span: Span,
    /// What it is; `Debris` for page furniture.
    pub kind: BlockKind,
    /// Whether it belongs to the article's text (a byline or caption above the article
    /// keeps its kind but is not the article's text).
    pub main: bool,
    /// Share of its characters inside links.
    pub link_density: f32,
}

/// Reads a file from disk, checking the size limit before reading.
pub fn read_path(path: &Path, opts: &ReadOptions) -> Result<Vec<RawDoc>> {
    let name = path.display().to_string();
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let md = std::fs::metadata(path).map_err(io)?;
    if md.is_dir() {
        return Err(Error::Invalid(format!(
            "{name}: is a directory (give files, or use `sitrep ingest` for folders)"
        )));
    }
    if !md.is_file() {
        // Opening a FIFO waits for a writer; a device may never end.
        return Err(Error::Invalid(format!(
            "{name}: not a regular file (a FIFO, socket or device); copy it to a file to read it"
        )));
    }
    if md.len() > opts.max_bytes {
        return Err(Error::TooLarge {
            source_name: name,
            size: md.len(),
            limit: opts.max_bytes,
        });
    }
    let mut bytes = Vec::with_capacity(md.len() as usize);
    std::fs::File::open(path)
        .map_err(io)?
        .take(opts.max_bytes + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    read_bytes(&name, &bytes, &ext, opts)
}

/// Reads a document from bytes; `ext` (lower case, may be empty) only breaks ties between text and Markdown.
pub fn read_bytes(
    source: &str,
    bytes: &[u8],
    ext: &str,
    opts: &ReadOptions,
) -> Result<Vec<RawDoc>> {
    if bytes.len() as u64 > opts.max_bytes {
        return Err(Error::TooLarge {
            source_name: source.to_string(),
            size: bytes.len() as u64,
            limit: opts.max_bytes,
        });
    }
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(Error::Empty(source.to_string()));
    }
    match sniff(bytes, ext) {
        Sniffed::Pdf => Ok(vec![pdf::read(source, bytes, opts.max_expanded_bytes)?]),
        Sniffed::Binary => Err(Error::Binary(source.to_string())),
        Sniffed::Textual => {
            let text = decode(bytes).ok_or_else(|| Error::Binary(source.to_string()))?;
            let kind = sniff_text(&text, ext);
            let docs = match kind {
                Format::Feed => feed::read(source, bytes, opts.max_depth)?,
                Format::Html => {
                    if let Some(r) = depth::html_refusal(&text, opts.max_depth) {
                        return Err(depth::refusal_error(source.to_string(), r, opts.max_depth));
                    }
                    vec![html::read(source, &text)]
                }
                Format::Markdown => vec![markdown::read(source, &text)],
                _ => vec![RawDoc {
                    source: source.to_string(),
                    format: Format::Text,
                    text,
                    meta: Meta::default(),
                    blocks: Vec::new(),
                }],
            };
            let docs: Vec<RawDoc> = docs
                .into_iter()
                .filter(|d| !d.text.trim().is_empty())
                .collect();
            if docs.is_empty() {
                return Err(Error::Empty(source.to_string()));
            }
            Ok(docs)
        }
    }
}

/// The items of a feed, or `None` when the bytes are not an RSS/Atom feed (sniffed as
/// [`read_bytes`] does). Items are in feed order, empty ones included.
pub fn read_feed_items(
    source: &str,
    bytes: &[u8],
    ext: &str,
    opts: &ReadOptions,
) -> Result<Option<Vec<FeedItem>>> {
    if bytes.len() as u64 > opts.max_bytes {
        return Err(Error::TooLarge {
            source_name: source.to_string(),
            size: bytes.len() as u64,
            limit: opts.max_bytes,
        });
    }
    if !matches!(sniff(bytes, ext), Sniffed::Textual) {
        return Ok(None);
    }
    let Some(text) = decode(bytes) else {
        return Ok(None);
    };
    if sniff_text(&text, ext) != Format::Feed {
        return Ok(None);
    }
    feed::items(source, bytes, opts.max_depth).map(Some)
}

enum Sniffed {
    Pdf,
    Binary,
    Textual,
}

fn sniff(bytes: &[u8], _ext: &str) -> Sniffed {
    let head = &bytes[..bytes.len().min(8192)];
    let trimmed = {
        let mut i = 0;
        while i < head.len() && head[i].is_ascii_whitespace() {
            i += 1;
        }
        &head[i..]
    };
    if trimmed.starts_with(b"%PDF-") {
        return Sniffed::Pdf;
    }
    if encoding::utf16_bom(head).is_some() || encoding::looks_utf16(head).is_some() {
        return Sniffed::Textual;
    }
    let controls = head
        .iter()
        .filter(|&&b| b == 0 || (b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c)))
        .count();
    if head.contains(&0) || controls * 20 > head.len().max(1) {
        return Sniffed::Binary;
    }
    Sniffed::Textual
}

fn sniff_text(text: &str, ext: &str) -> Format {
    let head: String = text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .chars()
        .take(4096)
        .collect::<String>()
        .to_ascii_lowercase();
    if (head.starts_with("<?xml") || head.starts_with("<rss") || head.starts_with("<feed"))
        && (head.contains("<rss") || head.contains("<feed") || head.contains("<rdf:rdf"))
    {
        return Format::Feed;
    }
    if head.starts_with("<!doctype html")
        || head.starts_with("<html")
        || head.contains("<body")
        || (head.starts_with('<')
            && ["<div", "<p>", "<p ", "<head", "<title", "<article"]
                .iter()
                .filter(|t| head.contains(*t))
                .count()
                >= 2)
    {
        return Format::Html;
    }
    if matches!(ext, "md" | "markdown" | "mdown") || looks_markdown(text) {
        return Format::Markdown;
    }
    Format::Text
}

fn looks_markdown(text: &str) -> bool {
    let mut score = 0;
    for line in text.lines().take(60) {
        let l = line.trim_start();
        if l.starts_with("# ") || l.starts_with("## ") || l.starts_with("### ") {
            score += 2;
        }
        if l.contains("](") && l.contains('[') {
            score += 1;
        }
        if l.starts_with("**") || l.starts_with("```") {
            score += 1;
        }
    }
    score >= 3
}

/// Runs `f`, turning a panic inside a third-party parser into an error message.
pub(crate) fn catch_panic<T>(
    f: impl FnOnce() -> T + std::panic::UnwindSafe,
) -> std::result::Result<T, String> {
    std::panic::catch_unwind(f).map_err(|e| {
        if let Some(s) = e.downcast_ref::<&str>() {
            (*s).to_string()
        } else if let Some(s) = e.downcast_ref::<String>() {
            s.clone()
        } else {
            "parser panicked".to_string()
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(bytes: &[u8], ext: &str) -> Result<Vec<RawDoc>> {
        read_bytes("t", bytes, ext, &ReadOptions::default())
    }

    #[test]
    fn sniffs_html_without_extension() {
        let d = read(b"<!DOCTYPE html><html><head><title>T</title></head><body><p>Hello world.</p></body></html>", "txt").unwrap();
        assert_eq!(d[0].format, Format::Html);
        assert_eq!(d[0].meta.title.as_deref(), Some("T"));
    }

    #[test]
    fn empty_and_binary_are_errors() {
        assert!(matches!(read(b"  \n ", ""), Err(Error::Empty(_))));
        assert!(matches!(
            read(b"\x00\x01\x02\x03binary\x00\x00", "txt"),
            Err(Error::Binary(_))
        ));
    }

    #[test]
    fn too_large_is_an_error() {
        let opts = ReadOptions {
            max_bytes: 4,
            ..ReadOptions::default()
        };
        assert!(matches!(
            read_bytes("t", b"hello world", "", &opts),
            Err(Error::TooLarge { .. })
        ));
    }

    #[test]
    fn too_deep_html_and_feeds_are_errors() {
        let opts = ReadOptions {
            max_depth: 1000,
            ..ReadOptions::default()
        };
        let html = format!("<html><body>{}<p>Deep text.</p>", "<div>".repeat(100_000));
        let e = read_bytes("deep.html", html.as_bytes(), "html", &opts).unwrap_err();
        assert!(matches!(e, Error::TooDeep { limit: 1000, .. }), "{e}");
        let msg = e.to_string();
        assert!(
            msg.starts_with("deep.html: ") && msg.contains("nested deeper than 1000"),
            "{msg}"
        );
        let ok = format!("<html><body>{}<p>Deep text.</p>", "<div>".repeat(900));
        assert!(read_bytes("ok.html", ok.as_bytes(), "html", &opts).is_ok());

        let xml = format!(
            "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>W</title><item><title>T</title>{}</item></channel></rss>",
            "<x>".repeat(100_000)
        );
        let e = read_bytes("deep.xml", xml.as_bytes(), "xml", &opts).unwrap_err();
        assert!(matches!(e, Error::TooDeep { .. }), "{e}");
        let item_html = format!(
            "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>W</title><item><title>T</title><description>{}Text.</description></item></channel></rss>",
            "&lt;div&gt;".repeat(100_000)
        );
        let e = read_bytes("items.xml", item_html.as_bytes(), "xml", &opts).unwrap_err();
        assert!(e.to_string().starts_with("items.xml#item1: "), "{e}");
    }

    #[test]
    fn markdown_by_content() {
        let d = read(
            b"# Title\n\nSome *text* with a [link](http://x).\n\n## More\n\n- item\n",
            "",
        )
        .unwrap();
        assert_eq!(d[0].format, Format::Markdown);
    }
}
