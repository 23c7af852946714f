//! The learned sequence labeller: an averaged perceptron over BIO tags (person,
//! organisation, place), decoded greedily left to right.
//!
//! Features are hashed as they are computed (no feature strings): the lower-cased word and
//! its neighbours (±2), word shape, prefixes and suffixes, knowledge-base membership of the
//! longest match through the token, word-list flags (ordinary word, title, organisation
//! head, demonym), position, whether the word occurs in lower case elsewhere in the
//! document, whether the whole sentence is in capitals, and the two previous tags. The same
//! code computes them when the model is trained (`examples/train_ner.rs`) and when it tags.
//!
//! One model per language (`data/ner/<lang>.model`), loaded once per process on first use.

use std::io::{Read, Write};
use std::sync::{LazyLock, OnceLock};

use rustc_hash::FxHashSet;

use super::{kb_match, LOWER_TITLE_SET, ORG_HEAD_SET, PLACE_CUES, PLACE_HEAD_SET, TITLE_SET};
use crate::document::EntityType;
use crate::extract::tokens::{TokKind, Token};
use crate::kb::{words, Kb, KeyKind};

/// Number of tags: O, then B and I for person, organisation, place.
pub const N_TAGS: usize = 7;

/// Tag index of `O`.
pub const O: u8 = 0;

/// The tag for the beginning (`begin`) or inside of a name of type `kind`.
pub fn tag_of(kind: EntityType, begin: bool) -> u8 {
    let base = match kind {
        EntityType::Person => 1,
        EntityType::Organization => 3,
        EntityType::Place => 5,
        EntityType::Other => return O,
    };
    if begin {
        base
    } else {
        base + 1
    }
}

/// The type of tag `t` and whether it begins a name; `None` for `O`.
pub fn kind_of_tag(t: u8) -> Option<(EntityType, bool)> {
    let kind = match t {
        1 | 2 => EntityType::Person,
        3 | 4 => EntityType::Organization,
        5 | 6 => EntityType::Place,
        _ => return None,
    };
    Some((kind, t % 2 == 1))
}

/// Whether tag `t` may follow `prev` (an inside tag continues a name of its type).
fn allowed(prev: u8, t: u8) -> bool {
    match kind_of_tag(t) {
        Some((k, false)) => kind_of_tag(prev).is_some_and(|(pk, _)| pk == k),
        _ => true,
    }
}

/// The languages with a model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// English.
    En,
    /// French.
    Fr,
    /// Arabic.
    Ar,
}

impl Lang {
    /// The language of an ISO 639-1 code, when a model exists for it.
    pub fn from_code(code: &str) -> Option<Lang> {
        match code {
            "en" => Some(Lang::En),
            "fr" => Some(Lang::Fr),
            "ar" => Some(Lang::Ar),
            _ => None,
        }
    }

    /// The ISO 639-1 code.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Fr => "fr",
            Lang::Ar => "ar",
        }
    }
}

// ---------------------------------------------------------------- hashing

const K: u64 = 0x517c_c1b7_2722_0a95;

#[inline]
fn mix(h: u64, x: u64) -> u64 {
    (h.rotate_left(5) ^ x).wrapping_mul(K)
}

#[inline]
fn feat(template: u64, a: u64) -> u64 {
    mix(mix(0x9e37_79b9_7f4a_7c15, template), a)
}

#[inline]
fn feat2(template: u64, a: u64, b: u64) -> u64 {
    mix(feat(template, a), b)
}

// ---------------------------------------------------------------- tokens

