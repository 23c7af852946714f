//! Lexical helpers (word boundaries, numbers, month/weekday/season words) and `scan`, which runs a pattern and checks its edges once.

use super::*;

pub(super) fn floor_boundary(s: &str, mut i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

pub(super) fn prev_char(text: &str, i: usize) -> Option<char> {
    text.get(..i).and_then(|s| s.chars().next_back())
}

pub(super) fn next_char(text: &str, i: usize) -> Option<char> {
    text.get(i..).and_then(|s| s.chars().next())
}

pub(super) fn is_wc(c: char) -> bool {
    c.is_alphanumeric()
}

pub(super) fn bounded(text: &str, s: usize, e: usize) -> bool {
    !prev_char(text, s).is_some_and(is_wc) && !next_char(text, e).is_some_and(is_wc)
}

/// Arabic boundary: allows up to three proclitic letters (و ف ب ل ا ك) before the word,
/// and the letter م (for "ميلادي") right after a year.
pub(super) fn ar_bounded(text: &str, s: usize, e: usize, year_end: bool) -> bool {
    let before = match text.get(..s) {
        Some(b) => b,
        None => return false,
    };
    let mut ok_before = false;
    for (n, c) in before.chars().rev().enumerate() {
        if !is_wc(c) {
            ok_before = true;
            break;
        }
        if n >= 3 || !matches!(c, 'و' | 'ف' | 'ب' | 'ل' | 'ا' | 'ك') {
            break;
        }
    }
    if before.is_empty() {
        ok_before = true;
    } else if !ok_before {
        // reached the start of the text through proclitics only
        let all_clitic = before.chars().count() <= 3
            && before
                .chars()
                .all(|c| matches!(c, 'و' | 'ف' | 'ب' | 'ل' | 'ا' | 'ك'));
        ok_before = all_clitic;
    }
    if !ok_before {
        return false;
    }
    match next_char(text, e) {
        None => true,
        Some(c) if !is_wc(c) => true,
        Some('م') if year_end => !next_char(text, e + 'م'.len_utf8()).is_some_and(is_wc),
        Some(_) => false,
    }
}

pub(super) fn parse_num(s: &str) -> Option<u32> {
    let mut v: u32 = 0;
    let mut any = false;
    for c in s.chars() {
        let d = match c {
            '0'..='9' => c as u32 - '0' as u32,
            '\u{0660}'..='\u{0669}' => c as u32 - 0x0660,
            '\u{06F0}'..='\u{06F9}' => c as u32 - 0x06F0,
            _ => return None,
        };
        v = v.checked_mul(10)?.checked_add(d)?;
        any = true;
    }
    if any {
        Some(v)
    } else {
        None
    }
}

pub(super) fn word_num(s: &str) -> Option<i64> {
    if let Some(n) = parse_num(s) {
        return Some(n as i64);
    }
    let l = s.to_lowercase();
    Some(match l.as_str() {
        "a" | "an" | "one" | "un" | "une" => 1,
        "two" | "deux" => 2,
        "three" | "trois" => 3,
        "four" | "quatre" => 4,
        "five" | "cinq" => 5,
        "six" => 6,
        "seven" | "sept" => 7,
        "eight" | "huit" => 8,
        "nine" | "neuf" => 9,
        "ten" | "dix" => 10,
        "eleven" | "onze" => 11,
        "twelve" | "douze" => 12,
        "fifteen" | "quinze" => 15,
        "twenty" | "vingt" => 20,
        "thirty" | "trente" => 30,
        _ => return None,
    })
}

pub(super) fn unit_of(s: &str) -> Option<Unit> {
    let l = s.to_lowercase();
    if l.starts_with("day") || l.starts_with("jour") {
        Some(Unit::Day)
    } else if l.starts_with("week") || l.starts_with("semaine") {
        Some(Unit::Week)
    } else if l.starts_with("month") || l == "mois" {
        Some(Unit::Month)
    } else if l.starts_with("year") || l.starts_with("an") {
        Some(Unit::Year)
    } else {
        None
    }
}

pub(super) fn num(c: &Captures<'_>, name: &str) -> Option<u32> {
    c.name(name).and_then(|m| parse_num(m.as_str()))
}

pub(super) fn valid_year(y: u32) -> Option<i32> {
    if (1900..=2099).contains(&y) {
        Some(y as i32)
    } else {
        None
    }
}

pub(super) fn en_month(s: &str) -> Option<u32> {
    let mut it = s.chars().map(|c| c.to_ascii_lowercase());
    let k = [it.next()?, it.next()?, it.next()?];
    Some(match k {
        ['j', 'a', 'n'] => 1,
        ['f', 'e', 'b'] => 2,
        ['m', 'a', 'r'] => 3,
        ['a', 'p', 'r'] => 4,
        ['m', 'a', 'y'] => 5,
        ['j', 'u', 'n'] => 6,
        ['j', 'u', 'l'] => 7,
        ['a', 'u', 'g'] => 8,
        ['s', 'e', 'p'] => 9,
        ['o', 'c', 't'] => 10,
        ['n', 'o', 'v'] => 11,
        ['d', 'e', 'c'] => 12,
        _ => return None,
    })
}

pub(super) fn fr_month(s: &str) -> Option<u32> {
    let l = s.to_lowercase();
    let l = l.as_str();
    Some(if l.starts_with("jan") {
        1
    } else if l.starts_with('f') {
        2
    } else if l.starts_with("mar") {
        3
    } else if l.starts_with("av") {
        4
    } else if l.starts_with("mai") {
        5
    } else if l.starts_with("juin") {
        6
    } else if l.starts_with("juil") {
        7
    } else if l.starts_with("ao") {
        8
    } else if l.starts_with("sep") {
        9
    } else if l.starts_with("oct") {
        10
    } else if l.starts_with("nov") {
        11
    } else if l.starts_with('d') {
        12
    } else {
        return None;
    })
}

pub(super) fn ar_norm(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'أ' | 'إ' | 'آ' => 'ا',
            'ه' => 'و', // يونيه / يوليه -> يونيو / يوليو
            _ => c,
        })
        .filter(|c| !c.is_whitespace())
        .collect()
}

