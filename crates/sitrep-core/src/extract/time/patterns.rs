//! Regex templates per language, the compiled pattern set (`Pats`), and the trigger words that prefilter which windows of the text are searched.

use super::*;

pub(super) const D: &str = "[0-9\u{0660}-\u{0669}\u{06F0}-\u{06F9}]";

pub(super) const EN_MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
pub(super) const EN_ABBR: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "Sept", "Sep", "Jun", "Jul", "Aug", "Oct", "Nov", "Dec",
];
pub(super) const EN_WD: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];
pub(super) const FR_MONTHS: [&str; 13] = [
    "janvier",
    "février",
    "fevrier",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "aout",
    "septembre",
    "octobre",
    "novembre",
];
pub(super) const FR_MONTHS2: [&str; 2] = ["décembre", "decembre"];
pub(super) const FR_ABBR: [&str; 10] = [
    "janv", "févr", "fevr", "fév", "avr", "juil", "sept", "oct", "nov", "déc",
];
pub(super) const FR_WD: [&str; 7] = [
    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
];

pub(super) const AR_MONTHS: &str = "كانون\\s+الثاني|كانون\\s+ال[أا]ول|تشرين\\s+الثاني|تشرين\\s+ال[أا]ول|يناير|فبراير|مارس|آذار|[أإا]بريل|نيسان|مايو|أيار|ايار|يونيو|يونيه|حزيران|يوليو|يوليه|تموز|[أا]غسطس|آب|سبتمبر|أيلول|ايلول|[أا]كتوبر|نوفمبر|ديسمبر|شباط";
pub(super) const AR_WD: &str = "ال[إا]ثنين|الثلاثاء|ال[أا]ربعاء|الخميس|الجمعة|السبت|ال[أا]حد";

pub(super) const MOD_EN: &str = r"(?:[Tt]he\s+(?:beginning|start|end|middle|turn|first\s+half|second\s+half)\s+of\s+|(?:[Ee]arly|[Ll]ate|[Ee]arlier|[Ll]ater)\s+|[Mm]id(?:-\s*|\s+))";
pub(super) const MOD_FR: &str = r"(?:(?:[Ll]a\s+|[Ll]e\s+)?(?:[Ff]in|[Dd]ébut|[Mm]ilieu)\s+(?:de\s+l['’]année\s+|de\s+|d['’])?|[Mm]i-|[Cc]ourant\s+)";
pub(super) const NUM_EN: &str = r"(?i:an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty)";
pub(super) const NUM_FR: &str =
    r"(?i:une?|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|quinze|vingt|trente)";

pub(super) fn cap(w: &str) -> String {
    let mut c = w.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

pub(super) fn variants(words: &[&str], lower: bool, upper: bool) -> String {
    let mut v: Vec<String> = Vec::new();
    for w in words {
        v.push(cap(w));
        if lower {
            v.push((*w).to_string());
        }
        if upper {
            v.push(w.to_uppercase());
        }
    }
    v.join("|")
}

/// A compiled pattern. Each runs on its own: a set of all of them, tried as a first pass
/// to skip absent families, cost more than it saved (its overlapping automaton kept
/// building new states on every document).
pub(super) struct Pat {
    pub(super) re: Regex,
    /// The trigger classes ([`Triggers`]) one of which every match contains; 0 when the
    /// pattern has none and is run over the whole text.
    pub(super) on: u32,
    /// How many whitespace runs a match can cross: the pattern's elements that can match
    /// whitespace (each `\s`, space and no-break space), counted where written. Only the
    /// text within this many runs of a trigger can hold a match.
    pub(super) ws: usize,
    /// What may stand on either side of a match; [`scan`] checks it before the
    /// pattern's callback sees the match.
    pub(super) edge: Edge,
}

/// The boundary a match must have on either side. Every windowed pattern needs one
/// that rejects a letter or digit next to the match: the trigger words are found as
/// whole words only, which is sound because no match can continue into a word.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Edge {
    /// No letter or digit on either side ([`bounded`]).
    Word,
    /// A numeric date: [`Edge::Word`], and not part of a longer run of numbers
    /// ([`num_date_bounds`]).
    NumDate,
    /// Arabic: proclitics allowed before, the era letter م after a year ([`ar_bounded`]).
    Arabic,
}