const F_CAP: u32 = 1;
const F_ALLCAP: u32 = 1 << 1;
const F_DIGIT: u32 = 1 << 2;
const F_COMMON: u32 = 1 << 3;
const F_TITLE: u32 = 1 << 4;
const F_ORG_HEAD: u32 = 1 << 5;
const F_PLACE_HEAD: u32 = 1 << 6;
const F_CONNECTOR: u32 = 1 << 7;
const F_DEMONYM: u32 = 1 << 8;
const F_NON_ENTITY: u32 = 1 << 9;
const F_POSSESSIVE: u32 = 1 << 10;
const F_SEEN_LOWER: u32 = 1 << 11;
const F_PUNCT: u32 = 1 << 12;
const F_FIRST: u32 = 1 << 13;
const F_CAPS_SENTENCE: u32 = 1 << 14;
const F_FUNCTION: u32 = 1 << 15;
const F_LOWER_TITLE: u32 = 1 << 16;
const F_MONTH: u32 = 1 << 17;
const F_PLACE_CUE: u32 = 1 << 18;
const F_LONG: u32 = 1 << 19;

const MONTHS: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
    "lundi",
    "mardi",
    "mercredi",
    "jeudi",
    "vendredi",
    "samedi",
    "dimanche",
    "يناير",
    "فبراير",
    "مارس",
    "أبريل",
    "ابريل",
    "مايو",
    "يونيو",
    "يوليو",
    "أغسطس",
    "اغسطس",
    "سبتمبر",
    "أكتوبر",
    "اكتوبر",
    "نوفمبر",
    "ديسمبر",
    "كانون",
    "شباط",
    "آذار",
    "اذار",
    "نيسان",
    "أيار",
    "ايار",
    "حزيران",
    "تموز",
    "آب",
    "أيلول",
    "ايلول",
    "تشرين",
];

static MONTH_SET: LazyLock<super::WordSet> = LazyLock::new(|| super::WordSet::new(MONTHS));

/// Whether `w` is a month or weekday name or abbreviation (English or French).
pub fn is_month(w: &str) -> bool {
    MONTH_SET.contains(w.trim_end_matches('.'))
}

/// What the model knows of one token, computed once per sentence.
#[derive(Debug, Clone, Copy, Default)]
pub struct TokInfo {
    lower: u64,
    shape: u64,
    prefix: [u64; 4],
    suffix: [u64; 4],
    flags: u32,
    /// Arabic: the word without its proclitics (`و`, `ب`, `ل`, `ك`, `ف`, `ال`), else 0.
    stem: u64,
    /// Knowledge-base kinds of that stem as a whole name.
    stem_kb: u8,
    /// Knowledge-base code: 0 none; else begin (1) or inside (2), plus the kinds (bits 2..).
    kb: u8,
}

/// Lower-case hash of a word, with its first four prefixes and last four suffixes, and the
/// hash of its collapsed shape (`Xx`, `X.X.`, `dd-dd` → `Xx`, `X.X.`, `d-d`).
fn word_hashes(w: &str) -> (u64, [u64; 4], [u64; 4], u64) {
    let mut h = 0u64;
    let mut prefix = [0u64; 4];
    let mut last = [0u32; 4];
    let mut n = 0usize;
    let mut shape = 0u64;
    let mut prev_class = 0u32;
    for c in w.chars() {
        let class = if c.is_uppercase() {
            'X' as u32
        } else if c.is_lowercase() {
            'x' as u32
        } else if c.is_ascii_digit() {
            'd' as u32
        } else if c.is_alphabetic() {
            'a' as u32
        } else {
            c as u32
        };
        if class != prev_class {
            shape = mix(shape, u64::from(class));
            prev_class = class;
        }
        for l in c.to_lowercase() {
            h = mix(h, u64::from(l as u32));
            if n < 4 {
                prefix[n] = h;
            }
            last[n % 4] = l as u32;
            n += 1;
        }
    }
    let mut suffix = [0u64; 4];
    for (k, s) in suffix.iter_mut().enumerate() {
        if k < n {
            let mut sh = 0u64;
            for j in (0..=k).rev() {
                sh = mix(sh, u64::from(last[(n - 1 - j) % 4]));
            }
            *s = sh;
        }
    }
    (h, prefix, suffix, shape)
}

