//! Named-entity recognition by rules over tokens plus the knowledge base, and alias
//! resolution inside one document.
//!
//! Recognition finds (1) knowledge-base names (longest match), (2) capitalised sequences
//! with connectors that the knowledge base does not know, typed by title triggers
//! (`President`, `Captain`), organisation heads (`Movement`, `Council`) and place cues
//! (`in`, `the town of`), and (3) a few patterns: resolutions, national armies, compass
//! compounds (`nord-Mali`). Resolution then groups surface forms: declared and inferred
//! acronyms (including reordered ones), surnames, near-identical spellings of a person's
//! name, and knowledge-base ids across languages.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use regex::Regex;

pub mod tagger;

use super::tokens::{tokenize, TokKind, Token};
use crate::document::{BlockKind, Document, Entity, EntityType, Geo, Mention};
use crate::kb::{norm_key, words, Kb, KeyFolder, KeyKind};

const CONNECTORS: &[&str] = &[
    "of", "for", "the", "de", "la", "le", "du", "des", "d'", "l'", "in", "and", "et", "en", "pour",
    "to", "al", "el", "bin", "ibn", "ben", "van", "von", "der", "da", "dos", "on", "au", "aux",
];

const TITLES: &[&str] = &[
    "president",
    "vice",
    "prime",
    "minister",
    "captain",
    "capt",
    "general",
    "gen",
    "colonel",
    "col",
    "lieutenant",
    "lt",
    "sergeant",
    "sgt",
    "major",
    "commander",
    "admiral",
    "secretary-general",
    "secretary",
    "ambassador",
    "envoy",
    "mr",
    "mrs",
    "ms",
    "dr",
    "prof",
    "m",
    "mme",
    "sheikh",
    "king",
    "queen",
    "prince",
    "emir",
    "imam",
    "senator",
    "sen",
    "governor",
    "gov",
    "mayor",
    "chancellor",
    "chief",
    "pope",
    "bishop",
    "premier",
    "foreign",
    "defence",
    "defense",
    "interior",
    "special",
    "representative",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "chairman",
    "chairperson",
    "chairwoman",
    "commissioner",
    "director",
    "head",
    "leader",
    "judge",
    "justice",
    "deputy",
    "acting",
    "interim",
    "former",
    "président",
    "présidente",
    "capitaine",
    "général",
    "ministre",
    "sergent",
    "lieutenant-colonel",
    "émir",
    "cheikh",
    "sultan",
    "warlord",
    "rebel",
    "militant",
    "junta",
    "coup",
    "commandant",
    "lord",
    "sir",
    "professor",
    "doctor",
    "officer",
    "mediator",
    "negotiator",
    "adviser",
    "advisor",
];

/// Lower-case titles before a capitalised name: `le président Traoré`, `envoy Prodi`.
const LOWER_TITLES: &[&str] = &[
    "président",
    "présidente",
    "capitaine",
    "général",
    "ministre",
    "colonel",
    "lieutenant",
    "sergent",
    "commandant",
    "envoy",
    "ambassador",
    "spokesman",
    "spokeswoman",
    "leader",
    "president",
    "captain",
    "minister",
    "chef",
    "porte-parole",
    "émissaire",
    "médiateur",
    "mediator",
    "commander",
    "imam",
    "cheikh",
    "sheikh",
    "emir",
    "émir",
];

const ORG_HEADS: &[&str] = &[
    "movement",
    "council",
    "union",
    "community",
    "mission",
    "group",
    "front",
    "army",
    "party",
    "organisation",
    "organization",
    "committee",
    "commission",
    "agency",
    "bank",
    "fund",
    "court",
    "assembly",
    "government",
    "ministry",
    "forces",
    "brigade",
    "battalion",
    "coalition",
    "alliance",
    "league",
    "office",
    "institute",
    "foundation",
    "association",
    "federation",
    "center",
    "centre",
    "administration",
    "police",
    "service",
    "company",
    "corporation",
    "post",
    "times",
    "network",
    "conference",
    "congress",
    "parliament",
    "senate",
    "secretariat",
    "authority",
    "board",
    "bureau",
    "department",
    "university",
    "school",
    "church",
    "brotherhood",
    "legion",
    "guard",
    "regiment",
    "corps",
    "navy",
    "unit",
    "watch",
    "tribunal",
    "programme",
    "program",
    "initiative",
    "club",
    "society",
    "press",
    "news",
    "radio",
    "television",
    "agence",
    "mouvement",
    "conseil",
    "communauté",
    "groupe",
    "armée",
    "parti",
    "comité",
    "banque",
    "fonds",
    "cour",
    "assemblée",
    "gouvernement",
    "ministère",
    "institut",
    "bataillon",
    "haut",
    "fédération",
    "coordination",
    "platform",
    "plateforme",
    "junta",
    "junte",
    "nations",
    "states",
    "brigades",
    "militia",
    "tribune",
    "herald",
    "journal",
    "gazette",
    "monitor",
    "courier",
    "digest",
    "review",
    "wire",
    "agency",
];

const PLACE_HEADS: &[&str] = &[
    "region",
    "province",
    "district",
    "river",
    "lake",
    "mountains",
    "desert",
    "valley",
    "airport",
    "bay",
    "island",
    "islands",
    "sea",
    "ocean",
    "région",
    "province",
    "fleuve",
    "county",
    "state",
    "prefecture",
    "département",
    "cercle",
    "oasis",
    "massif",
    "plateau",
];

const PLACE_CUES: &[&str] = &[
    "in", "at", "near", "from", "into", "across", "outside", "around", "towards", "toward", "à",
    "dans", "près", "vers", "via", "through", "entered", "reached", "seized", "captured",
];

const PLACE_OF_CUES: &[&str] = &[
    "town",
    "city",
    "village",
    "region",
    "province",
    "north",
    "south",
    "east",
    "west",
    "outskirts",
    "capital",
    "ville",
    "région",
    "localité",
    "commune",
    "nord",
    "sud",
    "est",
    "ouest",
    "village",
    "cercle",
];

const FRENCH_GROUP_ARTICLES: &[&str] = &["les", "des", "aux", "ces"];

static RESOLUTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:\b[Rr][ée]solution|القرار)\s+(?:(?:[Nn]o\.?|[Nn]°|number)\s*)?(\d{3,4})\b")
        .expect("static regex")
});

/// A numbered road: "route nationale N°16", "RN16", "National Road 16", "Highway 1",
/// "Route 66". Group 1 is the kind of road, group 2 its number.
static ROAD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\b((?i:route\s+nationale)|RN|(?i:national\s+(?:road|highway))|Highway|Route)[\s-]*(?:(?i:n°|no\.|n\.|numéro|number)\s*)?(\d{1,4})\b",
    )
    .expect("static regex")
});

/// The name of a numbered road ([`ROAD`]): the French national roads under their French
/// name (the abbreviation spelled out), the others as written, in title case.
fn road_name(kind: &str, number: &str) -> String {
    let kind = kind
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    let head = match kind.as_str() {
        "rn" | "route nationale" => "Route nationale",
        "national road" => "National Road",
        "national highway" => "National Highway",
        "highway" => "Highway",
        _ => "Route",
    };
    format!("{head} {number}")
}

