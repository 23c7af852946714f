//! Phase 2 of the timeline: sources and reprints. Documents whose texts are near
//! duplicates (the store's SimHash, [`crate::simhash`]) or that share most of their word
//! 5-shingles (a reprint with a new headline, byline or a cut sentence) form one cluster
//! and count once in corroboration.

use std::collections::{HashMap, HashSet};

use super::Uf;
use crate::document::Document;
use crate::simhash::{hamming, simhash, NEAR_DISTANCE};

/// SimHash distance under which two whole documents are one report: twice the store's
/// near-duplicate distance, since a reprint usually changes the headline and byline too.
const REPRINT_DISTANCE: u32 = 2 * NEAR_DISTANCE;

/// Share of the smaller document's 5-shingles two documents must share to be one report.
const SHARED_SHINGLES: (usize, usize) = (6, 10);

/// Reprint clusters of the documents.
pub(super) struct Reprints {
    uf: Uf,
    shingles: HashMap<usize, HashSet<u64>>,
}

impl Reprints {
    /// Clusters documents by SimHash, through four 16-bit bands (no pairwise scan).
    pub fn new(docs: &[Document]) -> Reprints {
        let hashes: Vec<Option<u64>> = docs.iter().map(|d| simhash(&d.text)).collect();
        let mut uf = Uf::new(docs.len());
        let mut bands: HashMap<(usize, u16), Vec<usize>> = HashMap::new();
        for (i, h) in hashes.iter().enumerate() {
            let Some(h) = *h else { continue };
            for b in 0..4 {
                let part = (h >> (b * 16)) as u16;
                let bucket = bands.entry((b, part)).or_default();
                for &j in bucket.iter() {
                    if hashes[j].is_some_and(|o| hamming(o, h) <= REPRINT_DISTANCE) {
                        uf.union(i, j);
                    }
                }
                bucket.push(i);
            }
        }
        Reprints {
            uf,
            shingles: HashMap::new(),
        }
    }

    /// Compares the documents that report one event by their shingles; only documents
    /// that already meet in an event are compared, so the work follows the merges.
    pub fn compare(&mut self, docs: &[Document], group: &[usize]) {
        let ds: Vec<usize> = group
            .iter()
            .copied()
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        for (i, &a) in ds.iter().enumerate() {
            for &b in &ds[i + 1..] {
                if self.uf.find(a) == self.uf.find(b) {
                    continue;
                }
                let sa = self
                    .shingles
                    .entry(a)
                    .or_insert_with(|| shingle_set(&docs[a].text))
                    .clone();
                let sb = self
                    .shingles
                    .entry(b)
                    .or_insert_with(|| shingle_set(&docs[b].text));
                let inter = sa.intersection(sb).count();
                let small = sa.len().min(sb.len()).max(1);
                if inter * SHARED_SHINGLES.1 >= small * SHARED_SHINGLES.0 {
                    self.uf.union(a, b);
                }
            }
        }
    }

    /// The cluster of every document.
    pub fn clusters(mut self, n: usize) -> Vec<usize> {
        (0..n).map(|i| self.uf.find(i)).collect()
    }
}

/// Hashed word 5-shingles of a text.
fn shingle_set(text: &str) -> HashSet<u64> {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    words
        .windows(5)
        .map(|w| {
            let mut h: u64 = 0xcbf29ce484222325;
            for part in w {
                for b in part.bytes().chain(std::iter::once(b' ')) {
                    h ^= u64::from(b);
                    h = h.wrapping_mul(0x100000001b3);
                }
            }
            h
        })
        .collect()
}