/// The lower-case hash of a word (what [`DocCtx`] records).
fn lower_hash(w: &str) -> u64 {
    let mut h = 0u64;
    for c in w.chars() {
        for l in c.to_lowercase() {
            h = mix(h, u64::from(l as u32));
        }
    }
    h
}

/// What the model knows of the whole document: the words it uses in lower case.
#[derive(Debug, Default)]
pub struct DocCtx {
    seen_lower: FxHashSet<u64>,
}

impl DocCtx {
    /// Whether the document uses `w` in lower case somewhere.
    pub fn seen_lower(&self, w: &str) -> bool {
        self.seen_lower.contains(&lower_hash(w))
    }

    /// Records the lower-case words of one sentence.
    pub fn add_sentence(&mut self, toks: &[Token]) {
        for t in toks {
            if t.kind == TokKind::Word && t.text.chars().next().is_some_and(char::is_lowercase) {
                self.seen_lower.insert(lower_hash(t.stem()));
            }
        }
    }
}

fn kb_code(kb: &Kb, hits: &[(u32, KeyKind)]) -> u8 {
    let mut mask = 0u8;
    for (x, k) in hits {
        if *k != KeyKind::Full {
            mask |= 16;
            continue;
        }
        let e = kb.entry(*x);
        mask |= match e.kind {
            EntityType::Person => 1,
            EntityType::Organization => 2,
            EntityType::Place if e.id.starts_with("country:") => 8,
            EntityType::Place => 4,
            EntityType::Other => 0,
        };
    }
    mask
}

/// Fills `out` with what the model knows of each token of one sentence. `full` is the
/// text the tokens' offsets point into.
pub fn sentence_infos(full: &str, toks: &[Token], kb: &Kb, doc: &DocCtx, out: &mut Vec<TokInfo>) {
    out.clear();
    let letters_upper = toks
        .iter()
        .filter(|t| t.kind == TokKind::Word)
        .flat_map(|t| t.text.chars())
        .filter(|c| c.is_alphabetic())
        .fold((0usize, 0usize), |(u, l), c| {
            if c.is_uppercase() {
                (u + 1, l)
            } else if c.is_lowercase() {
                (u, l + 1)
            } else {
                (u, l)
            }
        });
    let caps_sentence = letters_upper.0 >= 6 && letters_upper.1 * 10 < letters_upper.0;
    for (i, t) in toks.iter().enumerate() {
        let w = t.stem();
        let (lower, prefix, suffix, shape) = word_hashes(w);
        let mut flags = 0u32;
        if caps_sentence {
            flags |= F_CAPS_SENTENCE;
        }
        if i == 0 {
            flags |= F_FIRST;
        }
        match t.kind {
            TokKind::Punct => flags |= F_PUNCT,
            TokKind::Number => flags |= F_DIGIT,
            TokKind::Word => {
                if t.is_cap() {
                    flags |= F_CAP;
                }
                if t.is_acronym() {
                    flags |= F_ALLCAP;
                }
                if w.bytes().any(|b| b.is_ascii_digit()) {
                    flags |= F_DIGIT;
                }
                if w.chars().count() > 12 {
                    flags |= F_LONG;
                }
                if words::is_common(w) {
                    flags |= F_COMMON;
                }
                if words::is_function_word(w) {
                    flags |= F_FUNCTION;
                }
                if TITLE_SET.contains(w.trim_end_matches('.')) {
                    flags |= F_TITLE;
                }
                if LOWER_TITLE_SET.contains(w) {
                    flags |= F_LOWER_TITLE;
                }
                if ORG_HEAD_SET.contains(w) {
                    flags |= F_ORG_HEAD;
                }
                if PLACE_HEAD_SET.contains(w) {
                    flags |= F_PLACE_HEAD;
                }
                if super::CONNECTOR_SET.contains(w) {
                    flags |= F_CONNECTOR;
                }
                if MONTH_SET.contains(w.trim_end_matches('.')) {
                    flags |= F_MONTH;
                }
                if PLACE_CUES.iter().any(|c| w.eq_ignore_ascii_case(c)) {
                    flags |= F_PLACE_CUE;
                }
                if kb.demonym(w).is_some() {
                    flags |= F_DEMONYM;
                }
                if kb.is_non_entity(w) {
                    flags |= F_NON_ENTITY;
                }
                if t.is_possessive() {
                    flags |= F_POSSESSIVE;
                }
                if doc.seen_lower.contains(&lower) {
                    flags |= F_SEEN_LOWER;
                }
            }
        }
        let (stem, stem_kb) = match arabic_stem(w) {
            Some(st) => (
                lower_hash(st),
                kb_code(kb, kb.lookup(&crate::kb::norm_key(st))),
            ),
            None => (0, 0),
        };
        out.push(TokInfo {
            lower,
            shape,
            prefix,
            suffix,
            flags,
            stem,
            stem_kb,
            kb: 0,
        });
    }
    // knowledge-base membership: the longest match through each token
    let mut i = 0;
    while i < toks.len() {
        if toks[i].kind != TokKind::Word {
            i += 1;
            continue;
        }
        match kb_match(full, toks, i, kb, true) {
            Some((len, hits)) => {
                let mask = kb_code(kb, &hits);
                for (k, info) in out[i..i + len].iter_mut().enumerate() {
                    info.kb = if k == 0 { 1 } else { 2 } | (mask << 2);
                }
                i += len;
            }
            None => i += 1,
        }
    }
}

