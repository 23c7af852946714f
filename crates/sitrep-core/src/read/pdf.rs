//! PDF reader: the text layer, through `pdf-extract`, with panics in the parser contained.

use super::{catch_panic, RawDoc};
use crate::document::{Format, Meta};
use crate::error::{Error, Result};

pub(super) fn read(source: &str, bytes: &[u8], max_expanded: u64) -> Result<RawDoc> {
    if let Some(total) = expands_past(bytes, max_expanded) {
        return Err(Error::Pdf(
            source.to_string(),
            format!(
                "compressed streams expand to more than {max_expanded} bytes (at least {total}; a compression bomb?); raise --max-expanded-bytes to read it"
            ),
        ));
    }
    let owned = bytes.to_vec();
    let text = catch_panic(move || pdf_extract::extract_text_from_mem(&owned))
        .map_err(|p| Error::Pdf(source.to_string(), format!("parser failure: {p}")))?
        .map_err(|e| Error::Pdf(source.to_string(), e.to_string()))?;
    if text.trim().is_empty() {
        return Err(Error::Pdf(
            source.to_string(),
            "no text layer (a scanned PDF needs OCR first)".to_string(),
        ));
    }
    Ok(RawDoc {
        source: source.to_string(),
        format: Format::Pdf,
        text,
        meta: Meta::default(),
        blocks: Vec::new(),
    })
}

/// When the zlib-compressed (`/FlateDecode`) streams of a PDF expand to more than `limit`
/// bytes in all, how much they had expanded to when the count stopped. The PDF parser
/// inflates every stream into memory, so a 200 KB file can otherwise take gigabytes.
/// Streams are found by their `stream` keyword and recognised by their zlib header; each
/// is inflated into a counter, never kept.
fn expands_past(bytes: &[u8], limit: u64) -> Option<u64> {
    use std::io::Read;
    let mut total = 0u64;
    let mut buf = vec![0u8; 64 * 1024];
    let mut i = 0;
    while let Some(p) = bytes[i..].windows(6).position(|w| w == b"stream") {
        let at = i + p;
        i = at + 6;
        if at > 0 && bytes[at - 1] == b'd' {
            continue; // `endstream`
        }
        let start = match &bytes[i..] {
            [b'\r', b'\n', ..] => i + 2,
            [b'\n', ..] | [b'\r', ..] => i + 1,
            _ => continue,
        };
        let zlib = matches!(&bytes[start..], [cmf, flg, ..]
            if cmf & 0x0f == 8 && (u16::from(*cmf) << 8 | u16::from(*flg)) % 31 == 0);
        if !zlib {
            continue;
        }
        let mut z = flate2::read::ZlibDecoder::new(&bytes[start..]);
        while let Ok(n) = z.read(&mut buf) {
            if n == 0 {
                break;
            }
            total += n as u64;
            if total > limit {
                return Some(total);
            }
        }
        i = start + (z.total_in() as usize).max(1);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn zlib(b: &[u8]) -> Vec<u8> {
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        z.write_all(b).expect("in memory");
        z.finish().expect("in memory")
    }

    #[test]
    fn compression_bombs_are_measured_without_keeping_them() {
        let bomb = zlib(&vec![b' '; 20 << 20]);
        let mut pdf = b"%PDF-1.4\n4 0 obj\n<< /Filter /FlateDecode >>\nstream\r\n".to_vec();
        pdf.extend_from_slice(&bomb);
        pdf.extend_from_slice(b"\nendstream\nendobj\n");
        assert!(bomb.len() < 100_000);
        assert!(expands_past(&pdf, 10 << 20).is_some_and(|t| t > 10 << 20));
        assert_eq!(expands_past(&pdf, 30 << 20), None);
        let e = read("bomb.pdf", &pdf, 1 << 20).unwrap_err().to_string();
        assert!(
            e.starts_with(
                "bomb.pdf: unreadable PDF: compressed streams expand to more than 1048576 bytes"
            ),
            "{e}"
        );
        // Many small streams count together.
        let small = zlib(&vec![b'x'; 1 << 20]);
        let mut many = b"%PDF-1.4\n".to_vec();
        for _ in 0..8 {
            many.extend_from_slice(b"stream\n");
            many.extend_from_slice(&small);
            many.extend_from_slice(b"\nendstream\n");
        }
        assert!(expands_past(&many, 6 << 20).is_some());
        assert_eq!(expands_past(&many, 9 << 20), None);
    }
}