static GLOSS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"^\s*\(\s*"([^"()]{3,80})"\s*\)"#).expect("static regex"));

static ARMY_WORDS: &[&str] = &["army", "military", "armed forces", "armée"];

static ADJECTIVAL_AFTER_MILITARY: &[&str] = &[
    "intervention",
    "interventions",
    "action",
    "actions",
    "operation",
    "operations",
    "force",
    "forces",
    "response",
    "junta",
    "coup",
    "trainers",
    "powers",
    "planners",
    "officers",
    "officials",
    "leaders",
    "rule",
    "government",
    "regime",
    "campaign",
    "offensive",
    "aid",
    "assistance",
    "advisers",
    "advisors",
    "personnel",
    "base",
    "bases",
    "court",
    "tribunal",
    "option",
    "solution",
    "progress",
    "mission",
    "support",
    "training",
    "spokesman",
    "sources",
    "source",
    "chief",
    "commander",
    "commanders",
    "vehicles",
    "aircraft",
    "jets",
    "strikes",
    "involvement",
    "presence",
    "cooperation",
    "deployment",
    "means",
    "capacity",
    "plan",
];

const DIRECTIONS: &[(&str, &str)] = &[
    ("nord", "Northern"),
    ("sud", "Southern"),
    ("est", "Eastern"),
    ("ouest", "Western"),
    ("centre", "Central"),
    ("north", "Northern"),
    ("south", "Southern"),
    ("east", "Eastern"),
    ("west", "Western"),
];

/// Where a candidate's identity comes from.
#[derive(Debug, Clone, PartialEq)]
enum Ident {
    /// A knowledge-base entry (index) reached by a full name.
    Kb(u32),
    /// Knowledge-base entries sharing the full name, until `resolve` chooses one.
    Homonyms(Vec<u32>),
    /// Knowledge-base entries reached only by a short form.
    Short(Vec<u32>),
    /// A pattern with its own id, name, type and subtype.
    Special {
        /// A stable id, when the pattern knows the thing (a resolution's number, a
        /// country's army); `None` for a name that is only unique within its document.
        id: Option<String>,
        name: String,
        kind: EntityType,
        subtype: &'static str,
        geo_of: Option<u32>,
    },
    /// A name the knowledge base does not know.
    Generic,
}

impl Ident {
    /// The knowledge-base entries this identity may be.
    fn entries(&self) -> &[u32] {
        match self {
            Ident::Kb(x) => std::slice::from_ref(x),
            Ident::Homonyms(xs) => xs,
            _ => &[],
        }
    }
}

/// A place from the gazetteer (GeoNames or its supplement), not a country or a curated actor.
fn is_gazetteer(e: &crate::kb::KbEntry) -> bool {
    e.kind == EntityType::Place && !e.id.starts_with("country:") && e.feature.is_some()
}

/// A capital, a first-order administrative seat or a first-order region: a place well
/// enough known that one tagger vote for a person does not outweigh it.
fn is_seat(e: &crate::kb::KbEntry) -> bool {
    is_gazetteer(e) && matches!(e.feature.as_deref(), Some("PPLC" | "PPLA" | "ADM1"))
}

fn type_slot(k: EntityType) -> Option<usize> {
    match k {
        EntityType::Person => Some(0),
        EntityType::Organization => Some(1),
        EntityType::Place => Some(2),
        EntityType::Other => None,
    }
}

#[derive(Debug, Clone)]
struct Cand {
    start: usize,
    end: usize,
    surface: String,
    ident: Ident,
    person_cue: bool,
    org_head: bool,
    place_cue: bool,
    acronym: bool,
    tokens: usize,
    /// Byte where the text right after the candidate starts (to find a declared alias).
    after: usize,
    /// The type the tagger gave this span, when it tagged exactly this span.
    tagged: Option<EntityType>,
    /// A knowledge-base name the tagger ran over and did not tag: a gazetteer place then
    /// needs evidence (a place cue, or its country named in the document).
    unconfirmed: bool,
}

/// Finds the entities of a document and resolves their aliases.
pub fn extract(doc: &Document, kb: &Kb) -> Vec<Entity> {
    let sents: Vec<(usize, usize, Vec<Token>)> = doc
        .sentences
        .iter()
        .map(|s| (s.start, s.end, tokenize(&doc.text[s.start..s.end], s.start)))
        .collect();
    let mut ctx = tagger::DocCtx::default();
    for (_, _, toks) in &sents {
        ctx.add_sentence(toks);
    }
    let mut cands: Vec<Cand> = Vec::new();
    let mut local: Vec<Cand> = Vec::new();
    let mut infos = Vec::new();
    let mut memory = tagger::Memory::default();
    for (start, end, toks) in &sents {
        let para = doc
            .paragraphs
            .iter()
            .find(|p| p.span.start <= *start && *start < p.span.end);
        let lang = para
            .and_then(|p| p.language.as_deref())
            .unwrap_or(&doc.language);
        let model = tagger::Lang::from_code(lang).and_then(tagger::model);
        if para.map(|p| p.kind) == Some(BlockKind::Byline) {
            dateline(&doc.text, toks, kb, &mut cands);
            continue;
        }
        let headline = para.map(|p| p.kind) == Some(BlockKind::Heading)
            && is_title_case(&doc.text[*start..*end]);
        local.clear();
        sentence_cands(&doc.text, toks, kb, &mut local);
        let before = cands.len();
        match model {
            // a title-case headline capitalises every word: the rules' known names only
            Some(m) if !headline => {
                tagger::sentence_infos(&doc.text, toks, kb, &ctx, &mut infos);
                let spans = tagger::spans(&m.tag(&infos, &mut memory));
                merge_tagged(&doc.text, toks, kb, &ctx, &spans, &mut local, &mut cands);
            }
            _ => cands.append(&mut local),
        }
        if headline {
            // a title-case headline capitalises every word: only known names count
            let mut tail = cands.split_off(before);
            tail.retain(|c| c.ident != Ident::Generic);
            cands.append(&mut tail);
        }
    }
    resolve(doc, kb, cands)
}

/// Merges the tagger's names with the rules' candidates of one sentence: a span both found
/// keeps the rules' identity and takes the tagger's type; a span only the tagger found
/// replaces the rules' candidates it overlaps (looked up whole in the knowledge base);
/// patterns and knowledge-base names that cover a tagged span stay; the rules' unknown
/// names the tagger did not tag are dropped, and their knowledge-base names are kept but
/// marked unconfirmed.
fn merge_tagged(
    full: &str,
    toks: &[Token],
    kb: &Kb,
    ctx: &tagger::DocCtx,
    spans: &[tagger::Span],
    local: &mut Vec<Cand>,
    out: &mut Vec<Cand>,
) {
    let mut dead = vec![false; local.len()];
    let mut touched = vec![false; local.len()];
    let mut fresh: Vec<Cand> = Vec::new();
    for sp in spans {
        // names start with a capitalised word in a cased script (`ville de Konna` -> `Konna`)
        // and end on a word
        let mut sp = *sp;
        let cased = toks[sp.start..sp.end]
            .iter()
            .any(|t| t.text.chars().any(|c| c.is_uppercase() || c.is_lowercase()));
        // (a title the model was taught to include stays: `général Dupont`)
        while cased
            && sp.start < sp.end
            && !is_name_word(&toks[sp.start])
            && !(is_title(&toks[sp.start]) && sp.start + 1 < sp.end)
        {
            sp.start += 1;
        }
        // a function word does not open or close a name in a script without case either
        while !cased && sp.start < sp.end && words::is_function_word(toks[sp.start].text) {
            sp.start += 1;
        }
        while sp.end > sp.start
            && (toks[sp.end - 1].kind == TokKind::Punct
                || is_connector(&toks[sp.end - 1])
                || (!cased && words::is_function_word(toks[sp.end - 1].text)))
        {
            sp.end -= 1;
        }
        // a person's name never opens with a demonym: `Burkinabe President Blaise
        // Compaoré` names Blaise Compaoré (the demonym and the titles after it go)
        if sp.kind == EntityType::Person
            && sp.end - sp.start >= 2
            && kb.demonym(toks[sp.start].stem()).is_some()
        {
            let mut s0 = sp.start + 1;
            while s0 + 1 < sp.end && is_title(&toks[s0]) {
                s0 += 1;
            }
            if toks[s0..sp.end].iter().any(is_name_word) {
                sp.start = s0;
            }
        }
        // a line-initial ordinary word before a known name: `Offer Mali's government`
        if cased
            && sp.end - sp.start >= 2
            && (sp.start == 0 || toks[sp.start - 1].kind == TokKind::Punct)
            && words::is_common(toks[sp.start].stem())
            && !toks[sp.start].is_acronym()
        {
            let whole = kb_match(full, toks, sp.start, kb, false)
                .is_some_and(|(n, _)| n == sp.end - sp.start);
            let rest = kb_match(full, toks, sp.start + 1, kb, false)
                .is_some_and(|(n, _)| n == sp.end - sp.start - 1);
            if rest && !whole {
                sp.start += 1;
            }
        }
        if sp.end == sp.start {
            continue;
        }
        if sp.end == sp.start
            || !toks[sp.start..sp.end]
                .iter()
                .any(|t| t.text.chars().any(char::is_alphabetic))
        {
            continue;
        }
        let last = &toks[sp.end - 1];
        let (a, b) = (toks[sp.start].start, last.start + last.stem().len());
        if b <= a {
            continue;
        }
        let over: Vec<usize> = (0..local.len())
            .filter(|&i| !dead[i] && local[i].start < b && a < local[i].end)
            .collect();
        for &i in &over {
            touched[i] = true;
        }
        if let Some(&i) = over
            .iter()
            .find(|&&i| local[i].start == a && local[i].end == b)
        {
            local[i].tagged = Some(sp.kind);
            continue;
        }
        // patterns, knowledge-base names covering the span or of several words, and the
        // rules' reading of one hyphenated word (`Bamako-Gao`) stay
        let one_word = sp.end - sp.start == 1;
        let keeps = over.iter().any(|&i| match local[i].ident {
            Ident::Special { .. } => true,
            // an organisation named by its head word around the span: `Movement for the X`
            Ident::Generic => {
                local[i].org_head
                    && local[i].start <= a
                    && local[i].end >= b
                    && local[i].end - local[i].start > b - a
            }
            _ => one_word || local[i].tokens >= 2 || (local[i].start <= a && local[i].end >= b),
        });
        if keeps {
            continue;
        }
        for &i in &over {
            dead[i] = true;
        }
        let len = sp.end - sp.start;
        let before = fresh.len();
        if let Some((n, hits)) = kb_match(full, toks, sp.start, kb, true) {
            if n == len && hits.iter().any(|(_, k)| *k == KeyKind::Full) {
                push_kb(full, toks, sp.start, len, &hits, &mut fresh);
            }
        }
        // one word that is a demonym, a month, or an ordinary word the document also uses in
        // lower case (`the North` / `north of the river`) is no name by itself
        let lone = one_word && {
            let t = &toks[sp.start];
            let w = t.stem();
            kb.demonym(w).is_some()
                || kb.is_non_entity(w)
                || tagger::is_month(w)
                || (!t.is_acronym() && ctx.seen_lower(w) && words::is_common(w))
        };
        if fresh.len() == before && !lone {
            let content = toks[sp.start..sp.end]
                .iter()
                .filter(|t| t.kind == TokKind::Word && !is_connector(t))
                .count();
            fresh.push(Cand {
                start: a,
                end: b,
                surface: full[a..b].to_string(),
                ident: Ident::Generic,
                person_cue: false,
                org_head: false,
                place_cue: place_cue_before(toks, sp.start),
                acronym: len == 1 && toks[sp.start].is_acronym(),
                tokens: content.max(1),
                after: last.end,
                tagged: None,
                unconfirmed: false,
            });
        }
        for c in &mut fresh[before..] {
            c.tagged = Some(sp.kind);
        }
    }
    for (i, mut c) in local.drain(..).enumerate() {
        if dead[i] {
            continue;
        }
        if !touched[i] && !matches!(c.ident, Ident::Special { .. }) {
            c.unconfirmed = true;
        }
        out.push(c);
    }
    out.append(&mut fresh);
}

/// A dateline (`BAMAKO, Mali, March 3 (Reuters) -`, `PARIS 2012-03-22`) names a place
/// before its date; any other byline line (author, outlet, caption credit) names nothing.
fn dateline(full: &str, toks: &[Token], kb: &Kb, out: &mut Vec<Cand>) {
    let head = toks
        .iter()
        .position(|t| {
            t.kind == TokKind::Number
                || matches!(t.text, "-" | "\u{2013}" | "\u{2014}" | "(" | ":" | "/")
                || tagger::is_month(t.text)
        })
        .unwrap_or(toks.len());
    if head == 0 || head > 8 || head == toks.len() {
        return;
    }
    if !toks[..head]
        .iter()
        .all(|t| t.is_cap() || t.text == "," || is_connector(t))
    {
        return;
    }
    let mut s = 0;
    while s < head {
        let e = toks[s..head]
            .iter()
            .position(|t| t.text == ",")
            .map_or(head, |p| s + p);
        if e > s {
            let before = out.len();
            if let Some((n, hits)) = kb_match(full, toks, s, kb, true) {
                let places: Vec<(u32, KeyKind)> = hits
                    .iter()
                    .copied()
                    .filter(|(x, k)| *k == KeyKind::Full && kb.entry(*x).kind == EntityType::Place)
                    .collect();
                let ordinary = n == 1 && !caps(&toks[s]) && words::is_common(toks[s].stem());
                if n == e - s && !places.is_empty() && !ordinary {
                    push_kb(full, toks, s, n, &places, out);
                }
            }
            // a name the knowledge base does not know counts in capitals only: `KIDAL, ...`
            if out.len() == before && s == 0 && toks[s..e].iter().all(caps) {
                let last = &toks[e - 1];
                let (a, b) = (toks[s].start, last.start + last.stem().len());
                out.push(Cand {
                    start: a,
                    end: b,
                    surface: full[a..b].to_string(),
                    ident: Ident::Generic,
                    person_cue: false,
                    org_head: false,
                    place_cue: true,
                    acronym: false,
                    tokens: e - s,
                    after: last.end,
                    tagged: None,
                    unconfirmed: false,
                });
            }
            for c in &mut out[before..] {
                c.tagged = Some(EntityType::Place);
                c.place_cue = true;
            }
        }
        s = e + 1;
    }
}

/// A word in capitals (`BAMAKO`; one letter is not enough).
fn caps(t: &Token) -> bool {
    t.kind == TokKind::Word && t.text.chars().count() >= 2 && t.is_acronym()
}

/// Whether the words before token `i` announce a place: `in X`, `the town of X`.
fn place_cue_before(toks: &[Token], i: usize) -> bool {
    let p1 = i.checked_sub(1).map(|j| &toks[j]);
    let p2 = i.checked_sub(2).map(|j| &toks[j]);
    let is = |t: Option<&Token>, set: &[&str]| {
        t.is_some_and(|t| set.iter().any(|w| t.text.eq_ignore_ascii_case(w)))
    };
    is(p1, PLACE_CUES) || (is(p1, &["of", "de"]) && is(p2, PLACE_OF_CUES))
}

fn is_title_case(s: &str) -> bool {
    let ws: Vec<&str> = s
        .split_whitespace()
        .filter(|w| w.chars().next().is_some_and(char::is_alphabetic) && w.chars().count() > 3)
        .collect();
    ws.len() >= 3
        && ws
            .iter()
            .filter(|w| w.chars().next().is_some_and(char::is_uppercase))
            .count()
            * 10
            >= ws.len() * 7
}

fn lower(t: &Token) -> String {
    t.text.to_lowercase()
}

/// A set of lower-case words, looked up ignoring case: a hash lookup, and no allocation
/// for an ASCII word.
struct WordSet {
    set: rustc_hash::FxHashSet<&'static str>,
    /// The longest word, in bytes.
    max: usize,
}

impl WordSet {
    fn new(list: &'static [&'static str]) -> WordSet {
        WordSet {
            set: list.iter().copied().collect(),
            max: list.iter().map(|w| w.len()).max().unwrap_or(0),
        }
    }

    /// Whether `w`, lower-cased, is in the set.
    fn contains(&self, w: &str) -> bool {
        if w.is_ascii() {
            if w.len() > self.max {
                return false;
            }
            let mut buf = [0u8; 64];
            let Some(b) = buf.get_mut(..w.len()) else {
                return false;
            };
            b.copy_from_slice(w.as_bytes());
            b.make_ascii_lowercase();
            std::str::from_utf8(b).is_ok_and(|l| self.set.contains(l))
        } else {
            self.set.contains(w.to_lowercase().as_str())
        }
    }
}

