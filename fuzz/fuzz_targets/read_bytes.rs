//! Every reader, through `read_bytes`: content sniffing, encoding detection, HTML, Markdown,
//! PDF, RSS/Atom. The first byte picks the extension hint; the reader may refuse the input
//! but must not panic, and must never return empty documents.
#![no_main]

mod contained;

use libfuzzer_sys::fuzz_target;
use sitrep_core::read::{read_bytes, ReadOptions};

const EXTS: [&str; 6] = ["", "txt", "html", "md", "pdf", "xml"];

fuzz_target!(init: contained::allow_contained_panics(), |data: &[u8]| {
    let Some((&first, bytes)) = data.split_first() else {
        return;
    };
    let ext = EXTS[usize::from(first) % EXTS.len()];
    let opts = ReadOptions {
        max_bytes: 1 << 20,
        ..ReadOptions::default()
    };
    if let Ok(docs) = read_bytes("fuzz", bytes, ext, &opts) {
        assert!(!docs.is_empty());
        for d in &docs {
            assert!(!d.text.trim().is_empty(), "an empty document was returned");
        }
    }
});
