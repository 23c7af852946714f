//! The knowledge base: countries, places (GeoNames + supplement), actors (a user-editable
//! TOML file), demonyms and a list of capitalised non-names — loaded once, looked up by a
//! normalised key.

pub mod words;

use rustc_hash::{FxHashMap, FxHashSet};
use std::sync::{Arc, OnceLock};

use serde::Deserialize;
use unicode_normalization::UnicodeNormalization;

use crate::document::EntityType;
use crate::error::{Error, Result};

/// One thing the knowledge base knows.
#[derive(Debug, Clone)]
pub struct KbEntry {
    /// Stable id: `country:ML`, `geonames:2455290`, `place:kidal-region`, or an actor id.
    pub id: String,
    /// Canonical name.
    pub name: String,
    /// Coarse type.
    pub kind: EntityType,
    /// Finer type (country, city, region, igo, armed_group...).
    pub subtype: Option<String>,
    /// ISO 3166-1 alpha-2 country.
    pub country: Option<String>,
    /// Latitude.
    pub lat: Option<f64>,
    /// Longitude.
    pub lon: Option<f64>,
    /// GeoNames feature code.
    pub feature: Option<String>,
    /// Population (places).
    pub population: u64,
    /// Ranking weight among entries sharing a name.
    pub weight: f64,
}

/// How a key points at an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    /// A full name: counts on its own.
    Full,
    /// A short form (surname): counts only when the entry's full name is in the same document.
    Short,
}

/// The loaded knowledge base.
#[derive(Debug, Default)]
pub struct Kb {
    entries: Vec<KbEntry>,
    index: FxHashMap<String, Vec<(u32, KeyKind)>>,
    demonyms: FxHashMap<String, u32>,
    adjectives: FxHashMap<u32, String>,
    countries: FxHashMap<String, u32>,
    non_entities: FxHashSet<String>,
    /// Every proper prefix of a key that ends before a space or just after an apostrophe:
    /// lets a scan over growing spans stop as soon as no longer name can follow.
    prefixes: FxHashSet<String>,
    max_tokens: usize,
}

/// Folds a surface form to its lookup key: case, accents, dots in acronyms, hyphens,
/// curly quotes, possessive `'s`, a leading article and Arabic letter variants.
pub fn norm_key(s: &str) -> String {
    let mut f = KeyFolder {
        out: String::with_capacity(s.len()),
        ..KeyFolder::default()
    };
    f.push(s);
    let (start, end) = f.key_bounds();
    let mut out = f.out;
    out.truncate(end);
    out.drain(..start);
    out
}

/// Calls `f` with the key of `s` ([`norm_key`]), folded into a buffer this thread keeps:
/// no allocation for a lookup.
pub fn with_norm_key<R>(s: &str, f: impl FnOnce(&str) -> R) -> R {
    thread_local! {
        static FOLDER: std::cell::RefCell<KeyFolder> = std::cell::RefCell::new(KeyFolder::default());
    }
    FOLDER.with(|cell| match cell.try_borrow_mut() {
        Ok(mut folder) => {
            folder.clear();
            folder.push(s);
            f(folder.key())
        }
        // called from within `f`: a buffer of its own
        Err(_) => f(&norm_key(s)),
    })
}

/// [`norm_key`] a piece at a time: the key of a span that grows to the right is folded
/// once, not again for every length (`key` after `push(a)`, `push(b)` is `norm_key(a + b)`).
#[derive(Debug, Default)]
pub struct KeyFolder {
    out: String,
    pending_space: bool,
    prev_alnum: bool,
}

impl KeyFolder {
    /// Empties the folder for a new key.
    pub fn clear(&mut self) {
        self.out.clear();
        self.pending_space = false;
        self.prev_alnum = false;
    }

    /// Appends the next piece of the surface form.
    pub fn push(&mut self, s: &str) {
        if s.is_ascii() {
            self.fold(s.chars());
        } else {
            self.fold(s.nfkd().filter(|c| !is_combining(*c)));
        }
    }