macro_rules! word_set {
    ($name:ident, $list:expr) => {
        static $name: LazyLock<WordSet> = LazyLock::new(|| WordSet::new($list));
    };
}
word_set!(CONNECTOR_SET, CONNECTORS);
word_set!(TITLE_SET, TITLES);
word_set!(LOWER_TITLE_SET, LOWER_TITLES);
word_set!(ORG_HEAD_SET, ORG_HEADS);
word_set!(PLACE_HEAD_SET, PLACE_HEADS);
word_set!(FRENCH_GROUP_ARTICLE_SET, FRENCH_GROUP_ARTICLES);
word_set!(ADJECTIVAL_AFTER_MILITARY_SET, ADJECTIVAL_AFTER_MILITARY);

/// Whether the token, lower-cased, is one of `set`.
fn in_lower(set: &WordSet, t: &Token) -> bool {
    set.contains(t.text)
}

fn is_connector(t: &Token) -> bool {
    t.kind == TokKind::Word && in_lower(&CONNECTOR_SET, t)
}

fn is_title(t: &Token) -> bool {
    TITLE_SET.contains(t.stem().trim_end_matches('.'))
}

/// A word that can start or continue a name.
fn is_name_word(t: &Token) -> bool {
    if t.kind != TokKind::Word {
        return false;
    }
    if t.is_cap() || t.is_acronym() {
        return true;
    }
    // al-Qaeda, el-Baradei, ad-Din
    let l = t.text;
    if !matches!(l.as_bytes().first(), Some(b'a' | b'e')) {
        return false;
    }
    ["al-", "el-", "ad-", "as-", "an-", "ar-", "ash-"]
        .iter()
        .any(|p| l.starts_with(p) && l[p.len()..].chars().next().is_some_and(char::is_uppercase))
}