/// An Arabic word without its proclitics: a conjunction (`و`, `ف`), a preposition (`ب`,
/// `ل`, `ك`) and the article (`ال`, `لل`), in that order; `None` when nothing is stripped
/// or fewer than two letters would remain.
fn arabic_stem(w: &str) -> Option<&str> {
    if !w.starts_with(|c: char| ('\u{0600}'..='\u{06ff}').contains(&c)) {
        return None;
    }
    let min = |s: &str| s.chars().count() >= 2;
    let mut s = w;
    if let Some(r) = s.strip_prefix(['و', 'ف']).filter(|r| min(r)) {
        s = r;
    }
    if let Some(r) = s.strip_prefix("لل").filter(|r| min(r)) {
        s = r;
    } else {
        if let Some(r) = s.strip_prefix(['ب', 'ل', 'ك']).filter(|r| min(r)) {
            s = r;
        }
        if let Some(r) = s.strip_prefix("ال").filter(|r| min(r)) {
            s = r;
        }
    }
    (s.len() < w.len()).then_some(s)
}

const NONE: u64 = 0xdead_beef;

/// Appends the features of token `i` that do not depend on earlier tags.
fn static_features(infos: &[TokInfo], i: usize, out: &mut Vec<u64>) {
    let t = &infos[i];
    let at = |d: isize| -> Option<&TokInfo> {
        let j = i as isize + d;
        if j < 0 {
            None
        } else {
            infos.get(j as usize)
        }
    };
    let lower = |d: isize| at(d).map_or(NONE.wrapping_add(d as u64), |x| x.lower);
    let shape = |d: isize| at(d).map_or(NONE.wrapping_add(d as u64), |x| x.shape);
    let kbc = |d: isize| at(d).map_or(255, |x| u64::from(x.kb));
    let caps = t.flags & F_CAPS_SENTENCE != 0;
    out.push(feat(1, 0));
    out.push(feat(2, t.lower));
    out.push(feat(3, lower(-1)));
    out.push(feat(4, lower(1)));
    out.push(feat(5, lower(-2)));
    out.push(feat(6, lower(2)));
    out.push(feat2(7, shape(0), u64::from(caps)));
    out.push(feat2(8, shape(-1), u64::from(caps)));
    out.push(feat2(9, shape(1), u64::from(caps)));
    for k in 0..4 {
        if t.prefix[k] != 0 {
            out.push(feat2(11, k as u64, t.prefix[k]));
        }
        if t.suffix[k] != 0 {
            out.push(feat2(15, k as u64, t.suffix[k]));
        }
    }
    out.push(feat(19, kbc(0)));
    out.push(feat(20, kbc(-1)));
    out.push(feat(21, kbc(1)));
    out.push(feat2(22, kbc(0), shape(0)));
    let mut bits = t.flags;
    while bits != 0 {
        let b = bits.trailing_zeros();
        bits &= bits - 1;
        out.push(feat2(23, u64::from(b), u64::from(caps)));
    }
    for (d, tmpl) in [(-1isize, 24u64), (1, 25), (-2, 26)] {
        if let Some(x) = at(d) {
            let mut bits = x.flags
                & (F_CAP
                    | F_TITLE
                    | F_LOWER_TITLE
                    | F_ORG_HEAD
                    | F_PLACE_HEAD
                    | F_CONNECTOR
                    | F_DEMONYM
                    | F_POSSESSIVE
                    | F_PUNCT
                    | F_DIGIT
                    | F_MONTH
                    | F_PLACE_CUE
                    | F_COMMON);
            while bits != 0 {
                let b = bits.trailing_zeros();
                bits &= bits - 1;
                out.push(feat2(tmpl, u64::from(b), u64::from(caps)));
            }
        } else {
            out.push(feat(tmpl, 99));
        }
    }
    out.push(feat2(27, lower(-1), shape(0)));
    out.push(feat2(28, t.lower, lower(1)));
    out.push(feat2(29, lower(-1), t.lower));
    out.push(feat2(
        30,
        shape(0),
        u64::from(t.flags & (F_FIRST | F_SEEN_LOWER | F_COMMON | F_CAPS_SENTENCE)),
    ));
    out.push(feat2(31, shape(0), shape(1)));
    if t.stem != 0 {
        out.push(feat(33, t.stem));
        out.push(feat(34, u64::from(t.stem_kb)));
        out.push(feat2(35, lower(-1), t.stem));
        out.push(feat2(36, t.stem, lower(1)));
    }
    for (d, tmpl) in [(-1isize, 37u64), (1, 38)] {
        if let Some(x) = at(d).filter(|x| x.stem != 0) {
            out.push(feat(tmpl, x.stem));
        }
    }
    out.push(feat2(32, shape(-1), shape(0)));
}