    /// The key of everything pushed so far: without a possessive ending or a leading
    /// article.
    pub fn key(&self) -> &str {
        let (start, end) = self.key_bounds();
        &self.out[start..end]
    }

    /// Where the key lies in the folded text.
    fn key_bounds(&self) -> (usize, usize) {
        let t = self.out.as_str();
        let end = if t.ends_with("'s") {
            t.len() - 2
        } else if t.ends_with('\'') {
            t.len() - 1
        } else {
            t.len()
        };
        let t = &t[..end];
        for art in ["the ", "l'", "la ", "le ", "les "] {
            if t.len() > art.len() && t.starts_with(art) {
                return (art.len(), end);
            }
        }
        (0, end)
    }

    /// One pass: letters and digits lower-cased, separators collapsed to one space, a dot
    /// after a letter or digit dropped (`U.N.` → `un`), Arabic letter variants unified.
    fn fold(&mut self, chars: impl Iterator<Item = char>) {
        for c in chars {
            let mapped = match c {
                '.' if self.prev_alnum => continue,
                '\u{2019}' | '\u{2018}' | '`' | '\'' => Some('\''),
                'أ' | 'إ' | 'آ' | 'ٱ' => Some('ا'),
                'ى' => Some('ي'),
                'ة' => Some('ه'),
                'ؤ' => Some('و'),
                'ئ' => Some('ي'),
                '\u{0640}' => continue,
                c if c.is_alphanumeric() => Some(c),
                _ => None,
            };
            match mapped {
                Some(m) => {
                    if self.pending_space && !self.out.is_empty() {
                        self.out.push(' ');
                    }
                    self.pending_space = false;
                    if m.is_ascii() {
                        self.out.push(m.to_ascii_lowercase());
                    } else {
                        self.out.extend(m.to_lowercase());
                    }
                    self.prev_alnum = m != '\'';
                }
                None => {
                    self.pending_space = true;
                    self.prev_alnum = false;
                }
            }
        }
    }
}

fn is_combining(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036f}' | '\u{1ab0}'..='\u{1aff}' | '\u{1dc0}'..='\u{1dff}' | '\u{064b}'..='\u{0655}' | '\u{0670}')
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ActorsFile {
    #[serde(default)]
    actor: Vec<ActorRow>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ActorRow {
    id: String,
    name: String,
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    subtype: String,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    aliases_fr: Vec<String>,
    #[serde(default)]
    aliases_ar: Vec<String>,
    #[serde(default)]
    short: Vec<String>,
    #[serde(default)]
    country: String,
    #[serde(default)]
    start: String,
    #[serde(default)]
    end: String,
}

static BUILTIN_ACTORS: &str = include_str!("../../../../data/actors.toml");
static COUNTRIES: &str = include_str!("../../../../data/countries.tsv");
static PLACES: &str = include_str!("../../../../data/places.tsv");
static SUPPLEMENT: &str = include_str!("../../../../data/places-supplement.tsv");
static NON_ENTITIES: &str = include_str!("../../../../data/non-entities.txt");

fn opt(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_string())
}

fn parse_kind(s: &str) -> Option<EntityType> {
    Some(match s {
        "person" => EntityType::Person,
        "organization" | "organisation" => EntityType::Organization,
        "place" => EntityType::Place,
        "other" => EntityType::Other,
        _ => return None,
    })
}

impl Kb {
    /// The built-in knowledge base, loaded once per process.
    pub fn global() -> Arc<Kb> {
        static KB: OnceLock<Arc<Kb>> = OnceLock::new();
        KB.get_or_init(|| {
            // The built-in data is part of the binary and checked by tests.
            Arc::new(Kb::builtin().unwrap_or_default())
        })
        .clone()
    }

