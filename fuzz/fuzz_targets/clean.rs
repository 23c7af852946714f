//! The cleaner: every cleaned offset (and the end) must map inside the original text, every
//! cleaned char boundary to an original char boundary, and block spans must be ordered and
//! lie on char boundaries inside the cleaned text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sitrep_core::clean::clean;

fuzz_target!(|data: &[u8]| {
    let raw = String::from_utf8_lossy(data);
    let raw = raw.as_ref();
    let c = clean(raw);
    for i in 0..=c.text.len() {
        let o = c.offsets.to_original(i);
        assert!(
            o <= raw.len(),
            "cleaned offset {i} maps to {o}, past {}",
            raw.len()
        );
        if c.text.is_char_boundary(i) {
            assert!(
                raw.is_char_boundary(o),
                "cleaned char boundary {i} maps to {o}, inside a character"
            );
        }
    }
    for (span, _) in &c.blocks {
        assert!(
            span.start <= span.end && span.end <= c.text.len(),
            "block {span:?}"
        );
        assert!(c.text.is_char_boundary(span.start) && c.text.is_char_boundary(span.end));
    }
});