/// What the tagger said earlier in the document: the type it last gave each word (by its
/// lower-case hash, or its stem in Arabic), read as a feature when the word comes again.
#[derive(Debug, Default)]
pub struct Memory {
    seen: rustc_hash::FxHashMap<u64, u8>,
}

impl Memory {
    fn key(t: &TokInfo) -> u64 {
        if t.stem != 0 {
            t.stem
        } else {
            t.lower
        }
    }

    fn get(&self, t: &TokInfo) -> u8 {
        self.seen.get(&Memory::key(t)).copied().unwrap_or(0)
    }

    /// Records the types given to the words of one tagged sentence.
    fn record(&mut self, infos: &[TokInfo], tags: &[u8]) {
        for (t, &g) in infos.iter().zip(tags) {
            if t.flags & (F_PUNCT | F_DIGIT | F_FUNCTION) != 0 {
                continue;
            }
            if let Some((k, _)) = kind_of_tag(g) {
                self.seen.insert(Memory::key(t), tag_of(k, true));
            }
        }
    }
}

/// Appends the features that depend on the two previous tags and on the document's memory.
fn tag_features(infos: &[TokInfo], i: usize, p1: u8, p2: u8, memo: u8, out: &mut Vec<u64>) {
    let t = &infos[i];
    out.push(feat(45, u64::from(memo)));
    out.push(feat2(46, u64::from(memo), u64::from(p1)));
    out.push(feat(40, u64::from(p1)));
    out.push(feat2(41, u64::from(p1), u64::from(p2)));
    out.push(feat2(42, u64::from(p1), t.lower));
    out.push(feat2(43, u64::from(p1), t.shape));
    out.push(feat2(44, u64::from(p1), u64::from(t.kb)));
}

