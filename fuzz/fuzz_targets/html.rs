//! The HTML reader on arbitrary (lossily decoded) markup.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sitrep_core::read::html_to_text;

fuzz_target!(|data: &[u8]| {
    let html = String::from_utf8_lossy(data);
    let _ = html_to_text(&html);
});