pub(super) fn ar_month(s: &str) -> Option<u32> {
    let n = ar_norm(s);
    if n.starts_with("كانون") {
        return Some(if n.contains("ثاني") { 1 } else { 12 });
    }
    if n.starts_with("تشرين") {
        return Some(if n.contains("ثاني") { 11 } else { 10 });
    }
    const T: &[(&str, u32)] = &[
        ("يناير", 1),
        ("فبراير", 2),
        ("شباط", 2),
        ("مارس", 3),
        ("اذار", 3),
        ("ابريل", 4),
        ("نيسان", 4),
        ("مايو", 5),
        ("ايار", 5),
        ("يونيو", 6),
        ("حزيران", 6),
        ("يوليو", 7),
        ("تموز", 7),
        ("اغسطس", 8),
        ("اب", 8),
        ("سبتمبر", 9),
        ("ايلول", 9),
        ("اكتوبر", 10),
        ("نوفمبر", 11),
        ("ديسمبر", 12),
    ];
    T.iter().find(|(k, _)| *k == n).map(|(_, v)| *v)
}

pub(super) fn en_weekday(s: &str) -> Option<Weekday> {
    let mut it = s.chars().map(|c| c.to_ascii_lowercase());
    let k = [it.next()?, it.next()?];
    Some(match k {
        ['m', 'o'] => Weekday::Mon,
        ['t', 'u'] => Weekday::Tue,
        ['w', 'e'] => Weekday::Wed,
        ['t', 'h'] => Weekday::Thu,
        ['f', 'r'] => Weekday::Fri,
        ['s', 'a'] => Weekday::Sat,
        ['s', 'u'] => Weekday::Sun,
        _ => return None,
    })
}

pub(super) fn fr_weekday(s: &str) -> Option<Weekday> {
    let l = s.to_lowercase();
    Some(if l.starts_with("lun") {
        Weekday::Mon
    } else if l.starts_with("mar") {
        Weekday::Tue
    } else if l.starts_with("mer") {
        Weekday::Wed
    } else if l.starts_with("jeu") {
        Weekday::Thu
    } else if l.starts_with("ven") {
        Weekday::Fri
    } else if l.starts_with("sam") {
        Weekday::Sat
    } else if l.starts_with("dim") {
        Weekday::Sun
    } else {
        return None;
    })
}