// ---------------------------------------------------------------- model

/// Trained weights: a hashed table of `2^bits` rows of one weight per tag.
#[derive(Debug, Clone)]
pub struct Model {
    bits: u32,
    /// Row-major `[row][tag]`, quantised.
    weights: Vec<i16>,
    /// Subtracted from the score of `O`: trades precision for recall, chosen on the dev split.
    o_bias: i32,
}

const MAGIC: &[u8; 8] = b"SRNER01\n";

impl Model {
    fn row(&self, f: u64) -> usize {
        ((f >> (64 - self.bits)) as usize) * N_TAGS
    }

    /// The tags of one sentence, greedily left to right.
    pub fn tag(&self, infos: &[TokInfo], memory: &mut Memory) -> Vec<u8> {
        let mut feats: Vec<u64> = Vec::with_capacity(64);
        let mut tags = Vec::with_capacity(infos.len());
        let (mut p1, mut p2) = (O, O);
        for i in 0..infos.len() {
            feats.clear();
            static_features(infos, i, &mut feats);
            tag_features(infos, i, p1, p2, memory.get(&infos[i]), &mut feats);
            let mut score = [0i32; N_TAGS];
            score[O as usize] = -self.o_bias;
            for &f in &feats {
                let r = self.row(f);
                for (s, w) in score.iter_mut().zip(&self.weights[r..r + N_TAGS]) {
                    *s += i32::from(*w);
                }
            }
            let mut best = O;
            let mut best_score = i32::MIN;
            for (t, &s) in score.iter().enumerate() {
                let t = t as u8;
                if s > best_score && allowed(p1, t) {
                    best = t;
                    best_score = s;
                }
            }
            tags.push(best);
            p2 = p1;
            p1 = best;
        }
        memory.record(infos, &tags);
        tags
    }

    /// The same model with `bias` subtracted from the score of `O`.
    pub fn with_o_bias(mut self, bias: i32) -> Model {
        self.o_bias = bias;
        self
    }

    /// Reads a model written by [`Trainer::write`]; `None` for empty or foreign data.
    pub fn from_bytes(data: &[u8]) -> Option<Model> {
        if data.is_empty() {
            return None;
        }
        let mut raw = Vec::new();
        flate2::read::GzDecoder::new(data)
            .read_to_end(&mut raw)
            .ok()?;
        let rest = raw.strip_prefix(MAGIC.as_slice())?;
        let (&bits, rest) = rest.split_first()?;
        let bits = u32::from(bits);
        let (b, mut rest) = rest.split_at_checked(4)?;
        let o_bias = i32::from_le_bytes([b[0], b[1], b[2], b[3]]);
        if !(10..=24).contains(&bits) {
            return None;
        }
        let mut weights = vec![0i16; (1usize << bits) * N_TAGS];
        let mut row = 0usize;
        while !rest.is_empty() {
            // delta-coded row number (LEB128), then one i16 per tag
            let mut delta = 0usize;
            let mut shift = 0;
            loop {
                let (&b, r) = rest.split_first()?;
                rest = r;
                delta |= usize::from(b & 0x7f) << shift;
                shift += 7;
                if b & 0x80 == 0 {
                    break;
                }
                if shift > 35 {
                    return None;
                }
            }
            row += delta;
            let base = row.checked_mul(N_TAGS)?;
            let dst = weights.get_mut(base..base + N_TAGS)?;
            for w in dst {
                let (b, r) = rest.split_at_checked(2)?;
                *w = i16::from_le_bytes([b[0], b[1]]);
                rest = r;
            }
        }
        Some(Model {
            bits,
            weights,
            o_bias,
        })
    }
}

static EN: &[u8] = include_bytes!("../../../../../data/ner/en.model");
static FR: &[u8] = include_bytes!("../../../../../data/ner/fr.model");
static AR: &[u8] = include_bytes!("../../../../../data/ner/ar.model");

