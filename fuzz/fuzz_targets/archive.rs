//! The zip and tar.gz readers of `sitrep ingest` (crates/sitrep-collect/src/archive.rs,
//! compiled in with #[path]). They take a path, so the input is written to a scratch file
//! first; the first byte picks the format. Caps must hold and no unsafe name may be read.
#![no_main]

#[path = "../../crates/sitrep-collect/src/archive.rs"]
#[allow(dead_code, missing_docs)]
mod archive;

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

const CAPS: archive::Caps = archive::Caps {
    entry: 1 << 16,
    total: 1 << 18,
    entries: 64,
};

fn scratch() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let base = if std::path::Path::new("/dev/shm").is_dir() {
            PathBuf::from("/dev/shm")
        } else {
            std::env::temp_dir()
        };
        base.join(format!("sitrep-fuzz-archive-{}", std::process::id()))
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&first, bytes)) = data.split_first() else {
        return;
    };
    let path = scratch();
    std::fs::write(path, bytes).expect("scratch file");
    let got = if first & 1 == 0 {
        archive::read_zip(path, &CAPS)
    } else {
        archive::read_tar_gz(path, &CAPS)
    };
    if let Ok(members) = got {
        assert!(members.len() <= CAPS.entries);
        let mut total = 0u64;
        for m in &members {
            if let Ok(b) = &m.bytes {
                assert!(archive::unsafe_name(&m.name).is_none(), "read {:?}", m.name);
                assert!(b.len() as u64 <= CAPS.entry);
                total += b.len() as u64;
            }
        }
        assert!(total <= CAPS.total, "{total} bytes in all");
    }
});