/// Longest knowledge-base name starting at token `pos`.
///
/// Spans grow one token at a time and the scan stops once the folded span is neither a
/// name nor the start of a longer one, so a word that starts no name costs one key.
fn kb_match(
    full: &str,
    toks: &[Token],
    pos: usize,
    kb: &Kb,
    any_case: bool,
) -> Option<(usize, Vec<(u32, KeyKind)>)> {
    // elisions (l'Azawad) and a leading article make more tokens than the key has words
    // no name runs across a comma, a stop or a bracket
    let limit = kb.max_tokens() + 3;
    let max = toks[pos..]
        .iter()
        .take(limit)
        .position(|t| t.kind == TokKind::Punct && t.text != "-" && t.text != "'")
        .unwrap_or((toks.len() - pos).min(limit));
    // "Le bilan": an article does not make the next word a name
    let article = ["the", "le", "la", "les", "l'"]
        .iter()
        .any(|a| toks[pos].text.eq_ignore_ascii_case(a));
    let mut best = None;
    // the span's key, folded as the span grows
    let mut folder = KeyFolder::default();
    let mut folded_to = toks[pos].start;
    for len in 1..=max {
        let last = &toks[pos + len - 1];
        // a possessive ends a name: no longer span can match
        if len >= 2 && toks[pos + len - 2].is_possessive() {
            break;
        }
        if !any_case && article && (len == 1 || !is_name_word(&toks[pos + 1])) {
            if len >= 2 {
                break;
            }
            continue;
        }
        if !any_case && len > 1 && last.kind != TokKind::Word {
            continue;
        }
        let end = last.start + last.stem().len();
        folder.push(&full[folded_to..end]);
        folded_to = end;
        let key = folder.key();
        // an article or a bare elision folds to a key no longer span shares
        if key.is_empty() || matches!(key, "the" | "le" | "la" | "les" | "l") {
            continue;
        }
        let hits = kb.lookup(key);
        if !hits.is_empty() {
            best = Some((len, hits.to_vec()));
        }
        if !kb.is_key_prefix(key) {
            break;
        }
    }
    best
}