    /// Builds the knowledge base from the files shipped with the binary.
    pub fn builtin() -> Result<Kb> {
        let mut kb = Kb::default();
        kb.load_countries(COUNTRIES);
        kb.load_places(PLACES, false);
        kb.load_places(SUPPLEMENT, true);
        kb.load_actors(BUILTIN_ACTORS, "data/actors.toml")?;
        for line in NON_ENTITIES.lines() {
            let l = line.trim();
            if !l.is_empty() && !l.starts_with('#') {
                kb.non_entities.insert(norm_key(l));
            }
        }
        Ok(kb)
    }

    /// Builds the built-in knowledge base plus a user's actors file.
    pub fn with_actors_file(path: &std::path::Path) -> Result<Kb> {
        let mut kb = Kb::builtin()?;
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        kb.load_actors(&text, &path.display().to_string())?;
        Ok(kb)
    }

    fn push(&mut self, e: KbEntry) -> u32 {
        self.entries.push(e);
        (self.entries.len() - 1) as u32
    }

    /// Records a key prefix (allocating only for a new one: most prefixes repeat).
    fn prefix(&mut self, p: &str) {
        if !self.prefixes.contains(p) {
            self.prefixes.insert(p.to_string());
        }
    }

    fn key(&mut self, form: &str, idx: u32, kind: KeyKind) {
        self.normed_key(norm_key(form), idx, kind);
    }

    /// [`Kb::key`] for a form already passed through [`norm_key`].
    fn normed_key(&mut self, k: String, idx: u32, kind: KeyKind) {
        if k.chars().count() < 2 {
            return;
        }
        let n = k.split(' ').count();
        self.max_tokens = self.max_tokens.max(n);
        for (i, c) in k.char_indices() {
            match c {
                ' ' => self.prefix(&k[..i]),
                '\'' => {
                    // a span ending in an elision ("Côte d'") folds without its apostrophe
                    self.prefix(&k[..=i]);
                    self.prefix(&k[..i]);
                }
                _ => {}
            }
        }
        let v = self.index.entry(k).or_default();
        if !v.iter().any(|(i, _)| *i == idx) {
            v.push((idx, kind));
        }
    }

    fn load_countries(&mut self, tsv: &str) {
        for line in tsv.lines().skip(1) {
            let f: Vec<&str> = line.split('\t').collect();
            if f.len() < 15 {
                continue;
            }
            let idx = self.push(KbEntry {
                id: format!("country:{}", f[0]),
                name: f[2].to_string(),
                kind: EntityType::Place,
                subtype: Some("country".to_string()),
                country: opt(f[0]),
                lat: f[11].parse().ok(),
                lon: f[12].parse().ok(),
                feature: Some("PCLI".to_string()),
                population: 0,
                weight: 1e12,
            });
            for col in [2, 3, 4, 5, 6, 7] {
                for name in f[col].split('|') {
                    if !name.trim().is_empty() {
                        self.key(name, idx, KeyKind::Full);
                    }
                }
            }
            self.countries.insert(f[0].to_string(), idx);
            if let Some(adj) = f[8].split('|').next().filter(|a| !a.is_empty()) {
                self.adjectives.insert(idx, adj.to_string());
            }
            for col in [8, 9] {
                for d in f[col].split('|') {
                    let d = norm_key(d);
                    if !d.is_empty() {
                        self.demonyms.entry(d).or_insert(idx);
                    }
                }
            }
        }
    }