impl Edge {
    pub(super) fn ok(self, text: &str, s: usize, e: usize) -> bool {
        match self {
            Edge::Word => bounded(text, s, e),
            Edge::NumDate => num_date_bounds(text, s, e),
            Edge::Arabic => {
                let year_end = prev_char(text, e).is_some_and(is_digit_char);
                ar_bounded(text, s, e, year_end)
            }
        }
    }
}

impl Pat {
    /// Checks the edges of a match with `edge` instead of [`Edge::Word`].
    pub(super) fn edge(mut self, edge: Edge) -> Pat {
        self.edge = edge;
        self
    }

    /// Runs the pattern only around the words of `classes` (see [`Triggers`]).
    pub(super) fn on(mut self, classes: u32) -> Pat {
        self.on = classes;
        self
    }
}

// Trigger classes: every match of a windowed pattern contains one of its classes' words.
pub(super) const T_DIGIT: u32 = 1;
pub(super) const T_EN_MONTH: u32 = 1 << 1;
pub(super) const T_EN_WD: u32 = 1 << 2;
pub(super) const T_EN_UNIT: u32 = 1 << 3;
pub(super) const T_EN_RELDAY: u32 = 1 << 4;
pub(super) const T_EN_SEASON: u32 = 1 << 5;
pub(super) const T_EN_AGO: u32 = 1 << 6;
pub(super) const T_FR_MONTH: u32 = 1 << 7;
pub(super) const T_FR_WD: u32 = 1 << 8;
pub(super) const T_FR_REL: u32 = 1 << 9;
pub(super) const T_FR_ANNEE: u32 = 1 << 10;
pub(super) const T_FR_MOIS: u32 = 1 << 11;
pub(super) const T_FR_RELDAY: u32 = 1 << 12;
pub(super) const T_FR_SEASON: u32 = 1 << 13;
pub(super) const T_FR_UNIT: u32 = 1 << 14;
pub(super) const T_FR_OFFSET: u32 = 1 << 15;
pub(super) const T_EN_TMX: u32 = 1 << 16;
pub(super) const T_FR_TMX: u32 = 1 << 17;
pub(super) const T_EN_REF: u32 = 1 << 18;
pub(super) const T_EN_SET: u32 = 1 << 19;
pub(super) const T_EN_PERIOD: u32 = 1 << 20;
pub(super) const T_EN_NOON: u32 = 1 << 21;

/// The trigger words, each with its classes and whether it counts only as a whole word
/// (no letter or digit on either side). Whole-word triggers are sound because every
/// pattern's callback rejects a match with a letter or digit on either side
/// ([`bounded`]), and within a match these words stand between spaces, hyphens,
/// apostrophes, commas, dots or the match's ends.
pub(super) struct TriggerWords {
    pub(super) ac: AhoCorasick,
    /// Per AC pattern: (classes, whole word only).
    pub(super) info: Vec<(u32, bool)>,
}