fn sentence_cands(full: &str, toks: &[Token], kb: &Kb, out: &mut Vec<Cand>) {
    let n = toks.len();
    let mut used = vec![false; n];
    let arabic = toks.iter().filter(|t| t.is_arabic()).count() * 2
        > toks.iter().filter(|t| t.kind == TokKind::Word).count();
    let sent_start = toks.first().map_or(0, |t| t.start);
    let sent_end = toks.last().map_or(0, |t| t.end);
    let sent = &full[sent_start..sent_end];

    // Resolutions.
    for c in RESOLUTION.captures_iter(sent) {
        let (Some(m), Some(num)) = (c.get(0), c.get(1)) else {
            continue;
        };
        let (s, e) = (sent_start + m.start(), sent_start + m.end());
        for (i, t) in toks.iter().enumerate() {
            if t.start >= s && t.end <= e {
                used[i] = true;
            }
        }
        out.push(Cand {
            start: s,
            end: e,
            surface: full[s..e].to_string(),
            ident: Ident::Special {
                id: Some(format!("resolution:{}", num.as_str())),
                name: format!("Resolution {}", num.as_str()),
                kind: EntityType::Other,
                subtype: "resolution",
                geo_of: None,
            },
            person_cue: false,
            org_head: false,
            place_cue: false,
            acronym: false,
            tokens: 2,
            after: e,
            tagged: None,
            unconfirmed: false,
        });
    }

    // Numbered roads: places no gazetteer lists, named the same way everywhere.
    for c in ROAD.captures_iter(sent) {
        let (Some(m), Some(kind), Some(num)) = (c.get(0), c.get(1), c.get(2)) else {
            continue;
        };
        let (s, e) = (sent_start + m.start(), sent_start + m.end());
        let mut tokens = 0;
        for (i, t) in toks.iter().enumerate() {
            if t.start >= s && t.end <= e {
                used[i] = true;
                tokens += 1;
            }
        }
        out.push(Cand {
            start: s,
            end: e,
            surface: full[s..e].to_string(),
            ident: Ident::Special {
                id: None,
                name: road_name(kind.as_str(), num.as_str()),
                kind: EntityType::Place,
                subtype: "road",
                geo_of: None,
            },
            person_cue: false,
            org_head: false,
            place_cue: true,
            acronym: false,
            tokens,
            after: e,
            tagged: None,
            unconfirmed: false,
        });
    }

    // National armies: "Malian army", "Mali's military".
    for i in 0..n {
        if used[i] || toks[i].kind != TokKind::Word || !toks[i].is_cap() {
            continue;
        }
        let country = if toks[i].is_possessive() {
            kb.lookup(&norm_key(toks[i].stem()))
                .iter()
                .map(|(x, _)| *x)
                .find(|x| kb.entry(*x).id.starts_with("country:"))
        } else {
            kb.demonym(toks[i].text).and_then(|e| {
                kb.lookup(&norm_key(&e.name))
                    .iter()
                    .map(|(x, _)| *x)
                    .find(|x| kb.entry(*x).id == e.id)
            })
        };
        let Some(cidx) = country else { continue };
        let Some(next) = toks.get(i + 1) else {
            continue;
        };
        let nl = lower(next);
        let (len, word_ok) =
            if nl == "armed" && toks.get(i + 2).is_some_and(|t| lower(t) == "forces") {
                (3, true)
            } else {
                (2, ARMY_WORDS.contains(&nl.as_str()))
            };
        if !word_ok {
            continue;
        }
        if nl == "military"
            && toks
                .get(i + 2)
                .is_some_and(|t| in_lower(&ADJECTIVAL_AFTER_MILITARY_SET, t))
        {
            continue;
        }
        let c = kb.entry(cidx);
        let adj = kb.adjective(cidx).unwrap_or(&c.name).to_string();
        let (s, e) = (toks[i].start, toks[i + len - 1].end);
        for u in used.iter_mut().skip(i).take(len) {
            *u = true;
        }
        out.push(Cand {
            start: s,
            end: e,
            surface: full[s..e].to_string(),
            ident: Ident::Special {
                id: Some(format!(
                    "military:{}",
                    c.country.clone().unwrap_or_default()
                )),
                name: format!("{adj} Armed Forces"),
                kind: EntityType::Organization,
                subtype: "military",
                geo_of: None,
            },
            person_cue: false,
            org_head: true,
            place_cue: false,
            acronym: false,
            tokens: len,
            after: e,
            tagged: None,
            unconfirmed: false,
        });
    }

    // Compass compounds: nord-Mali, North-Kivu.
    for i in 0..n {
        if used[i] || toks[i].kind != TokKind::Word {
            continue;
        }
        let text = toks[i].text;
        let Some(h) = text.bytes().position(|b| b == b'-') else {
            continue;
        };
        let (pre, rest) = (&text[..h], &text[h + 1..]);
        let Some((_, adj)) = DIRECTIONS.iter().find(|(d, _)| pre.eq_ignore_ascii_case(d)) else {
            continue;
        };
        if !rest.chars().next().is_some_and(char::is_uppercase) {
            continue;
        }
        let Some((idx, _)) = kb
            .lookup(&norm_key(rest))
            .iter()
            .find(|(x, _)| kb.entry(*x).kind == EntityType::Place)
            .copied()
        else {
            continue;
        };
        used[i] = true;
        let place = kb.entry(idx);
        out.push(Cand {
            start: toks[i].start,
            end: toks[i].end,
            surface: toks[i].text.to_string(),
            ident: Ident::Special {
                id: Some(format!("{}:{}", adj.to_lowercase(), place.id)),
                name: format!("{adj} {}", place.name),
                kind: EntityType::Place,
                subtype: "region",
                geo_of: Some(idx),
            },
            person_cue: false,
            org_head: false,
            place_cue: true,
            acronym: false,
            tokens: 1,
            after: toks[i].end,
            tagged: None,
            unconfirmed: false,
        });
    }

    if arabic {
        let mut i = 0;
        while i < n {
            if used[i] || toks[i].kind != TokKind::Word {
                i += 1;
                continue;
            }
            if let Some((len, hits)) = kb_match(full, toks, i, kb, true) {
                let function_word = len == 1
                    && words::is_function_word(toks[i].text)
                    && hits
                        .iter()
                        .all(|(x, _)| !kb.entry(*x).id.starts_with("country:"));
                if hits.iter().any(|(_, k)| *k == KeyKind::Full)
                    && !used[i..i + len].iter().any(|u| *u)
                    && !function_word
                {
                    push_kb(full, toks, i, len, &hits, out);
                    for u in used.iter_mut().skip(i).take(len) {
                        *u = true;
                    }
                    i += len;
                    continue;
                }
            }
            // Arabic clitics: و ب ل ف ك before a place name
            let t = toks[i].text;
            let mut ch = t.chars();
            if let Some(first) = ch.next() {
                let rest = ch.as_str();
                if "وبلفك".contains(first) && rest.chars().count() >= 3 {
                    let hits: Vec<(u32, KeyKind)> = kb
                        .lookup(&norm_key(rest))
                        .iter()
                        .filter(|(x, _)| kb.entry(*x).kind == EntityType::Place)
                        .copied()
                        .collect();
                    if !hits.is_empty() {
                        let s = toks[i].start + first.len_utf8();
                        out.push(Cand {
                            start: s,
                            end: toks[i].end,
                            surface: rest.to_string(),
                            ident: Ident::Kb(hits[0].0),
                            person_cue: false,
                            org_head: false,
                            place_cue: true,
                            acronym: false,
                            tokens: 1,
                            after: toks[i].end,
                            tagged: None,
                            unconfirmed: false,
                        });
                    }
                }
            }
            i += 1;
        }
        return;
    }

    // Capitalised chunks.
    let mut i = 0;
    while i < n {
        let particle_start =
            matches!(toks[i].text, "al" | "el") && toks.get(i + 1).is_some_and(|t| t.is_cap());
        if used[i] || !(is_name_word(&toks[i]) || particle_start) {
            i += 1;
            continue;
        }
        let s = i;
        let mut e = i + 1;
        if !toks[i].is_possessive() {
            while e < n && !used[e] {
                if is_name_word(&toks[e]) {
                    e += 1;
                    if toks[e - 1].is_possessive() {
                        break;
                    }
                } else if is_connector(&toks[e])
                    && e + 1 < n
                    && !used[e + 1]
                    && (is_name_word(&toks[e + 1])
                        || (is_connector(&toks[e + 1]) && e + 2 < n && is_name_word(&toks[e + 2])))
                {
                    e += 1;
                } else {
                    break;
                }
            }
        }
        chunk_cands(full, toks, s, e, kb, &used, out);
        i = e;
    }
}

fn push_kb(
    full: &str,
    toks: &[Token],
    pos: usize,
    len: usize,
    hits: &[(u32, KeyKind)],
    out: &mut Vec<Cand>,
) {
    let last = &toks[pos + len - 1];
    let mut first = pos;
    while first + 1 < pos + len
        && matches!(
            lower(&toks[first]).as_str(),
            "the" | "le" | "la" | "les" | "l'"
        )
    {
        first += 1;
    }
    let s = toks[first].start;
    let e = last.start + last.stem().len();
    let full_hits: Vec<u32> = hits
        .iter()
        .filter(|(_, k)| *k == KeyKind::Full)
        .map(|(x, _)| *x)
        .collect();
    let ident = match full_hits.len() {
        0 => Ident::Short(hits.iter().map(|(x, _)| *x).collect()),
        // the final choice among homonyms is made in `resolve`, with the document's context
        1 => Ident::Kb(full_hits[0]),
        _ => Ident::Homonyms(full_hits),
    };
    let c = Cand {
        start: s,
        end: e,
        surface: full[s..e].to_string(),
        ident,
        person_cue: false,
        org_head: false,
        place_cue: place_cue_before(toks, first),
        acronym: len == 1 && toks[pos].is_acronym(),
        tokens: len,
        after: last.end,
        tagged: None,
        unconfirmed: false,
    };
    out.push(c);
}

fn chunk_cands(
    full: &str,
    toks: &[Token],
    s: usize,
    e: usize,
    kb: &Kb,
    used: &[bool],
    out: &mut Vec<Cand>,
) {
    // A chunk that names an organisation by its head word ("Patriotic Union of X",
    // "Obama Administration") is one name, unless the knowledge base knows it whole
    // or it lists several names ("the UN and the African Union").
    let mut at_start = Some(kb_match(full, toks, s, kb, false));
    let whole_kb = at_start
        .as_ref()
        .and_then(Option::as_ref)
        .is_some_and(|(len, _)| s + len >= e);
    let has_and = toks[s..e].iter().any(|t| matches!(t.text, "and" | "et"));
    // the head word ends the chunk or opens a complement: "Union of", "Movement for"
    let head = (s..e).any(|i| {
        in_lower(&ORG_HEAD_SET, &toks[i])
            && (i + 1 == e
                || matches!(
                    lower(&toks[i + 1]).as_str(),
                    "of" | "for" | "de" | "du" | "des" | "pour" | "d'"
                ))
    });
    if head && !whole_kb && !has_and && e - s >= 2 {
        generic(full, toks, &(s..e).collect::<Vec<_>>(), kb, out);
        return;
    }
    let mut pos = s;
    let mut run: Vec<usize> = Vec::new();
    while pos < e {
        // the match at the chunk's start is known already
        let m = match at_start.take() {
            Some(m) if pos == s => m,
            _ => kb_match(full, toks, pos, kb, false),
        };
        let m = m.filter(|(len, _)| {
            let end = pos + len;
            // "Obama Administration": a known name used as a modifier of an organisation
            let head_follows =
                end < e && in_lower(&ORG_HEAD_SET, &toks[end]) && !toks[end - 1].is_possessive();
            let initial_common = pos == 0 && *len == 1 && words::is_common(toks[pos].stem());
            !used[pos..end.min(used.len())].iter().any(|u| *u)
                && !head_follows
                && !initial_common
                && toks[pos].kind == TokKind::Word
                && (is_name_word(&toks[pos]) || matches!(toks[pos].text, "al" | "el"))
        });
        match m {
            Some((len, hits)) => {
                flush_run(full, toks, &run, kb, out);
                run.clear();
                push_kb(full, toks, pos, len, &hits, out);
                pos += len;
            }
            None => {
                run.push(pos);
                pos += 1;
            }
        }
    }
    flush_run(full, toks, &run, kb, out);
}