pub(super) fn ar_weekday(s: &str) -> Option<Weekday> {
    let n = ar_norm(s);
    Some(match n.as_str() {
        "الاثنين" => Weekday::Mon,
        "الثلاثاء" => Weekday::Tue,
        "الاربعاء" => Weekday::Wed,
        "الخميس" => Weekday::Thu,
        "الجمعة" => Weekday::Fri,
        "السبت" => Weekday::Sat,
        "الاحد" => Weekday::Sun,
        _ => return None,
    })
}

pub(super) fn season_of(s: &str) -> Option<Season> {
    let l = s.to_lowercase();
    Some(if l.contains("summer") || l.contains("été") {
        Season::Summer
    } else if l.contains("winter") || l.contains("hiver") {
        Season::Winter
    } else if l.contains("spring") || l.contains("printemps") {
        Season::Spring
    } else if l.contains("autumn") || l.contains("fall") || l.contains("automne") {
        Season::Autumn
    } else {
        return None;
    })
}

/// The word (run of non-whitespace characters) ending right before `pos`,
/// skipping whitespace. Empty when there is none.
pub(super) fn prev_word(text: &str, pos: usize) -> &str {
    let before = match text.get(..pos) {
        Some(b) => b.trim_end(),
        None => return "",
    };
    let start = before
        .char_indices()
        .rev()
        .find(|(_, c)| c.is_whitespace())
        .map(|(i, c)| i + c.len_utf8())
        .unwrap_or(0);
    &before[start..]
}

/// The word starting after `pos`, skipping whitespace; letters only.
pub(super) fn next_word(text: &str, pos: usize) -> &str {
    let after = match text.get(pos..) {
        Some(a) => a.trim_start(),
        None => return "",
    };
    let end = after
        .char_indices()
        .find(|(_, c)| !c.is_alphabetic())
        .map(|(i, _)| i)
        .unwrap_or(after.len());
    &after[..end]
}

pub(super) fn trim_punct(w: &str) -> &str {
    w.trim_matches(|c: char| !c.is_alphanumeric() && c != '°' && c != 'º' && c != '#')
}

pub(super) fn eq_any(w: &str, list: &[&str]) -> bool {
    if w.is_empty() || w.len() > 40 {
        return false;
    }
    if w.is_ascii() {
        return list.iter().any(|x| x.eq_ignore_ascii_case(w));
    }
    let l = w.to_lowercase();
    list.iter().any(|x| *x == l)
}

// ---------------------------------------------------------------------------
// The windowed scan: run a pattern, check its edges once
// ---------------------------------------------------------------------------

pub(super) fn scan<'t>(
    pat: &Pat,
    text: &'t str,
    tr: &Triggers,
    out: &mut Vec<Cand>,
    mut f: impl FnMut(&Captures<'t>) -> Option<Cand>,
) {
    let mut regions = Vec::new();
    tr.regions(text, pat, &mut regions);
    let re = &pat.re;
    let mut pos = 0usize;
    for (rs, re_end) in regions {
        // No match crosses a region's end (see `Triggers`), so searching the text cut
        // there finds the same matches: the patterns look at nothing past their match.
        let hay = &text[..re_end];
        pos = pos.max(rs);
        while pos <= hay.len() {
            let c = match re.captures_at(hay, pos) {
                Some(c) => c,
                None => break,
            };
            let (ms, me) = match c.get(0) {
                Some(m) => (m.start(), m.end()),
                None => break,
            };
            let found = if pat.edge.ok(text, ms, me) {
                f(&c)
            } else {
                None
            };
            match found {
                Some(mut k) if me > ms => {
                    if k.md.is_none() {
                        k.md = c.name("mod").and_then(|g| mod_of(g.as_str()));
                    }
                    out.push(k);
                    pos = me;
                }
                _ => {
                    let step = next_char(text, ms).map_or(1, |ch| ch.len_utf8());
                    pos = ms + step;
                }
            }
        }
    }
}