pub(super) static TRIGGER_WORDS: LazyLock<TriggerWords> = LazyLock::new(|| {
    let mut words: Vec<(String, u32, bool)> = Vec::new();
    let mut add = |list: &[&str], class: u32, whole: bool| {
        for w in list {
            // the ASCII letters are matched ignoring case; other letters are listed in
            // the three cases the patterns spell them in
            for v in [w.to_string(), cap(w), w.to_uppercase()] {
                words.push((v, class, whole));
            }
        }
    };
    add(&EN_MONTHS, T_EN_MONTH, true);
    add(&EN_ABBR, T_EN_MONTH, true);
    add(&EN_WD, T_EN_WD, true);
    add(
        &["day", "days", "month", "months", "year", "years"],
        T_EN_UNIT,
        true,
    );
    add(
        &[
            "yesterday",
            "tomorrow",
            "today",
            "tonight",
            "morning",
            "afternoon",
            "evening",
            "night",
        ],
        T_EN_RELDAY,
        true,
    );
    add(
        &["summer", "winter", "spring", "autumn", "fall"],
        T_EN_SEASON,
        true,
    );
    add(&["ago"], T_EN_AGO, true);
    add(&FR_MONTHS, T_FR_MONTH, true);
    add(&FR_MONTHS2, T_FR_MONTH, true);
    add(&FR_ABBR, T_FR_MONTH, true);
    add(&FR_WD, T_FR_WD, true);
    add(&["derni", "pass", "prochain"], T_FR_REL, false);
    add(&["année"], T_FR_ANNEE, false);
    add(&["mois"], T_FR_MOIS, true);
    add(
        &["hier", "demain", "matin", "midi", "soir", "aujourd"],
        T_FR_RELDAY,
        true,
    );
    add(&["été", "hiver", "automne", "printemps"], T_FR_SEASON, true);
    add(
        &["jour", "jours", "mois", "ans", "année", "années"],
        T_FR_UNIT | T_FR_OFFSET,
        true,
    );
    add(&["lendemain", "surlendemain", "veille"], T_FR_OFFSET, true);
    for (list, class) in classes::EN_TRIGGERS.iter() {
        add(list, *class, true);
    }
    add(&classes::FR_TRIGGERS, T_FR_TMX, true);
    // one AC pattern per distinct (word, whole) with its classes united
    let mut merged: Vec<(String, u32, bool)> = Vec::new();
    for (w, c, whole) in words {
        match merged
            .iter_mut()
            .find(|(x, _, wh)| x.eq_ignore_ascii_case(&w) && *wh == whole)
        {
            Some(m) => m.1 |= c,
            None => merged.push((w, c, whole)),
        }
    }
    let ac = AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .kind(Some(aho_corasick::AhoCorasickKind::DFA))
        .build(merged.iter().map(|(w, _, _)| w.as_str()))
        .expect("static trigger words must build");
    TriggerWords {
        ac,
        info: merged.iter().map(|(_, c, wh)| (*c, *wh)).collect(),
    }
});

/// Where in a text the patterns can match: the trigger words and digit runs found in one
/// pass, sorted by start. A pattern with trigger classes is run only within the
/// stretches of text around its triggers that a match could cover, which gives the
/// same matches as a run over the whole text (`windows_never_hide_a_match`) at a
/// fraction of the cost: most of a report is far from any date word.
pub(super) struct Triggers {
    /// (start, end, classes)
    pub(super) hits: Vec<(usize, usize, u32)>,
    /// The runs of non-whitespace characters, when there are hits.
    pub(super) runs: Vec<(u32, u32)>,
    /// Unicode case folding matches 'ſ' to 's' and the Kelvin sign to 'k', which the
    /// ASCII-case-insensitive word search would miss: such a text is searched whole.
    pub(super) whole_text: bool,
}

pub(super) fn is_digit_char(c: char) -> bool {
    c.is_ascii_digit()
        || ('\u{0660}'..='\u{0669}').contains(&c)
        || ('\u{06F0}'..='\u{06F9}').contains(&c)
}

impl Triggers {
    pub(super) fn find(text: &str) -> Triggers {
        let whole_text = text.contains('\u{17f}') || text.contains('\u{212a}');
        let mut hits = Vec::new();
        if whole_text {
            return Triggers {
                hits,
                runs: Vec::new(),
                whole_text,
            };
        }
        let tw = &*TRIGGER_WORDS;
        for m in tw.ac.find_overlapping_iter(text) {
            let (classes, whole) = tw.info[m.pattern().as_usize()];
            if whole
                && (prev_char(text, m.start()).is_some_and(is_wc)
                    || next_char(text, m.end()).is_some_and(is_wc))
            {
                continue;
            }
            hits.push((m.start(), m.end(), classes));
        }
        // digit runs (ASCII and Arabic-Indic digits)
        runs(
            text,
            |b| b.is_ascii_digit(),
            is_digit_char,
            |r| {
                let s = offset_in(text, r);
                hits.push((s, s + r.len(), T_DIGIT));
            },
        );
        if hits.is_empty() {
            return Triggers {
                hits,
                runs: Vec::new(),
                whole_text,
            };
        }
        hits.sort_unstable();
        Triggers {
            hits,
            runs: space_runs(text),
            whole_text,
        }
    }

