//! The temporal tagger: `tag` in the three languages, with and without an anchor, and
//! `find_publication_date`. The first byte picks the language and whether there is an
//! anchor (one `tag` call per execution keeps the fuzzer fast); bytes 1 and 2 pick the
//! anchor; the whole input, lossily decoded, is the text.
//!
//! Spans must lie on char boundaries inside the text and match the surface text, be sorted
//! and never overlap; ranges must be ordered; nothing may be relative without an anchor.
#![no_main]

use chrono::{Days, NaiveDate};
use libfuzzer_sys::fuzz_target;
use sitrep_core::extract::time::{find_publication_date, tag, TimeLang};

fuzz_target!(|data: &[u8]| {
    let Some(&first) = data.first() else {
        return;
    };
    let lang = [TimeLang::En, TimeLang::Fr, TimeLang::Ar][usize::from(first % 3)];
    // An anchor between 1900 and 2079, unless bit 2 of the first byte is set.
    let anchor = match data {
        [f, a, b, ..] if f & 4 == 0 => NaiveDate::from_ymd_opt(1900, 1, 1)
            .and_then(|d| d.checked_add_days(Days::new(u64::from(u16::from_le_bytes([*a, *b]))))),
        _ => None,
    };
    let text = String::from_utf8_lossy(data);
    let text = text.as_ref();
    let found = tag(text, lang, anchor);
    let mut last_end = 0;
    for e in &found {
        assert!(
            e.start <= e.end && e.end <= text.len(),
            "{e:?} out of the text"
        );
        assert!(
            text.is_char_boundary(e.start) && text.is_char_boundary(e.end),
            "{e:?}"
        );
        assert_eq!(&text[e.start..e.end], e.text, "surface text");
        assert!(
            e.start >= last_end,
            "overlapping or unsorted spans: {found:?}"
        );
        last_end = e.end;
        if let Some(span) = e.span {
            assert!(span.first <= span.last, "{e:?}");
        }
        assert!(
            anchor.is_some() || !e.relative,
            "relative without an anchor: {e:?}"
        );
    }
    if let Some((_, start, end)) = find_publication_date(text) {
        assert!(start <= end && end <= text.len());
        assert!(text.is_char_boundary(start) && text.is_char_boundary(end));
    }
});
