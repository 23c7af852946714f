//! Fingerprints for deduplication: SHA-256 of the cleaned text (exact) and a 64-bit SimHash
//! over word 4-shingles (near duplicates, Hamming distance at most [`NEAR_DISTANCE`]).

use sha2::{Digest, Sha256};
use sitrep_core::extract::tokens::{is_ascii_space, runs};

pub use sitrep_core::simhash::{bands, hamming, simhash, MIN_SHINGLES, NEAR_DISTANCE};

/// Lower-case hexadecimal SHA-256 of some bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let d = Sha256::digest(bytes);
    let mut s = String::with_capacity(64);
    for b in d {
        s.push(char::from(HEX[usize::from(b >> 4)]));
        s.push(char::from(HEX[usize::from(b & 15)]));
    }
    s
}

/// The exact-duplicate key of a cleaned text: SHA-256 of its words joined by single spaces,
/// so that differences in whitespace alone do not matter.
pub fn text_hash(text: &str) -> String {
    let mut norm = String::with_capacity(text.len());
    runs(
        text,
        |b| !is_ascii_space(b),
        |c| !c.is_whitespace(),
        |w| {
            if !norm.is_empty() {
                norm.push(' ');
            }
            norm.push_str(w);
        },
    );
    sha256_hex(norm.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_hash_ignores_whitespace() {
        assert_eq!(text_hash("a  b\nc"), text_hash("a b c"));
        assert_ne!(text_hash("a b c"), text_hash("a b d"));
    }

    #[test]
    fn word_runs_split_as_the_standard_library_does() {
        let texts = [
            "",
            " ",
            "plain words, and punctuation!",
            "\u{0b}vertical\u{0b}tab\u{0c}form\u{85}next-line\u{a0}nbsp\u{2003}em\u{3000}ideo ",
            "Kidal–Gao: 1 234 soldats à Tombouctou; ΟΔΟΣ١٢٣ İstanbul\u{200b}zero-width \r\n\tend",
            "ﬁn ǅemal ß 𝔸𝔹 🙂x\u{1680}ogham\u{2028}ls\u{205f}mm\u{1c}fs",
        ];
        for t in texts {
            let mut ws = Vec::new();
            runs(
                t,
                |b| !is_ascii_space(b),
                |c| !c.is_whitespace(),
                |w| ws.push(w),
            );
            assert_eq!(ws, t.split_whitespace().collect::<Vec<_>>(), "{t:?}");
            let mut an = Vec::new();
            runs(
                t,
                |b| b.is_ascii_alphanumeric(),
                char::is_alphanumeric,
                |w| an.push(w),
            );
            let std: Vec<&str> = t
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .collect();
            assert_eq!(an, std, "{t:?}");
        }
        for b in 0..128u8 {
            let c = char::from(b);
            assert_eq!(is_ascii_space(b), c.is_whitespace(), "{b:#x}");
        }
    }

    #[test]
    fn fingerprints_do_not_change() {
        let text = "Le Conseil de sécurité a adopté la RÉSOLUTION 2085, autorisant le déploiement \
            d'une Mission internationale de soutien au Mali (MISMA) pour une période initiale \
            d'un an; ΟΔΟΣ İstanbul Straße and the AFISMA troops reached Bamako on 17 January 2013.";
        assert_eq!(simhash(text), Some(0xc21b_f121_060b_55c4));
        assert_eq!(
            text_hash(text),
            "d3cbd463f361e70705b0c9d5adff952a5f9bbcce6c7520e12f696abbc8a1858a"
        );
        assert_eq!(
            sha256_hex(b"sitrep"),
            "74aa2f67be148f2213ae9982207ea8b93c96449629f7a9792a2c2da565995052"
        );
    }
}