/// Turns a run of tokens the knowledge base does not know into a candidate, or nothing.
fn flush_run(full: &str, toks: &[Token], run: &[usize], kb: &Kb, out: &mut Vec<Cand>) {
    if run.is_empty() {
        return;
    }
    // split runs that are not contiguous
    let mut parts: Vec<Vec<usize>> = vec![];
    for &i in run {
        match parts.last_mut() {
            Some(p) if p.last().is_some_and(|&l| l + 1 == i) => p.push(i),
            _ => parts.push(vec![i]),
        }
    }
    for part in parts {
        generic(full, toks, &part, kb, out);
    }
}

fn generic(full: &str, toks: &[Token], idx: &[usize], kb: &Kb, out: &mut Vec<Cand>) {
    let mut a = 0;
    let mut b = idx.len();
    let mut person_cue = false;
    // leading titles, demonyms, non-names, connectors
    while a < b {
        let t = &toks[idx[a]];
        if is_title(t) {
            person_cue = true;
            a += 1;
        } else if is_connector(t) || kb.demonym(t.text).is_some() || kb.is_non_entity(t.stem()) {
            a += 1;
        } else if idx[a] == 0 && words::is_common(t.stem()) && !t.is_acronym() {
            // sentence-initial ordinary word
            a += 1;
        } else {
            break;
        }
    }
    while b > a && (is_connector(&toks[idx[b - 1]]) || is_title(&toks[idx[b - 1]])) {
        b -= 1;
    }
    if a >= b {
        return;
    }
    let first_i = idx[a];
    let last_i = idx[b - 1];
    let first = &toks[first_i];
    let last = &toks[last_i];
    // a title right before the run in lower case: "le président Traoré", "envoy Prodi"
    if first_i > 0 && in_lower(&LOWER_TITLE_SET, &toks[first_i - 1]) {
        person_cue = true;
    }
    if first_i > 0 && is_title(&toks[first_i - 1]) {
        person_cue = true;
    }
    let len = b - a;
    let ws: Vec<&Token> = idx[a..b].iter().map(|&i| &toks[i]).collect();
    let content: Vec<&&Token> = ws.iter().filter(|t| !is_connector(t)).collect();
    let org_head = ws.iter().any(|t| in_lower(&ORG_HEAD_SET, t));
    let place_head = !org_head && in_lower(&PLACE_HEAD_SET, last);
    let acronym = len == 1 && first.is_acronym();
    if len == 1 && first.text.contains('-') {
        // "axe Bamako-Gao": two known places joined by a hyphen
        let parts: Vec<&str> = first.stem().split('-').collect();
        let hits: Vec<Option<(u32, KeyKind)>> = parts
            .iter()
            .map(|p| {
                kb.lookup(&norm_key(p))
                    .iter()
                    .find(|(x, _)| kb.entry(*x).kind == EntityType::Place)
                    .copied()
            })
            .collect();
        if parts.len() >= 2 && hits.iter().all(Option::is_some) {
            let mut at = first.start;
            for (p, h) in parts.iter().zip(hits) {
                let Some((x, _)) = h else { continue };
                out.push(Cand {
                    start: at,
                    end: at + p.len(),
                    surface: (*p).to_string(),
                    ident: Ident::Kb(x),
                    person_cue: false,
                    org_head: false,
                    place_cue: true,
                    acronym: false,
                    tokens: 1,
                    after: at + p.len(),
                    tagged: None,
                    unconfirmed: false,
                });
                at += p.len() + 1;
            }
            return;
        }
    }
    if len == 1 {
        let w = first.stem();
        if kb.is_non_entity(w) || kb.demonym(w).is_some() {
            return;
        }
        if !person_cue && !acronym && words::is_common(w) {
            return;
        }
        if first_i == 0 && !person_cue && !acronym {
            return;
        }
        if acronym && (w.chars().count() > 7 || is_roman(w)) {
            return;
        }
        if first_i > 0 && in_lower(&FRENCH_GROUP_ARTICLE_SET, &toks[first_i - 1]) && !person_cue {
            return;
        }
        if w.chars().count() < 2 {
            return;
        }
    } else if !org_head
        && !person_cue
        && content.iter().all(|t| {
            words::is_common(t.stem())
                || kb.is_non_entity(t.stem())
                || kb.demonym(t.stem()).is_some()
        })
    {
        return;
    }
    let place_cue = place_head || place_cue_before(toks, first_i);
    let s = first.start;
    let e = last.start + last.stem().len();
    out.push(Cand {
        start: s,
        end: e,
        surface: full[s..e].to_string(),
        ident: Ident::Generic,
        person_cue,
        org_head,
        place_cue,
        acronym,
        tokens: content.len(),
        after: last.end,
        tagged: None,
        unconfirmed: false,
    });
}

fn is_roman(w: &str) -> bool {
    w.chars()
        .all(|c| matches!(c, 'I' | 'V' | 'X' | 'L' | 'C' | 'M' | 'D'))
}

/// A group of candidates that name one entity.
#[derive(Debug, Clone)]
struct Cluster {
    members: Vec<usize>,
    kb: Option<u32>,
    special: Option<Ident>,
    alive: bool,
}

fn generic_kind(c: &[&Cand]) -> EntityType {
    let person = c.iter().filter(|x| x.person_cue).count();
    let org = c.iter().filter(|x| x.org_head || x.acronym).count();
    let place = c.iter().filter(|x| x.place_cue).count();
    if person > 0 && person >= org {
        EntityType::Person
    } else if org > 0 && org >= place {
        EntityType::Organization
    } else if place > 0 {
        EntityType::Place
    } else {
        EntityType::Person
    }
}

fn initials(name: &str) -> Vec<char> {
    let skip = [
        "of", "for", "the", "in", "and", "de", "la", "le", "du", "des", "d", "l", "et", "en",
        "pour", "to", "on", "au", "aux", "a", "an",
    ];
    name.split(|c: char| c.is_whitespace() || c == '-' || c == '\'')
        .filter(|w| !w.is_empty() && !skip.contains(&w.to_lowercase().as_str()))
        .filter_map(|w| w.chars().next())
        .flat_map(|c| c.to_uppercase())
        .collect()
}

fn same_letters(a: &[char], b: &[char]) -> bool {
    if a.len() != b.len() || a.len() < 2 {
        return false;
    }
    let mut x = a.to_vec();
    let mut y = b.to_vec();
    x.sort_unstable();
    y.sort_unstable();
    x == y
}

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut cur = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
        }
        prev = cur;
    }
    prev[b.len()]
}

fn last_word(s: &str) -> &str {
    s.rsplit(' ').next().unwrap_or(s)
}