    /// The disjoint stretches of `text` that can hold a match of `pat`, in order.
    pub(super) fn regions(&self, text: &str, pat: &Pat, out: &mut Vec<(usize, usize)>) {
        out.clear();
        if pat.on == 0 || self.whole_text {
            out.push((0, text.len()));
            return;
        }
        let last = self.runs.len().saturating_sub(1);
        // the run holding byte `i`
        let run_of = |i: usize| {
            self.runs
                .partition_point(|r| r.0 as usize <= i)
                .saturating_sub(1)
        };
        for &(s, e, c) in &self.hits {
            if c & pat.on == 0 {
                continue;
            }
            // a match holding this trigger crosses at most `pat.ws` whitespace runs on
            // either side of it
            let ws = self.runs[run_of(s).saturating_sub(pat.ws)].0 as usize;
            let we = self.runs[(run_of(e.saturating_sub(1)) + pat.ws).min(last)].1 as usize;
            match out.last_mut() {
                Some(last) if ws <= last.1 => last.1 = last.1.max(we),
                _ => out.push((ws, we)),
            }
        }
    }
}

/// The runs of non-whitespace characters of `text`, as (start, end) byte offsets.
/// Whitespace is what the patterns' `\s` matches: Unicode `White_Space`.
pub(super) fn space_runs(text: &str) -> Vec<(u32, u32)> {
    let mut out = Vec::with_capacity(text.len() / 6 + 1);
    runs(
        text,
        |b| !is_ascii_space(b),
        |c| !c.is_whitespace(),
        |r| {
            let s = offset_in(text, r);
            out.push((s as u32, (s + r.len()) as u32));
        },
    );
    out
}

/// The byte offset in `text` of `piece`, a subslice of it.
pub(super) fn offset_in(text: &str, piece: &str) -> usize {
    piece.as_ptr() as usize - text.as_ptr() as usize
}

/// The most whitespace runs a match of the regex `p` can cross: over its alternatives
/// the largest sum of the elements that can match whitespace (`\s`, a space, a no-break
/// space, a class holding one). `usize::MAX` when a repeated group can (unbounded).
pub(super) fn ws_runs(p: &str) -> usize {
    fn alt(p: &[char], i: &mut usize) -> usize {
        let (mut best, mut seq) = (0usize, 0usize);
        while *i < p.len() && p[*i] != ')' {
            let c = p[*i];
            *i += 1;
            let mut group = false;
            let val = match c {
                '|' => {
                    best = best.max(seq);
                    seq = 0;
                    continue;
                }
                '(' => {
                    group = true;
                    if p.get(*i) == Some(&'?') {
                        // flags or a name: up to ':' or '>'
                        while *i < p.len() && p[*i] != ':' && p[*i] != '>' && p[*i] != ')' {
                            *i += 1;
                        }
                        if p.get(*i) != Some(&')') {
                            *i += 1;
                        }
                    }
                    let v = alt(p, i);
                    *i += 1; // ')'
                    v
                }
                '[' => {
                    let mut has = false;
                    while *i < p.len() && p[*i] != ']' {
                        if p[*i] == '\\' {
                            *i += 1;
                            has |= p.get(*i) == Some(&'s');
                        } else {
                            has |= p[*i] == ' ' || p[*i] == '\u{a0}';
                        }
                        *i += 1;
                    }
                    *i += 1; // ']'
                    usize::from(has)
                }
                '\\' => {
                    let e = p.get(*i).copied();
                    *i += 1;
                    usize::from(e == Some('s'))
                }
                ' ' | '\u{a0}' => 1,
                _ => 0,
            };
            // a quantifier
            let mut repeated = false;
            while let Some(&q) = p.get(*i) {
                match q {
                    '?' => *i += 1,
                    '*' | '+' => {
                        repeated = true;
                        *i += 1;
                    }
                    '{' => {
                        repeated = true;
                        while *i < p.len() && p[*i] != '}' {
                            *i += 1;
                        }
                        *i += 1;
                    }
                    _ => break,
                }
            }
            if repeated && group && val > 0 {
                return usize::MAX;
            }
            seq = seq.saturating_add(val);
        }
        best.max(seq)
    }
    let chars: Vec<char> = p.chars().collect();
    let mut i = 0;
    alt(&chars, &mut i)
}

