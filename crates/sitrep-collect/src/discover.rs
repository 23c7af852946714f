//! Discovery: the inputs of a run (files, folders, archives, WARC files, URLs) expanded
//! into jobs, in a stable order. Folders are walked in name order without hidden entries
//! or symbolic links; archives and WARC files are read here, with their limits, into one
//! job per member; what cannot be read becomes a refused job that names why.

use std::path::{Path, PathBuf};

use crate::archive::{kind_of, read_tar_gz, read_warc, read_zip, Caps, Kind};

/// One thing to ingest.
pub(crate) enum Job {
    /// A file on disk.
    File { key: String, path: PathBuf },
    /// Bytes already read (an archive member, a WARC record).
    Bytes {
        key: String,
        bytes: Vec<u8>,
        ext: String,
    },
    /// A URL to fetch.
    Url(String),
    /// Something refused before processing.
    Refused { key: String, reason: String },
}

impl Job {
    pub(crate) fn key(&self) -> &str {
        match self {
            Job::File { key, .. } | Job::Bytes { key, .. } | Job::Refused { key, .. } => key,
            Job::Url(u) => u,
        }
    }
}

/// The extension of a name or URL, lower-cased (`""` without one).
pub(crate) fn ext_of(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let base = base.split(['?', '#']).next().unwrap_or(base);
    base.rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default()
}

/// True for http(s) URLs.
pub(crate) fn is_url(s: &str) -> bool {
    let l = s.to_ascii_lowercase();
    l.starts_with("http://") || l.starts_with("https://")
}

/// Why an input that is neither a file nor a folder is refused.
pub const NOT_REGULAR: &str =
    "not a regular file (a FIFO, socket or device); copy it to a file to read it";

/// Expands the command-line inputs into jobs, in a stable order.
pub(crate) fn discover(inputs: &[String], caps: &Caps, jobs: &mut Vec<Job>) {
    for input in inputs {
        if is_url(input) {
            jobs.push(Job::Url(input.clone()));
            continue;
        }
        let path = Path::new(input);
        match std::fs::metadata(path) {
            Ok(md) if md.is_dir() => match std::fs::canonicalize(path) {
                Ok(root) => walk(&root, true, caps, jobs),
                Err(_) => walk(path, false, caps, jobs),
            },
            Ok(md) if md.is_file() => file_job(path, key_of(path), caps, jobs),
            // Opening a FIFO waits for a writer: refused rather than hanging the batch.
            Ok(_) => jobs.push(Job::Refused {
                key: input.clone(),
                reason: NOT_REGULAR.to_string(),
            }),
            Err(e) => jobs.push(Job::Refused {
                key: input.clone(),
                reason: format!("cannot read: {e}"),
            }),
        }
    }
}

/// Adds the files under `dir`, recursively, in name order; hidden entries and symbolic
/// links are left out. When `canonical`, `dir` is already a canonical path, and so is every
/// path under it (no link is followed), so a file's key is its path as it is: one
/// `canonicalize` per file was most of the time spent listing a large folder.
fn walk(dir: &Path, canonical: bool, caps: &Caps, jobs: &mut Vec<Job>) {
    let mut refused = Vec::new();
    visit_files(
        dir,
        &mut |p: &Path| {
            let key = if canonical {
                p.display().to_string()
            } else {
                key_of(p)
            };
            file_job(p, key, caps, jobs);
        },
        &mut |d: &Path, e: std::io::Error| {
            refused.push(Job::Refused {
                key: d.display().to_string(),
                reason: format!("cannot read folder: {e}"),
            })
        },
    );
    jobs.append(&mut refused);
}

/// Calls `on_file` for every regular file under `dir`, recursively, in name order, and
/// `on_error` for every folder that cannot be listed; hidden entries and symbolic links
/// are left out. The entry types come from the directory listing itself, not from a
/// `stat` per entry.
pub(crate) fn visit_files(
    dir: &Path,
    on_file: &mut dyn FnMut(&Path),
    on_error: &mut dyn FnMut(&Path, std::io::Error),
) {
    let mut entries: Vec<(PathBuf, std::fs::FileType)> = match std::fs::read_dir(dir) {
        Ok(rd) => rd
            .filter_map(|e| {
                let e = e.ok()?;
                Some((e.path(), e.file_type().ok()?))
            })
            .collect(),
        Err(e) => {
            on_error(dir, e);
            return;
        }
    };
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    for (p, kind) in entries {
        let hidden = p
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with('.'));
        if hidden {
            continue;
        }
        if kind.is_dir() {
            visit_files(&p, on_file, on_error);
        } else if kind.is_file() {
            on_file(&p);
        }
    }
}

/// A file's key: its canonical path, or the path as given when it cannot be resolved.
fn key_of(path: &Path) -> String {
    std::fs::canonicalize(path)
        .unwrap_or_else(|_| path.to_path_buf())
        .display()
        .to_string()
}

/// Adds one file, or the members of an archive, under `key` (the file's canonical path).
fn file_job(path: &Path, key: String, caps: &Caps, jobs: &mut Vec<Job>) {
    let Some(kind) = kind_of(path) else {
        jobs.push(Job::File {
            key,
            path: path.to_path_buf(),
        });
        return;
    };
    let members = match kind {
        Kind::Zip => read_zip(path, caps),
        Kind::TarGz => read_tar_gz(path, caps),
        Kind::Warc => read_warc(path, caps),
    };
    match members {
        Err(reason) => jobs.push(Job::Refused { key, reason }),
        Ok(members) => {
            for m in members {
                let mkey = if kind == Kind::Warc {
                    format!("{key}!{}", m.name)
                } else {
                    format!("{key}!/{}", m.name)
                };
                match m.bytes {
                    Ok(bytes) => jobs.push(Job::Bytes {
                        ext: ext_of(&m.name),
                        key: mkey,
                        bytes,
                    }),
                    Err(reason) => jobs.push(Job::Refused { key: mkey, reason }),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions() {
        assert_eq!(ext_of("/a/b/c.HTML"), "html");
        assert_eq!(ext_of("https://x.org/feed.xml?x=1"), "xml");
        assert_eq!(ext_of("noext"), "");
    }

    #[test]
    fn folders_are_walked_in_name_order_without_hidden_files() {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path();
        std::fs::create_dir_all(root.join("sub")).expect("mkdir");
        std::fs::write(root.join("b.txt"), "b").expect("write");
        std::fs::write(root.join("a.html"), "a").expect("write");
        std::fs::write(root.join("sub/c.md"), "c").expect("write");
        std::fs::write(root.join(".hidden"), "h").expect("write");
        let caps = Caps {
            entry: 1024,
            total: 4096,
            entries: 10,
        };
        let mut jobs = Vec::new();
        discover(
            &[
                root.display().to_string(),
                "https://example.org/feed.xml".into(),
                root.join("missing.txt").display().to_string(),
            ],
            &caps,
            &mut jobs,
        );
        let keys: Vec<&str> = jobs.iter().map(Job::key).collect();
        assert_eq!(keys.len(), 5, "{keys:?}");
        assert!(
            keys[0].ends_with("a.html") && keys[1].ends_with("b.txt"),
            "{keys:?}"
        );
        assert!(keys[2].ends_with("c.md"), "{keys:?}");
        assert_eq!(keys[3], "https://example.org/feed.xml");
        assert!(!keys.iter().any(|k| k.contains(".hidden")), "{keys:?}");
        assert!(
            matches!(&jobs[4], Job::Refused { reason, .. } if reason.starts_with("cannot read"))
        );
    }
}
