//! Text encodings: UTF-8 (with or without BOM), UTF-16, and legacy single-byte encodings.

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8};

/// Returns the UTF-16 encoding named by a byte-order mark.
pub(super) fn utf16_bom(b: &[u8]) -> Option<&'static Encoding> {
    match b {
        [0xFF, 0xFE, ..] => Some(UTF_16LE),
        [0xFE, 0xFF, ..] => Some(UTF_16BE),
        _ => None,
    }
}

/// Guesses BOM-less UTF-16 from the pattern of zero bytes in ASCII-heavy text.
pub(super) fn looks_utf16(b: &[u8]) -> Option<&'static Encoding> {
    if b.len() < 8 {
        return None;
    }
    let n = b.len().min(4096) / 2 * 2;
    let (mut even0, mut odd0) = (0usize, 0usize);
    for (i, &x) in b[..n].iter().enumerate() {
        if x == 0 {
            if i % 2 == 0 {
                even0 += 1
            } else {
                odd0 += 1
            }
        }
    }
    let half = n / 2;
    if odd0 * 10 > half * 7 && even0 * 10 < half {
        Some(UTF_16LE)
    } else if even0 * 10 > half * 7 && odd0 * 10 < half {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// Decodes bytes to text: BOMs first, then strict UTF-8, then a detector for legacy encodings.
/// Returns `None` when the result would not be text.
pub fn decode(bytes: &[u8]) -> Option<String> {
    let text = if let Some(enc) = utf16_bom(bytes).or_else(|| looks_utf16(bytes)) {
        let (t, _, _) = enc.decode(bytes);
        t.into_owned()
    } else if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        String::from_utf8_lossy(rest).into_owned()
    } else if let Ok(s) = std::str::from_utf8(bytes) {
        s.to_string()
    } else {
        let mut det = chardetng::EncodingDetector::new();
        det.feed(bytes, true);
        let enc = det.guess(None, true);
        let enc = if enc == UTF_8 {
            encoding_rs::WINDOWS_1252
        } else {
            enc
        };
        let (t, _, _) = enc.decode(bytes);
        t.into_owned()
    };
    let text = if text.starts_with('\u{feff}') {
        text.trim_start_matches('\u{feff}').to_string()
    } else {
        text
    };
    // control characters among the first 8,192: binary data, not text
    let (mut bad, mut n) = (0usize, 0usize);
    for c in text.chars().take(8192) {
        n += 1;
        bad += usize::from(
            c == '\0' || (c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}')),
        );
    }
    let n = n.max(1);
    if bad * 20 > n {
        return None;
    }
    Some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_bom() {
        assert_eq!(
            decode(b"\xEF\xBB\xBFTombouctou").as_deref(),
            Some("Tombouctou")
        );
    }

    #[test]
    fn utf16_le_with_and_without_bom() {
        let s = "Le président à Bamako";
        let mut b = vec![0xFF, 0xFE];
        for u in s.encode_utf16() {
            b.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(decode(&b).as_deref(), Some(s));
        assert_eq!(decode(&b[2..]).as_deref(), Some(s));
    }

    #[test]
    fn windows_1252() {
        let b =
            b"Le pr\xe9sident Traor\xe9 \xe0 Bamako, l\x92arm\xe9e malienne et les \xe9lections";
        let t = decode(b).unwrap();
        assert!(t.contains("président Traoré à Bamako"), "{t}");
        assert!(t.contains("l\u{2019}armée"), "{t}");
    }
}
