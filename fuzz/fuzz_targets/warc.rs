//! The WARC parser of `sitrep ingest` (crates/sitrep-collect/src/archive.rs, compiled in with
//! #[path], without the rest of sitrep-collect): records, HTTP bodies, de-chunking and gzip,
//! under small caps that must be respected.
#![no_main]

#[path = "../../crates/sitrep-collect/src/archive.rs"]
#[allow(dead_code, missing_docs)]
mod archive;

use libfuzzer_sys::fuzz_target;

const CAPS: archive::Caps = archive::Caps {
    entry: 1 << 16,
    total: 1 << 18,
    entries: 64,
};

fuzz_target!(|data: &[u8]| {
    if let Ok(members) = archive::parse_warc(data, &CAPS) {
        assert!(members.len() <= CAPS.entries, "{} records", members.len());
        for m in &members {
            if let Ok(b) = &m.bytes {
                assert!(b.len() as u64 <= CAPS.entry, "body of {} bytes", b.len());
            }
        }
    }
});