    fn load_places(&mut self, tsv: &str, supplement: bool) {
        for line in tsv.lines().skip(1) {
            let f: Vec<&str> = line.split('\t').collect();
            if f.len() < 10 {
                continue;
            }
            let feature = f[8].to_string();
            let population: u64 = f[9].parse().unwrap_or(0);
            let weight = if supplement {
                match feature.as_str() {
                    "CONT" | "RGN" => 5e9,
                    "ADM1" | "STM" => 2e6,
                    _ => 5e3,
                }
            } else {
                let base = population as f64 + 1.0;
                match feature.as_str() {
                    "PPLC" => base * 10.0 + 1e6,
                    "PPLA" => base * 2.0 + 1e4,
                    _ => base,
                }
            };
            let id = if supplement || f[0].is_empty() {
                format!("place:{}", norm_key(f[1]).replace(' ', "-"))
            } else {
                format!("geonames:{}", f[0])
            };
            let subtype = match feature.as_str() {
                "CONT" => "continent",
                "RGN" => "region",
                "ADM1" | "ADM2" => "admin_region",
                "STM" => "river",
                "PPLC" => "capital",
                _ => "city",
            };
            let idx = self.push(KbEntry {
                id,
                name: f[1].to_string(),
                kind: EntityType::Place,
                subtype: Some(subtype.to_string()),
                country: opt(f[6]),
                lat: f[4].parse().ok(),
                lon: f[5].parse().ok(),
                feature: opt(&feature),
                population,
                weight,
            });
            let primary = [f[1], f[2]];
            for name in primary.iter().copied().chain(f[3].split('|')) {
                let name = name.trim();
                if name.is_empty() {
                    continue;
                }
                // Place names that are ordinary words ("Of", "Union", "Selon", "كان") need a
                // big place behind them; short alternate names ("LA") are too ambiguous.
                // (Cheap tests first: this runs for some 160,000 names at every start.)
                let k = norm_key(name);
                if !supplement {
                    let is_primary = primary.contains(&name);
                    if !is_primary && name.chars().count() <= 3 {
                        continue;
                    }
                    if (population < 100_000 || !is_primary)
                        && !name.contains(' ')
                        && words::is_common_keyed(name, &k)
                    {
                        continue;
                    }
                }
                self.normed_key(k, idx, KeyKind::Full);
            }
        }
    }