fn resolve(doc: &Document, kb: &Kb, mut cands: Vec<Cand>) -> Vec<Entity> {
    cands.sort_by_key(|c| (c.start, std::cmp::Reverse(c.end)));
    // drop candidates nested in an earlier, longer one
    let mut kept: Vec<Cand> = Vec::with_capacity(cands.len());
    for c in cands {
        if kept.last().is_some_and(|k: &Cand| c.start < k.end) {
            continue;
        }
        kept.push(c);
    }
    let cands = kept;

    // Countries named in the document steer the choice among homonyms.
    let mut doc_countries: HashSet<String> = HashSet::new();
    for c in &cands {
        for i in c.ident.entries() {
            let e = kb.entry(*i);
            if e.id.starts_with("country:") {
                if let Some(cc) = &e.country {
                    doc_countries.insert(cc.clone());
                }
            }
        }
    }
    // One type per string in a document: the tagger's votes over all its mentions.
    let mut votes: HashMap<String, [u32; 3]> = HashMap::new();
    for c in &cands {
        if let Some(k) = c.tagged.and_then(type_slot) {
            votes.entry(norm_key(&c.surface)).or_default()[k] += 1;
        }
    }
    let voted = |surface: &str| -> Option<EntityType> {
        let v = votes.get(&norm_key(surface))?;
        let (k, n) = v.iter().enumerate().max_by_key(|(i, n)| (**n, 3 - *i))?;
        (*n > 0).then_some(
            [
                EntityType::Person,
                EntityType::Organization,
                EntityType::Place,
            ][k],
        )
    };
    let score = |i: u32| {
        let e = kb.entry(i);
        let ctx = e
            .country
            .as_ref()
            .is_some_and(|c| doc_countries.contains(c));
        e.weight * if ctx { 1000.0 } else { 1.0 }
    };
    let mut cands = cands;
    // strings some mention of which has a person cue (a title, a first name, `said he`)
    let person_cued: HashSet<String> = cands
        .iter()
        .filter(|c| c.person_cue)
        .map(|c| norm_key(&c.surface))
        .collect();
    // spans whose name the knowledge base gives to several entries
    let mut homonym_spans: HashSet<(usize, usize)> = HashSet::new();
    for c in &mut cands {
        let hs: Vec<u32> = match &c.ident {
            Ident::Kb(_) | Ident::Homonyms(_) => c.ident.entries().to_vec(),
            _ => continue,
        };
        if hs.len() > 1 {
            homonym_spans.insert((c.start, c.end));
        }
        let want = voted(&c.surface);
        let mut pool: Vec<u32> = match want {
            Some(k) => hs
                .iter()
                .copied()
                .filter(|x| kb.entry(*x).kind == k)
                .collect(),
            None => hs.clone(),
        };
        if pool.is_empty() {
            // the tagger reads the string as another type than every entry: a gazetteer
            // place gives way (a surname that is also a town), unless it is a capital or a
            // regional seat read as a person with nothing in the text naming a person; a
            // curated entry stays
            let seat_not_person = want == Some(EntityType::Person)
                && !person_cued.contains(&norm_key(&c.surface))
                && hs.iter().any(|x| is_seat(kb.entry(*x)));
            if !seat_not_person && hs.iter().all(|x| is_gazetteer(kb.entry(*x))) {
                c.ident = Ident::Generic;
                c.tagged = want;
                continue;
            }
            pool = hs;
        }
        let Some(best) = pool
            .into_iter()
            .max_by(|a, b| score(*a).total_cmp(&score(*b)))
        else {
            continue;
        };
        c.ident = Ident::Kb(best);
    }
    // Geocoding on evidence: a gazetteer place whose name is also an ordinary word or a
    // month, or that the tagger did not confirm while the knowledge base gives its name to
    // several entries, needs a place cue or its country in the document.
    cands.retain(|c| {
        let Ident::Kb(x) = c.ident else { return true };
        let e = kb.entry(x);
        if !is_gazetteer(e) || c.tagged == Some(EntityType::Place) || c.place_cue {
            return true;
        }
        let ambiguous = (c.unconfirmed && homonym_spans.contains(&(c.start, c.end)))
            || (c.tokens == 1 && (words::is_common(&c.surface) || tagger::is_month(&c.surface)));
        !ambiguous
            || e.country
                .as_ref()
                .is_some_and(|cc| doc_countries.contains(cc))
    });
    // An unknown name the rules found and the tagger did not tag counts when the document
    // names it elsewhere where it was tagged or known, or as the surname of a person.
    let mut confirmed: HashSet<String> = HashSet::new();
    for c in cands.iter().filter(|c| !c.unconfirmed) {
        confirmed.insert(norm_key(&c.surface));
        let person = c.tagged == Some(EntityType::Person)
            || matches!(c.ident, Ident::Kb(x) if kb.entry(x).kind == EntityType::Person);
        if person && c.tokens >= 2 {
            confirmed.insert(norm_key(last_word(&c.surface)));
        }
    }
    cands.retain(|c| {
        !(c.unconfirmed && c.ident == Ident::Generic) || confirmed.contains(&norm_key(&c.surface))
    });
    // Short forms count only when the full name is in the document.
    let linked: HashSet<u32> = cands
        .iter()
        .filter_map(|c| {
            if let Ident::Kb(x) = c.ident {
                Some(x)
            } else {
                None
            }
        })
        .collect();
    for c in &mut cands {
        if let Ident::Short(xs) = &c.ident {
            c.ident = match xs.iter().find(|x| linked.contains(x)) {
                Some(&x) => Ident::Kb(x),
                None => Ident::Generic,
            };
        }
    }

    // Initial clusters by identity.
    let mut clusters: Vec<Cluster> = Vec::new();
    let mut by_key: HashMap<String, usize> = HashMap::new();
    let mut of_cand: Vec<usize> = vec![0; cands.len()];
    for (ci, c) in cands.iter().enumerate() {
        let key = match &c.ident {
            Ident::Kb(x) => format!("kb:{x}"),
            Ident::Special { id: Some(id), .. } => format!("sp:{id}"),
            Ident::Special { name, .. } => format!("sn:{name}"),
            _ => format!("g:{}", norm_key(&c.surface)),
        };
        let k = *by_key.entry(key).or_insert_with(|| {
            clusters.push(Cluster {
                members: vec![],
                kb: if let Ident::Kb(x) = c.ident {
                    Some(x)
                } else {
                    None
                },
                special: matches!(c.ident, Ident::Special { .. }).then(|| c.ident.clone()),
                alive: true,
            });
            clusters.len() - 1
        });
        clusters[k].members.push(ci);
        of_cand[ci] = k;
    }

    let merge =
        |clusters: &mut Vec<Cluster>, of_cand: &mut Vec<usize>, into: usize, from: usize| {
            if into == from || !clusters[from].alive {
                return;
            }
            let m = std::mem::take(&mut clusters[from].members);
            for &ci in &m {
                of_cand[ci] = into;
            }
            clusters[into].members.extend(m);
            clusters[from].alive = false;
            if clusters[into].kb.is_none() {
                clusters[into].kb = clusters[from].kb;
            }
            if clusters[into].special.is_none() {
                clusters[into].special = clusters[from].special.clone();
            }
        };
    let is_generic = |cl: &Cluster| cl.kb.is_none() && cl.special.is_none();

    // 1. Declared aliases: "Long Name (ACR)" and glosses "Name ("Gloss")".
    let mut extra_mentions: Vec<(usize, Mention)> = Vec::new();
    for ci in 0..cands.len() {
        let c = &cands[ci];
        let rest = &doc.text[c.after.min(doc.text.len())..];
        if let Some(g) = GLOSS.captures(rest).and_then(|g| g.get(1)) {
            let s = c.after + g.start();
            extra_mentions.push((
                of_cand[ci],
                Mention {
                    start: s,
                    end: s + g.len(),
                    text: g.as_str().to_string(),
                },
            ));
        }
        let rest_trim = rest.trim_start();
        if !rest_trim.starts_with('(') {
            continue;
        }
        let paren_at = c.after + (rest.len() - rest_trim.len());
        if let Some(next) = cands.get(ci + 1) {
            let close = doc.text[next.end..].trim_start().starts_with(')');
            let only_space = doc.text[paren_at + 1..next.start].trim().is_empty();
            if close && only_space && next.acronym && c.tokens >= 2 {
                let (a, b) = (of_cand[ci], of_cand[ci + 1]);
                let (ka, kb_) = (clusters[a].kb, clusters[b].kb);
                if ka.is_none() || kb_.is_none() || ka == kb_ {
                    let (into, from) = if ka.is_some() || clusters[a].special.is_some() {
                        (a, b)
                    } else if kb_.is_some() {
                        (b, a)
                    } else {
                        (a, b)
                    };
                    merge(&mut clusters, &mut of_cand, into, from);
                }
            }
        }
    }

    // 2. Inferred acronyms, in any order of letters (MNLA / NMLA).
    for a in 0..clusters.len() {
        if !clusters[a].alive || clusters[a].members.is_empty() {
            continue;
        }
        let acr: Vec<&Cand> = clusters[a]
            .members
            .iter()
            .map(|&i| &cands[i])
            .filter(|c| c.acronym)
            .collect();
        if acr.is_empty() {
            continue;
        }
        let letters: Vec<char> = acr[0]
            .surface
            .chars()
            .filter(|c| c.is_alphabetic())
            .flat_map(|c| c.to_uppercase())
            .collect();
        let mut found: Vec<usize> = Vec::new();
        for b in 0..clusters.len() {
            if b == a || !clusters[b].alive {
                continue;
            }
            if clusters[a].kb.is_some() && clusters[b].kb.is_some() {
                continue;
            }
            let forms: Vec<String> = clusters[b]
                .members
                .iter()
                .map(|&i| cands[i].surface.clone())
                .collect();
            let mut names = forms.clone();
            if let Some(x) = clusters[b].kb {
                names.push(kb.entry(x).name.clone());
            }
            if names
                .iter()
                .any(|f| f.contains(' ') && same_letters(&initials(f), &letters))
            {
                found.push(b);
            }
        }
        if found.len() == 1 {
            let b = found[0];
            let (into, from) = if is_generic(&clusters[b]) && !is_generic(&clusters[a]) {
                (a, b)
            } else {
                (b, a)
            };
            merge(&mut clusters, &mut of_cand, into, from);
        }
    }

    // Person names: kind of each cluster.
    let kind_of = |cl: &Cluster, cands: &[Cand]| -> EntityType {
        if let Some(x) = cl.kb {
            return kb.entry(x).kind;
        }
        if let Some(Ident::Special { kind, .. }) = &cl.special {
            return *kind;
        }
        let cs: Vec<&Cand> = cl.members.iter().map(|&i| &cands[i]).collect();
        let mut tally = [0u32; 3];
        for c in &cs {
            if let Some(k) = c.tagged.and_then(type_slot) {
                tally[k] += 1;
            }
        }
        if let Some((k, _)) = tally
            .iter()
            .enumerate()
            .filter(|(_, n)| **n > 0)
            .max_by_key(|(i, n)| (**n, 3 - *i))
        {
            return [
                EntityType::Person,
                EntityType::Organization,
                EntityType::Place,
            ][k];
        }
        if cs
            .iter()
            .all(|c| c.tokens >= 2 && !c.org_head && !c.place_cue)
            && !cs.iter().any(|c| c.acronym)
        {
            return EntityType::Person;
        }
        generic_kind(&cs)
    };

    // 3. Surnames: "Touré" -> "Amadou Toumani Touré".
    // 4. Misspellings of a person's name when the context agrees: "Amadou Sango" ~ "Sanogo".
    let ids: Vec<usize> = (0..clusters.len()).filter(|&i| clusters[i].alive).collect();
    for &a in &ids {
        if !clusters[a].alive || !is_generic(&clusters[a]) {
            continue;
        }
        let forms_a: Vec<String> = clusters[a]
            .members
            .iter()
            .map(|&i| cands[i].surface.clone())
            .collect();
        let single = forms_a.iter().all(|f| !f.contains(' '));
        let ka = kind_of(&clusters[a], &cands);
        if ka != EntityType::Person || !single {
            continue;
        }
        let w = &forms_a[0];
        let mut exact: Vec<usize> = Vec::new();
        let mut near: Vec<usize> = Vec::new();
        for &b in &ids {
            if b == a || !clusters[b].alive || kind_of(&clusters[b], &cands) != EntityType::Person {
                continue;
            }
            let mut forms_b: Vec<String> = clusters[b]
                .members
                .iter()
                .map(|&i| cands[i].surface.clone())
                .collect();
            if let Some(x) = clusters[b].kb {
                forms_b.push(kb.entry(x).name.clone());
            }
            if forms_b.iter().any(|f| f.contains(' ') && last_word(f) == w) {
                exact.push(b);
            } else if w.chars().count() >= 5
                && forms_b.iter().any(|f| {
                    let l = last_word(f);
                    l.chars().count() >= 5
                        && edit_distance(&l.to_lowercase(), &w.to_lowercase()) == 1
                })
            {
                near.push(b);
            }
        }
        if exact.len() == 1 {
            merge(&mut clusters, &mut of_cand, exact[0], a);
        } else if exact.is_empty() && near.len() == 1 {
            let b = near[0];
            // both must be introduced as persons by a title (Captain Sango / Captain Sanogo) or share a first name
            let cued_a = clusters[a].members.iter().any(|&i| cands[i].person_cue);
            let cued_b = clusters[b].members.iter().any(|&i| cands[i].person_cue);
            if cued_a && cued_b {
                merge(&mut clusters, &mut of_cand, b, a);
            }
        }
    }

    // Build entities.
    let mut out: Vec<(usize, Entity)> = Vec::new();
    for (k, cl) in clusters.iter().enumerate() {
        if !cl.alive || cl.members.is_empty() {
            continue;
        }
        let kind = kind_of(cl, &cands);
        let mut mentions: Vec<Mention> = cl
            .members
            .iter()
            .map(|&i| Mention {
                start: cands[i].start,
                end: cands[i].end,
                text: cands[i].surface.clone(),
            })
            .collect();
        mentions.extend(
            extra_mentions
                .iter()
                .filter(|(c, _)| *c == k)
                .map(|(_, m)| m.clone()),
        );
        mentions.sort_by_key(|m| m.start);
        let mut aliases: Vec<String> = Vec::new();
        for m in &mentions {
            if !aliases.contains(&m.text) {
                aliases.push(m.text.clone());
            }
        }
        let (id, name, subtype, geo) = if let Some(x) = cl.kb {
            let e = kb.entry(x);
            (
                Some(e.id.clone()),
                e.name.clone(),
                e.subtype.clone(),
                geo_of(kb, x),
            )
        } else if let Some(Ident::Special {
            id,
            name,
            subtype,
            geo_of: g,
            ..
        }) = &cl.special
        {
            (
                id.clone(),
                name.clone(),
                Some((*subtype).to_string()),
                g.and_then(|x| geo_of(kb, x)),
            )
        } else {
            let best = aliases
                .iter()
                .filter(|a| !(a.chars().all(|c| !c.is_lowercase()) && a.len() <= 8))
                .max_by_key(|a| (a.split(' ').count(), a.len()))
                .or_else(|| aliases.first())
                .cloned()
                .unwrap_or_default();
            (None, best, None, None)
        };
        let first = mentions.first().map_or(0, |m| m.start);
        out.push((
            first,
            Entity {
                id,
                name,
                kind,
                subtype,
                aliases,
                mentions,
                geo,
            },
        ));
    }
    out.sort_by_key(|(f, _)| *f);
    out.into_iter().map(|(_, e)| e).collect()
}

fn geo_of(kb: &Kb, x: u32) -> Option<Geo> {
    let e = kb.entry(x);
    Some(Geo {
        lat: e.lat?,
        lon: e.lon?,
        country: e.country.clone(),
        feature: e.feature.clone(),
    })
}

#[cfg(test)]
mod tests;
