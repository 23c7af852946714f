//! The actors-file parser (TOML `[[actor]]` tables) on an empty knowledge base; errors are
//! fine, panics are not (the error line number is computed from the TOML span).
#![no_main]

use libfuzzer_sys::fuzz_target;
use sitrep_core::kb::Kb;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut kb = Kb::default();
    let _ = kb.load_actors(text, "fuzz.toml");
});
