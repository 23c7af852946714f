//! The ingest journal: which sources the workers are reading right now, appended to
//! `ingest.journal` in the data folder (one line when a source starts, one when it ends).
//! A source that takes the process down (an abort, an out-of-memory kill) leaves its start
//! line without an end; the next run marks it failed with the reason, and re-runs skip it
//! until `--retry-failed`, instead of every re-run dying on it.
//!
//! A death while several sources were in flight, or while one was (a `kill -9` or a
//! Ctrl-C is a death too), names no culprit: the next run reads those suspects first, one
//! at a time, marked as such in the journal, and only a source that dies again while read
//! alone is marked failed. An interrupted ingest thus loses nothing; a source that kills
//! the process costs one more death before it is skipped.

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

/// The reason recorded for a source that was being read when the process died.
pub(crate) const CRASH_REASON: &str = "the process stopped while reading it in an earlier run (a crash, or killed for memory); skipped until --retry-failed";

/// What a dead run left in flight.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Leftover {
    /// The source that took the process down, when known, with its content hash.
    pub culprit: Option<(String, String)>,
    /// Sources in flight together when it died: one of them did.
    pub suspects: Vec<String>,
}

/// The journal of this run.
pub(crate) struct Journal {
    path: PathBuf,
    file: File,
    solo: AtomicBool,
}

impl Journal {
    /// Reads what a previous run left in `dir`, then starts an empty journal.
    pub(crate) fn open(dir: &Path) -> std::io::Result<(Journal, Leftover)> {
        let path = dir.join("ingest.journal");
        let left = match std::fs::read(&path) {
            Ok(b) => parse(&String::from_utf8_lossy(&b)),
            Err(_) => Leftover::default(),
        };
        let file = OpenOptions::new()
            .create(true)
            .write(true)
            .truncate(true)
            .open(&path)?;
        drop(file);
        let file = OpenOptions::new().append(true).open(&path)?;
        Ok((
            Journal {
                path,
                file,
                solo: AtomicBool::new(false),
            },
            left,
        ))
    }

    /// Marks the sources read from now on as read one at a time (or not).
    pub(crate) fn set_solo(&self, solo: bool) {
        self.solo.store(solo, Ordering::SeqCst);
    }

    /// A worker starts reading `key` (content hash `hash`).
    pub(crate) fn start(&self, key: &str, hash: &str) {
        let solo = if self.solo.load(Ordering::SeqCst) {
            's'
        } else {
            'p'
        };
        self.line(&format!("+ {solo} {hash} {}\n", quote(key)));
    }

    /// A worker is done with `key`.
    pub(crate) fn end(&self, key: &str) {
        self.line(&format!("- {}\n", quote(key)));
    }

    /// One `write` with `O_APPEND`: lines from several workers do not interleave. The
    /// journal is a safety net: a failed write does not stop the ingest.
    fn line(&self, l: &str) {
        let _ = (&self.file).write_all(l.as_bytes());
    }

    /// The run ended normally: nothing is in flight.
    pub(crate) fn close(self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// A key on one line (names from outside may hold newlines).
fn quote(key: &str) -> String {
    serde_json::to_string(key).unwrap_or_default()
}

fn parse(text: &str) -> Leftover {
    let mut open: HashMap<String, (String, bool)> = HashMap::new();
    let mut order = Vec::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("+ ") {
            let mut parts = rest.splitn(3, ' ');
            let (Some(mode), Some(hash), Some(key)) = (parts.next(), parts.next(), parts.next())
            else {
                continue;
            };
            if let Ok(key) = serde_json::from_str::<String>(key) {
                order.push(key.clone());
                open.insert(key, (hash.to_string(), mode == "s"));
            }
        } else if let Some(key) = line.strip_prefix("- ") {
            if let Ok(key) = serde_json::from_str::<String>(key) {
                open.remove(&key);
            }
        }
    }
    order.retain(|k| open.contains_key(k));
    order.dedup();
    let solo = order.iter().find(|k| open.get(*k).is_some_and(|(_, s)| *s));
    let culprit = solo.cloned();
    match culprit {
        Some(k) => {
            let hash = open.remove(&k).map(|(h, _)| h).unwrap_or_default();
            Leftover {
                culprit: Some((k, hash)),
                suspects: Vec::new(),
            }
        }
        None => Leftover {
            culprit: None,
            suspects: order,
        },
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_source_that_dies_alone_twice_is_the_culprit() {
        // One death (it may have been a kill -9): a suspect only.
        let t = "+ p aa \"a.pdf\"\n+ p bb \"b\\nc.html\"\n- \"a.pdf\"\n";
        assert_eq!(
            parse(t),
            Leftover {
                culprit: None,
                suspects: vec!["b\nc.html".into()],
            }
        );
        // Read alone as a suspect, and died again.
        let t = "+ s bb \"b\\nc.html\"\n";
        assert_eq!(parse(t).culprit, Some(("b\nc.html".into(), "bb".into())));
        assert_eq!(parse("+ p aa \"a\"\n- \"a\"\n"), Leftover::default());
    }

    #[test]
    fn several_in_flight_are_suspects_until_one_dies_alone() {
        let t = "+ p aa \"a\"\n+ p bb \"b\"\n";
        let l = parse(t);
        assert_eq!(l.culprit, None);
        assert_eq!(l.suspects, vec!["a".to_string(), "b".to_string()]);
        let t = "+ s aa \"a\"\n- \"a\"\n+ s bb \"b\"\n";
        assert_eq!(parse(t).culprit, Some(("b".into(), "bb".into())));
        // A torn last line is ignored.
        assert_eq!(parse("+ p aa \"a\"\n+ p b").suspects, vec!["a".to_string()]);
    }

    #[test]
    fn a_journal_survives_the_run_that_wrote_it_until_closed() {
        let dir = tempfile::tempdir().unwrap();
        let (j, left) = Journal::open(dir.path()).unwrap();
        assert_eq!(left, Leftover::default());
        j.set_solo(true);
        j.start("x.pdf", "h1");
        j.start("y.pdf", "h2");
        j.end("y.pdf");
        drop(j); // as if the process died here
        let (j, left) = Journal::open(dir.path()).unwrap();
        assert_eq!(left.culprit, Some(("x.pdf".into(), "h1".into())));
        j.close();
        assert!(!dir.path().join("ingest.journal").exists());
    }
}
