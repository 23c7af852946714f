//! Fingerprints for deduplication: SHA-256 of the cleaned text (exact) and a 64-bit SimHash
//! over word 4-shingles (near duplicates, Hamming distance at most [`NEAR_DISTANCE`]).

use std::borrow::Cow;

use sha2::{Digest, Sha256};
use sitrep_core::extract::tokens::lowercase;

/// Largest Hamming distance between two SimHashes that still counts as a near duplicate.
pub const NEAR_DISTANCE: u32 = 3;

/// Fewest shingles a text needs before near-duplicate detection applies to it: short texts
/// (headlines, one-line items) are only deduplicated exactly.
pub const MIN_SHINGLES: usize = 16;

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
    let norm: Vec<&str> = text.split_whitespace().collect();
    sha256_hex(norm.join(" ").as_bytes())
}

/// The lower-cased words of a text; a word already in lower-case ASCII (most of them) is
/// borrowed, not copied.
fn words(text: &str) -> Vec<Cow<'_, str>> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(lowercase)
        .collect()
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

fn fnv_step(h: u64, b: u8) -> u64 {
    (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
}

/// FNV-1a (fed byte by byte with [`fnv_step`] from [`FNV_OFFSET`]) then a splitmix64
/// finaliser, which spreads FNV's weak high bits.
fn fnv_finish(mut h: u64) -> u64 {
    h = (h ^ (h >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h = (h ^ (h >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^ (h >> 31)
}

/// 64-bit SimHash of a text over its word 4-shingles; `None` when the text has fewer than
/// [`MIN_SHINGLES`] shingles.
pub fn simhash(text: &str) -> Option<u64> {
    let w = words(text);
    if w.len() < 4 || w.len() - 3 < MIN_SHINGLES {
        return None;
    }
    let mut acc = [0i64; 64];
    for sh in w.windows(4) {
        // FNV-1a of the four words joined by spaces, without building the string
        let mut h = FNV_OFFSET;
        for (k, word) in sh.iter().enumerate() {
            if k > 0 {
                h = fnv_step(h, b' ');
            }
            for b in word.bytes() {
                h = fnv_step(h, b);
            }
        }
        let h = fnv_finish(h);
        for (i, a) in acc.iter_mut().enumerate() {
            *a += ((h >> i & 1) as i64) * 2 - 1;
        }
    }
    let mut out = 0u64;
    for (i, a) in acc.iter().enumerate() {
        if *a > 0 {
            out |= 1 << i;
        }
    }
    Some(out)
}

/// The four 16-bit bands of a SimHash. Two hashes within distance 3 agree on at least one
/// band (pigeonhole), so candidates are found by equality on any band.
pub fn bands(h: u64) -> [i64; 4] {
    [
        (h & 0xffff) as i64,
        (h >> 16 & 0xffff) as i64,
        (h >> 32 & 0xffff) as i64,
        (h >> 48 & 0xffff) as i64,
    ]
}

/// Number of differing bits.
pub fn hamming(a: u64, b: u64) -> u32 {
    (a ^ b).count_ones()
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str =
        "The Security Council adopted resolution 2085 authorizing the deployment of an \
        African-led International Support Mission in Mali for an initial period of one year, \
        and asked the Secretary-General to report on progress every ninety days.";

    #[test]
    fn near_duplicates_are_close_and_others_far() {
        let b = A.replace("ninety", "ninety-one");
        let ha = simhash(A).expect("long enough");
        let hb = simhash(&b).expect("long enough");
        assert!(hamming(ha, hb) <= 12, "distance {}", hamming(ha, hb));
        let c = "Heavy rains flooded the capital overnight, cutting power to thousands of homes \
            and closing schools while the weather service warned of more storms to come this week.";
        let hc = simhash(c).expect("long enough");
        assert!(hamming(ha, hc) > NEAR_DISTANCE);
        assert_eq!(simhash(&format!("{A}  ")), Some(ha));
        assert_eq!(simhash("too short"), None);
    }

    #[test]
    fn text_hash_ignores_whitespace() {
        assert_eq!(text_hash("a  b\nc"), text_hash("a b c"));
        assert_ne!(text_hash("a b c"), text_hash("a b d"));
    }

    #[test]
    fn bands_cover_the_hash() {
        let h = 0x1234_5678_9abc_def0u64;
        assert_eq!(bands(h), [0xdef0, 0x9abc, 0x5678, 0x1234]);
    }

    /// Fingerprints are stored: a change to how they are computed would stop new reports
    /// from matching the ones already in a store. These values come from the first
    /// implementation (upper case, non-ASCII, Greek final sigma, dotted capital I).
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