    /// Loads an actors file (TOML, `[[actor]]` tables); `file` names it in errors.
    pub fn load_actors(&mut self, text: &str, file: &str) -> Result<()> {
        let parsed: ActorsFile = toml::from_str(text).map_err(|e| Error::Config {
            file: file.to_string(),
            line: e
                .span()
                .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1)
                .unwrap_or(0),
            message: e.message().to_string(),
        })?;
        for (n, a) in parsed.actor.into_iter().enumerate() {
            let kind = parse_kind(&a.kind).ok_or_else(|| Error::Config {
                file: file.to_string(),
                line: text
                    .match_indices(&format!("id = \"{}\"", a.id))
                    .next()
                    .map(|(p, _)| text[..p].matches('\n').count() + 1)
                    .unwrap_or(0),
                message: format!(
                    "actor #{} `{}`: type `{}` is not one of person, organization, place, other",
                    n + 1,
                    a.id,
                    a.kind
                ),
            })?;
            let _ = (&a.start, &a.end);
            let idx = self.push(KbEntry {
                id: a.id.clone(),
                name: a.name.clone(),
                kind,
                subtype: opt(&a.subtype),
                country: opt(&a.country),
                lat: None,
                lon: None,
                feature: None,
                population: 0,
                weight: 1e13,
            });
            for name in std::iter::once(&a.name)
                .chain(&a.aliases)
                .chain(&a.aliases_fr)
                .chain(&a.aliases_ar)
            {
                self.key(name, idx, KeyKind::Full);
            }
            for s in &a.short {
                self.key(s, idx, KeyKind::Short);
            }
        }
        Ok(())
    }

    /// Entries whose name or alias folds to `key` (already normalised with [`norm_key`]).
    pub fn lookup(&self, key: &str) -> &[(u32, KeyKind)] {
        self.index.get(key).map_or(&[], |v| v.as_slice())
    }

    /// Whether some name or alias starts with `key` followed by more words (or continues
    /// after an apostrophe): when false, no longer span starting the same way can match.
    pub fn is_key_prefix(&self, key: &str) -> bool {
        self.prefixes.contains(key)
    }

    /// The entry at `idx`.
    pub fn entry(&self, idx: u32) -> &KbEntry {
        &self.entries[idx as usize]
    }

    /// The country whose demonym (nationality adjective) is `word`.
    pub fn demonym(&self, word: &str) -> Option<&KbEntry> {
        with_norm_key(word, |k| self.demonyms.get(k).copied()).map(|i| self.entry(i))
    }

    /// The English name of the country with ISO code `iso2`.
    pub fn country_name(&self, iso2: &str) -> Option<&str> {
        self.countries
            .get(iso2)
            .map(|&i| self.entry(i).name.as_str())
    }

    /// The English nationality adjective of the country at `idx` (`Malian`).
    pub fn adjective(&self, idx: u32) -> Option<&str> {
        self.adjectives.get(&idx).map(String::as_str)
    }

    /// True for capitalised words that never name an entity (peoples, faiths, weekdays).
    pub fn is_non_entity(&self, word: &str) -> bool {
        with_norm_key(word, |k| self.non_entities.contains(k))
    }

    /// The longest name in the knowledge base, in tokens.
    pub fn max_tokens(&self) -> usize {
        self.max_tokens.max(1)
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when nothing is loaded.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// Folding a span piece by piece gives the key of the whole span.
        #[test]
        fn folding_in_pieces_is_folding_whole(
            s in "(?:[A-Za-z0-9 .'’`-]|é|É|ﬁ|ى|ة|أ|\u{0640}|\u{0301}|Ö|ß|İ){0,30}",
            cuts in proptest::collection::vec(0usize..40, 0..4),
        ) {
            let mut at: Vec<usize> = cuts
                .into_iter()
                .map(|c| c.min(s.len()))
                .filter(|c| s.is_char_boundary(*c))
                .collect();
            at.sort_unstable();
            let mut f = KeyFolder::default();
            let mut from = 0;
            for c in at {
                f.push(&s[from..c]);
                from = c;
            }
            f.push(&s[from..]);
            let whole = norm_key(&s);
            proptest::prop_assert_eq!(f.key(), whole.as_str());
        }
    }

    #[test]
    fn keys_fold_variants() {
        assert_eq!(norm_key("U.N."), "un");
        assert_eq!(norm_key("the U.N. Security Council"), "un security council");
        assert_eq!(norm_key("Mali\u{2019}s"), "mali");
        assert_eq!(norm_key("Sévaré"), norm_key("Sevare"));
        assert_eq!(norm_key("al-Qaeda"), "al qaeda");
        assert_eq!(norm_key("مجلس الأمن"), norm_key("مجلس الامن"));
    }

    #[test]
    fn builtin_loads_and_finds() {
        let kb = Kb::builtin().expect("built-in KB");
        let id = |s: &str| {
            kb.lookup(&norm_key(s))
                .iter()
                .map(|(i, _)| kb.entry(*i).id.clone())
                .collect::<Vec<_>>()
        };
        assert!(id("Mali").contains(&"country:ML".to_string()));
        assert!(id("Tombouctou").iter().any(|i| i.starts_with("geonames:")));
        assert!(id("MNLA").contains(&"mnla".to_string()) || !id("MNLA").is_empty());
        assert!(!id("Kidal region").is_empty());
        assert_eq!(
            kb.demonym("Malian").map(|e| e.id.as_str()),
            Some("country:ML")
        );
        assert!(kb.is_non_entity("Tuareg"));
    }

    #[test]
    fn bad_actors_file_names_the_line() {
        let mut kb = Kb::default();
        let err = kb
            .load_actors(
                "[[actor]]\nid = \"x\"\nname = \"X\"\ntype = \"thing\"\n",
                "my.toml",
            )
            .unwrap_err()
            .to_string();
        assert!(err.contains("my.toml") && err.contains("line 2"), "{err}");
        let err = kb
            .load_actors("[[actor]]\nid = \"x\"\nname = \n", "my.toml")
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 3"), "{err}");
    }
}