pub(super) struct Pats {
    pub(super) num_iso: Pat,
    pub(super) num_dmy: Pat,
    pub(super) year: Pat,
    pub(super) en_dmy: Pat,
    pub(super) en_mdy: Pat,
    pub(super) en_my: Pat,
    pub(super) en_m_relyear: Pat,
    pub(super) en_rel_m: Pat,
    pub(super) en_bare_m: Pat,
    pub(super) en_rel_ym: Pat,
    pub(super) en_relday: Pat,
    pub(super) en_season: Pat,
    pub(super) en_wd: Pat,
    pub(super) en_ago: Pat,
    pub(super) en_offset: Pat,
    pub(super) en_decade: Pat,
    pub(super) fr_dmy: Pat,
    pub(super) fr_my: Pat,
    pub(super) fr_m_rel: Pat,
    pub(super) fr_bare_m: Pat,
    pub(super) fr_rel_year: Pat,
    pub(super) fr_this_year: Pat,
    pub(super) fr_rel_month: Pat,
    pub(super) fr_relday: Pat,
    pub(super) fr_season: Pat,
    pub(super) fr_wd: Pat,
    pub(super) fr_ago: Pat,
    pub(super) fr_offset: Pat,
    pub(super) fr_decade: Pat,
    pub(super) ar_date: Pat,
    pub(super) ar_relday: Pat,
    pub(super) ar_wd: Pat,
    pub(super) ar_offset: Pat,
}

pub(super) static PATS: LazyLock<Pats> = LazyLock::new(build_pats);

