//! The 64-bit SimHash of a text over its word 4-shingles: one fingerprint for the store's
//! near-duplicate detection and the timeline's reprint clusters.

use std::borrow::Cow;

use crate::extract::tokens::{lowercase, runs};

/// Largest Hamming distance between two SimHashes that still counts as a near duplicate.
pub const NEAR_DISTANCE: u32 = 3;

/// Fewest shingles a text needs before near-duplicate detection applies to it: short texts
/// (headlines, one-line items) are only deduplicated exactly.
pub const MIN_SHINGLES: usize = 16;

/// The lower-cased words of a text; a word already in lower-case ASCII (most of them) is
/// borrowed, not copied.
fn words(text: &str) -> Vec<Cow<'_, str>> {
    let mut out = Vec::with_capacity(text.len() / 6);
    runs(
        text,
        |b| b.is_ascii_alphanumeric(),
        char::is_alphanumeric,
        |w| {
            out.push(lowercase(w));
        },
    );
    out
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
    // Bit i of the SimHash is set when more than half the shingle hashes have bit i set.
    // The per-bit counts are kept eight to a word: SPREAD turns a byte of a hash into eight
    // 0/1 bytes, so one addition counts eight bits, and the byte counters are moved into
    // `ones` before any of them can pass 255.
    let mut ones = [0u32; 64];
    let mut packed = [0u64; 8];
    let mut held = 0;
    let mut shingles = 0u32;
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
        for (j, p) in packed.iter_mut().enumerate() {
            *p += SPREAD[(h >> (8 * j) & 0xff) as usize];
        }
        shingles += 1;
        held += 1;
        if held == 255 {
            unpack(&mut packed, &mut ones);
            held = 0;
        }
    }
    unpack(&mut packed, &mut ones);
    let mut out = 0u64;
    for (i, n) in ones.iter().enumerate() {
        if 2 * n > shingles {
            out |= 1 << i;
        }
    }
    Some(out)
}

/// Byte `k` of `SPREAD[b]` is bit `k` of `b`.
const SPREAD: [u64; 256] = {
    let mut t = [0u64; 256];
    let mut b = 0;
    while b < 256 {
        let mut k = 0;
        while k < 8 {
            t[b] |= ((b as u64 >> k) & 1) << (8 * k);
            k += 1;
        }
        b += 1;
    }
    t
};

/// Adds the byte counters of `packed` (byte `k` of word `j` counts bit `8j + k`) to `ones`
/// and clears them.
fn unpack(packed: &mut [u64; 8], ones: &mut [u32; 64]) {
    for (j, p) in packed.iter_mut().enumerate() {
        for k in 0..8 {
            ones[8 * j + k] += (*p >> (8 * k) & 0xff) as u32;
        }
        *p = 0;
    }
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
    fn bands_cover_the_hash() {
        let h = 0x1234_5678_9abc_def0u64;
        assert_eq!(bands(h), [0xdef0, 0x9abc, 0x5678, 0x1234]);
    }

    /// SimHash computed the plain way: a signed counter per bit.
    fn simhash_by_counters(text: &str) -> Option<u64> {
        let w = words(text);
        if w.len() < 4 || w.len() - 3 < MIN_SHINGLES {
            return None;
        }
        let mut acc = [0i64; 64];
        for sh in w.windows(4) {
            let h = fnv_finish(sh.join(" ").bytes().fold(FNV_OFFSET, fnv_step));
            for (i, a) in acc.iter_mut().enumerate() {
                *a += ((h >> i & 1) as i64) * 2 - 1;
            }
        }
        Some((0..64).filter(|&i| acc[i] > 0).fold(0, |h, i| h | 1 << i))
    }

    #[test]
    fn packed_counts_give_the_plain_simhash() {
        // Lengths around the 255-shingle spill, and texts from a small vocabulary, where
        // ties and near-ties between set and clear bits are common.
        let vocab = [
            "mali",
            "gao",
            "troops",
            "the",
            "army",
            "kidal",
            "ceasefire",
            "talks",
        ];
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for n in [
            3, 18, 19, 20, 100, 257, 258, 259, 260, 511, 512, 513, 1000, 3000,
        ] {
            for round in 0..20 {
                let words: Vec<&str> = (0..n)
                    .map(|_| {
                        seed ^= seed << 13;
                        seed ^= seed >> 7;
                        seed ^= seed << 17;
                        vocab[(seed % (2 + round % 7)) as usize]
                    })
                    .collect();
                let text = words.join(" ");
                assert_eq!(simhash(&text), simhash_by_counters(&text), "{n} words");
            }
        }
    }

    /// Fingerprints are stored: a change to how they are computed would stop new reports
    /// from matching the ones already in a store.
    #[test]
    fn fingerprints_do_not_change() {
        let text = "Le Conseil de sécurité a adopté la RÉSOLUTION 2085, autorisant le déploiement \
            d'une Mission internationale de soutien au Mali (MISMA) pour une période initiale \
            d'un an; ΟΔΟΣ İstanbul Straße and the AFISMA troops reached Bamako on 17 January 2013.";
        assert_eq!(simhash(text), Some(0xc21b_f121_060b_55c4));
    }
}