/// The built-in model of a language, decoded on first use; `None` when none is shipped.
pub fn model(lang: Lang) -> Option<&'static Model> {
    static MODELS: [OnceLock<Option<Model>>; 3] =
        [OnceLock::new(), OnceLock::new(), OnceLock::new()];
    let (slot, data) = match lang {
        Lang::En => (&MODELS[0], EN),
        Lang::Fr => (&MODELS[1], FR),
        Lang::Ar => (&MODELS[2], AR),
    };
    slot.get_or_init(|| Model::from_bytes(data)).as_ref()
}

/// A tagged name: token range `[start, end)` and type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// First token.
    pub start: usize,
    /// One past the last token.
    pub end: usize,
    /// Type.
    pub kind: EntityType,
}

/// The names in a tag sequence.
pub fn spans(tags: &[u8]) -> Vec<Span> {
    let mut out: Vec<Span> = Vec::new();
    let mut open: Option<Span> = None;
    for (i, &t) in tags.iter().enumerate() {
        match kind_of_tag(t) {
            Some((k, false)) if open.is_some_and(|o| o.kind == k) => {
                if let Some(o) = open.as_mut() {
                    o.end = i + 1;
                }
            }
            Some((k, _)) => {
                out.extend(open.take());
                open = Some(Span {
                    start: i,
                    end: i + 1,
                    kind: k,
                });
            }
            None => out.extend(open.take()),
        }
    }
    out.extend(open);
    out
}

// ---------------------------------------------------------------- training

/// An averaged perceptron being trained.
#[derive(Debug)]
pub struct Trainer {
    bits: u32,
    w: Vec<f32>,
    /// Sum of update × time, for averaging.
    u: Vec<f32>,
    c: f32,
    feats: Vec<u64>,
}

impl Trainer {
    /// A trainer with `2^bits` hashed rows.
    pub fn new(bits: u32) -> Trainer {
        let n = (1usize << bits) * N_TAGS;
        Trainer {
            bits,
            w: vec![0.0; n],
            u: vec![0.0; n],
            c: 1.0,
            feats: Vec::with_capacity(64),
        }
    }

    fn row(&self, f: u64) -> usize {
        ((f >> (64 - self.bits)) as usize) * N_TAGS
    }

    /// Tags one sentence with the current weights and updates them where a tag differs
    /// from `gold`. Returns the number of wrong tags.
    pub fn learn(&mut self, infos: &[TokInfo], gold: &[u8], memory: &mut Memory) -> usize {
        let (mut p1, mut p2) = (O, O);
        let mut wrong = 0;
        let mut predicted = Vec::with_capacity(infos.len());
        for i in 0..infos.len() {
            let mut feats = std::mem::take(&mut self.feats);
            feats.clear();
            static_features(infos, i, &mut feats);
            tag_features(infos, i, p1, p2, memory.get(&infos[i]), &mut feats);
            let mut score = [0f32; N_TAGS];
            for &f in &feats {
                let r = self.row(f);
                for (s, w) in score.iter_mut().zip(&self.w[r..r + N_TAGS]) {
                    *s += *w;
                }
            }
            let mut best = O;
            let mut best_score = f32::MIN;
            for (t, &s) in score.iter().enumerate() {
                let t = t as u8;
                if s > best_score && allowed(p1, t) {
                    best = t;
                    best_score = s;
                }
            }
            let g = gold[i];
            if best != g {
                wrong += 1;
                for &f in &feats {
                    let r = self.row(f);
                    self.w[r + g as usize] += 1.0;
                    self.u[r + g as usize] += self.c;
                    self.w[r + best as usize] -= 1.0;
                    self.u[r + best as usize] -= self.c;
                }
            }
            self.feats = feats;
            self.c += 1.0;
            predicted.push(best);
            p2 = p1;
            // follow the gold history when the prediction broke a name's continuity
            p1 = if allowed(p1, g) { best } else { g };
        }
        memory.record(infos, &predicted);
        wrong
    }