pub(super) fn build_pats() -> Pats {
    let mon_en_full = variants(&EN_MONTHS, false, true);
    let mon_en_cap = variants(&EN_MONTHS, false, false);
    let mon_en = format!("{}|{}", mon_en_full, variants(&EN_ABBR, false, true));
    let wd_en = variants(&EN_WD, false, true);
    let mut fr_full: Vec<&str> = FR_MONTHS.to_vec();
    fr_full.extend_from_slice(&FR_MONTHS2);
    let mon_fr_full = variants(&fr_full, true, true);
    let mon_fr_lower = fr_full.join("|");
    let fr_abbr = variants(&FR_ABBR, true, true);
    let mon_fr_dmy = format!("{}|{}", mon_fr_full, fr_abbr);
    let mon_fr_my = format!("{}|(?:{})\\.", mon_fr_full, fr_abbr);
    let wd_fr = variants(&FR_WD, true, true);
    let t = |p: &str| -> Pat {
        let s = p
            .replace("<D>", D)
            .replace("<MON_EN_FULL>", &mon_en_full)
            .replace("<MON_EN_CAP>", &mon_en_cap)
            .replace("<MON_EN>", &mon_en)
            .replace("<WD_EN>", &wd_en)
            .replace("<MON_FR_FULL>", &mon_fr_full)
            .replace("<MON_FR_LOWER>", &mon_fr_lower)
            .replace("<MON_FR_DMY>", &mon_fr_dmy)
            .replace("<MON_FR_MY>", &mon_fr_my)
            .replace("<WD_FR>", &wd_fr)
            .replace("<MOD_EN>", MOD_EN)
            .replace("<MOD_FR>", MOD_FR)
            .replace("<NUM_EN>", NUM_EN)
            .replace("<NUM_FR>", NUM_FR)
            .replace("<AR_MON>", AR_MONTHS)
            .replace("<AR_WD>", AR_WD);
        let re = Regex::new(&s).expect("static temporal pattern must compile");
        let ws = ws_runs(&s);
        Pat {
            re,
            on: 0,
            ws,
            edge: Edge::Word,
        }
    };
    Pats {
        num_iso: t(r"(?P<y><D>{4})[-/.](?P<m><D>{1,2})[-/.](?P<d><D>{1,2})")
            .on(T_DIGIT)
            .edge(Edge::NumDate),
        num_dmy: t(r"(?P<a><D>{1,2})[/.\-](?P<b><D>{1,2})[/.\-](?P<y><D>{4})")
            .on(T_DIGIT)
            .edge(Edge::NumDate),
        year: t(r"(?P<mod><MOD_EN>|<MOD_FR>)?(?P<y><D>{4})").on(T_DIGIT),
        en_dmy: t(
            r"(?:(?P<wd><WD_EN>),?\s+)?(?P<d><D>{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m><MON_EN>)(?:\.?,?\s+(?P<y><D>{4}))?",
        ).on(T_EN_MONTH),
        en_mdy: t(
            r"(?:(?P<wd><WD_EN>),?\s+)?(?P<m><MON_EN>)\.?\s+(?P<d><D>{1,2})(?:st|nd|rd|th)?(?:,?\s+(?P<y><D>{4}))?",
        ).on(T_EN_MONTH),
        en_my: t(r"(?P<mod><MOD_EN>)?(?P<m><MON_EN>)\.?(?:,|\s+of)?\s+(?P<y><D>{4})").on(T_EN_MONTH),
        en_m_relyear: t(
            r"(?P<mod><MOD_EN>)?(?P<m><MON_EN_CAP>)\s+(?:of\s+)?(?P<r>[Nn]ext|[Ll]ast|[Tt]his)\s+year",
        ).on(T_EN_MONTH),
        en_rel_m: t(r"(?P<r>[Ll]ast|[Nn]ext|[Tt]his)\s+(?P<m><MON_EN_CAP>)").on(T_EN_MONTH),
        en_bare_m: t(r"(?P<mod><MOD_EN>)?(?P<m><MON_EN_CAP>)").on(T_EN_MONTH),
        en_rel_ym: t(r"(?P<mod><MOD_EN>)?(?P<r>(?i:last|next|this))\s+(?P<u>(?i:year|month))").on(T_EN_UNIT),
        en_relday: t(
            r"(?i:the\s+day\s+before\s+yesterday|the\s+day\s+after\s+tomorrow|(?:yesterday|tomorrow)(?:\s+(?:morning|afternoon|evening|night))?|today|tonight|this\s+(?:morning|afternoon|evening)|last\s+night)",
        ).on(T_EN_RELDAY),
        en_season: t(
            r"(?P<mod><MOD_EN>)?(?:(?P<r>[Ll]ast|[Nn]ext|[Tt]his(?:\s+past|\s+coming)?)\s+|(?P<the>[Tt]he)\s+(?P<mod2><MOD_EN>)?)?(?P<s>[Ss]ummer|[Ww]inter|[Ss]pring|[Aa]utumn|[Ff]all)(?:\s+(?:of\s+)?(?P<y><D>{4}))?",
        ).on(T_EN_SEASON),
        en_wd: t(r"(?:(?P<r>[Ll]ast|[Nn]ext|[Tt]his)\s+)?(?P<wd><WD_EN>)(?:\s+(?P<pod>(?i:morning|afternoon|evening|night)))?").on(T_EN_WD),
        en_ago: t(r"(?P<n><NUM_EN>|<D>{1,3})\s+(?P<u>(?i:days?|weeks?|months?|years?))\s+ago").on(T_EN_AGO),
        en_offset: t(
            r"(?:(?P<n><NUM_EN>|<D>{1,3})\s+(?P<u>(?i:days?|months?|years?))\s+(?P<dir>(?i:later|after|before|earlier))|(?i:the\s+(?P<f>next|following|previous)\s+day)|(?i:the\s+day\s+(?P<ab>after|before)))",
        ).on(T_EN_UNIT),
        en_decade: t(r"(?P<y>(?:19|20)[0-9]0)['’]?s").on(T_DIGIT),
        fr_dmy: t(
            r"(?:(?P<wd><WD_FR>),?\s+)?(?P<d><D>{1,2})(?:er|ᵉʳ)?\s+(?P<m><MON_FR_DMY>)(?:\.?\s+(?P<y><D>{4}))?",
        ).on(T_FR_MONTH),
        fr_my: t(r"(?P<mod><MOD_FR>)?(?P<m><MON_FR_MY>)\s+(?:de\s+)?(?P<y><D>{4})").on(T_FR_MONTH),
        fr_m_rel: t(
            r"(?P<mod><MOD_FR>)?(?P<m><MON_FR_FULL>)\s+(?:(?P<r>dernier|prochain|passé)|de\s+l['’](?:année|an)\s+(?P<r2>dernière|prochaine|passée|dernier|prochain|passé)|de\s+(?P<c>cette)\s+année)",
        ).on(T_FR_MONTH),
        fr_bare_m: t(r"(?P<mod><MOD_FR>)?(?P<m><MON_FR_LOWER>)").on(T_FR_MONTH),
        fr_rel_year: t(
            r"(?P<mod><MOD_FR>)?[Ll]['’]an(?:née)?\s+(?P<r>dernière|dernier|passée|passé|prochaine|prochain)",
        ).on(T_FR_REL),
        fr_this_year: t(r"(?P<mod><MOD_FR>)?[Cc]ette\s+année").on(T_FR_ANNEE),
        fr_rel_month: t(r"[Ll]e\s+mois\s+(?P<r>dernier|prochain|passé)|[Cc]e\s+mois(?:-ci)?").on(T_FR_MOIS),
        fr_relday: t(
            r"(?i:avant-hier|après-demain|(?:hier|demain)(?:\s+(?:matin|soir|après-midi))?|ce\s+matin|cet\s+après-midi|ce\s+soir|aujourd['’]hui\s+même)",
        ).on(T_FR_RELDAY),
        fr_season: t(
            r"(?:(?P<c>[Cc]et|[Cc]e)\s+)?(?P<s>[Ll]['’]été|[Ll]['’]hiver|[Ll]['’]automne|[Ll]e\s+printemps|été|hiver|automne|printemps)(?:\s+(?:de\s+|d['’])?(?:l['’]année\s+)?(?P<y><D>{4})|\s+(?P<r>dernier|prochain))?",
        ).on(T_FR_SEASON),
        fr_wd: t(r"(?:(?P<ce>[Cc]e)\s+)?(?P<wd><WD_FR>)(?:\s+(?P<r>dernier|prochain|passé))?(?:\s+(?P<pod>matin|après-midi|soir|soirée))?").on(T_FR_WD),
        fr_ago: t(r"[Ii]l\s+y\s+a\s+(?P<n><NUM_FR>|<D>{1,3})\s+(?P<u>jours?|mois|ans|années?)").on(T_FR_UNIT),
        fr_offset: t(
            r"(?:(?P<n><NUM_FR>|<D>{1,3})\s+(?P<u>jours?|mois|ans|années?)\s+(?P<dir>plus\s+tard|après|auparavant|plus\s+tôt|avant)|(?P<l>[Ll]e\s+(?:lendemain|surlendemain))|(?P<v>[Ll]a\s+veille)|(?P<av>[Ll]['’]avant-veille))",
        ).on(T_FR_OFFSET),
        fr_decade: t(r"(?P<a>[Aa]nnées)\s+(?P<y>(?:19|20)[0-9]0|[0-9]0)").on(T_DIGIT),
        ar_date: t(
            r"(?:(?P<d><D>{1,2})\s+)?(?P<m><AR_MON>)(?:\s*/\s*(?P<m2><AR_MON>))?(?:\s+(?:عام\s+|سنة\s+)?(?P<y><D>{4}))?",
        )
        .edge(Edge::Arabic),
        ar_relday: t(r"أمس\s+الأول|أول\s+(?:من\s+)?أمس|أمس|البارحة|اليوم|غداً|بعد\s+غد").edge(Edge::Arabic),
        ar_wd: t(r"(?:(?P<yawm>يوم)\s+)?(?P<wd><AR_WD>)(?:\s+(?P<r>الماضي|المقبل|القادم|الفائت))?").edge(Edge::Arabic),
        ar_offset: t(r"اليوم\s+(?P<k>التالي|السابق)").edge(Edge::Arabic),
    }
}
