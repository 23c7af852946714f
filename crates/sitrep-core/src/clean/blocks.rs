//! Cleaning a reader's text by the blocks the reader labelled (HTML): the article's blocks
//! keep their kind and are normalised like any paragraph; the others are left out of the
//! cleaned text and listed with their kind. Widget phrases ("Share", "Advertisement")
//! that sit inside the article as blocks of their own are labelled debris here.

use super::{
    emit_para, is_debris_line, para_span, paragraphs, split_lines_at, word_count, Builder, Cleaned,
    DATEISH,
};
use crate::document::{BlockKind, LeftOut, Span};
use crate::read::RawBlock;

/// Cleans `raw` block by block, as labelled in `blocks`.
pub fn clean_blocks(raw: &str, blocks: &[RawBlock]) -> Cleaned {
    let mut b = Builder::new();
    let mut out = Vec::new();
    let mut dropped = Vec::new();
    let mut debris = Vec::new();
    let mut title = None;
    let mut seen_body = false;
    for rb in blocks {
        let Some(seg) = raw.get(rb.span.start..rb.span.end) else {
            continue;
        };
        if !rb.main {
            debris.push(LeftOut {
                span: rb.span,
                kind: rb.kind,
            });
            continue;
        }
        let lines = split_lines_at(seg, rb.span.start);
        for p in paragraphs(&lines, false) {
            let n = word_count(&p.flat);
            if rb.kind != BlockKind::TableRow && n <= 16 && is_debris_line(&p.flat) {
                dropped.push(p.flat.clone());
                debris.push(LeftOut {
                    span: para_span(&p),
                    kind: BlockKind::Debris,
                });
                continue;
            }
            let kind = match rb.kind {
                BlockKind::Body
                    if n <= 16
                        && (DATEISH.is_match(&p.flat)
                            || (n <= 8
                                && ["By ", "Par ", "par "]
                                    .iter()
                                    .any(|s| p.flat.starts_with(s)))) =>
                {
                    BlockKind::Byline
                }
                k => k,
            };
            if !b.text().is_empty() {
                let at = p.lines.first().map_or(0, |l| l.before);
                b.push_synthetic("\n\n", at);
            }
            let start = b.text().len();
            emit_para(&mut b, &p);
            let end = b.text().len();
            if end <= start {
                continue;
            }
            if kind == BlockKind::Body {
                seen_body = true;
            }
            if title.is_none() && !seen_body && kind == BlockKind::Heading && n >= 3 {
                title = Some(b.text()[start..end].to_string());
            }
            out.push((Span::new(start, end), kind));
        }
    }
    b.trim_end_matches(char::is_whitespace);
    let (text, offsets) = b.finish();
    Cleaned {
        text,
        offsets,
        blocks: out,
        title,
        dropped,
        debris,
    }
}