    /// The averaged, quantised model (weights below `prune` in absolute value dropped).
    pub fn model(&self, prune: f32) -> Model {
        let avg: Vec<f32> = self
            .w
            .iter()
            .zip(&self.u)
            .map(|(w, u)| w - u / self.c)
            .collect();
        let max = avg.iter().fold(0f32, |m, w| m.max(w.abs())).max(1e-6);
        let scale = 32767.0 / max;
        let weights = avg
            .iter()
            .map(|w| {
                if w.abs() < prune {
                    0
                } else {
                    (w * scale).round() as i16
                }
            })
            .collect();
        Model {
            bits: self.bits,
            weights,
            o_bias: 0,
        }
    }

    /// Writes `model` compactly: the non-zero rows, delta-coded, gzipped.
    pub fn write(model: &Model, out: impl Write) -> std::io::Result<()> {
        let mut raw: Vec<u8> = Vec::new();
        raw.extend_from_slice(MAGIC);
        raw.push(model.bits as u8);
        raw.extend_from_slice(&model.o_bias.to_le_bytes());
        let mut last = 0usize;
        for (row, ws) in model.weights.chunks(N_TAGS).enumerate() {
            if ws.iter().all(|w| *w == 0) {
                continue;
            }
            let mut delta = row - last;
            last = row;
            loop {
                let b = (delta & 0x7f) as u8;
                delta >>= 7;
                if delta == 0 {
                    raw.push(b);
                    break;
                }
                raw.push(b | 0x80);
            }
            for w in ws {
                raw.extend_from_slice(&w.to_le_bytes());
            }
        }
        let mut gz = flate2::write::GzEncoder::new(out, flate2::Compression::best());
        gz.write_all(&raw)?;
        gz.finish()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_follow_bio() {
        let t = [O, 1, 2, O, 5, 3, 4, 4];
        let s = spans(&t);
        assert_eq!(s.len(), 3);
        assert_eq!(
            (s[0].start, s[0].end, s[0].kind),
            (1, 3, EntityType::Person)
        );
        assert_eq!((s[1].start, s[1].end, s[1].kind), (4, 5, EntityType::Place));
        assert_eq!((s[2].start, s[2].end), (5, 8));
    }

    #[test]
    fn affixes_hash_the_lower_case_word() {
        let (a, pa, sa, _) = word_hashes("Bamako");
        let (b, pb, sb, _) = word_hashes("BAMAKO");
        assert_eq!((a, pa, sa), (b, pb, sb));
        let (_, _, sc, _) = word_hashes("Tako");
        assert_eq!(sa[2], sc[2], "the last three letters hash alike");
        assert_ne!(sa[3], sc[3]);
        assert_ne!(sa[2], word_hashes("Bamakos").2[2]);
    }

    #[test]
    fn a_written_model_reads_back() {
        let mut t = Trainer::new(10);
        let kb = Kb::default();
        let text = "Amadou Sanogo went to Bamako .";
        let toks = crate::extract::tokens::tokenize(text, 0);
        let mut infos = Vec::new();
        sentence_infos(text, &toks, &kb, &DocCtx::default(), &mut infos);
        let gold = [1, 2, O, O, 5, O];
        for _ in 0..5 {
            t.learn(&infos, &gold, &mut Memory::default());
        }
        let m = t.model(0.0);
        let mut buf = Vec::new();
        Trainer::write(&m, &mut buf).expect("write to memory");
        let back = Model::from_bytes(&buf).expect("reads back");
        let tag = |m: &Model| m.tag(&infos, &mut Memory::default());
        assert_eq!(tag(&back), tag(&m));
        assert_eq!(tag(&m), gold.to_vec());
        assert!(Model::from_bytes(b"").is_none());
        assert!(Model::from_bytes(b"not a model").is_none());
    }
}
