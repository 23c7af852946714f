//! A disk that fills under the search index: the index's tantivy directory is a RAM
//! directory whose writes fail with `StorageFull` past a byte budget, the error a real full
//! disk gives. Without root no test can fill a real file system, so this is what runs here.

#![allow(clippy::unwrap_used)]

use std::io::{self, BufWriter, Write};
use std::path::Path;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use sitrep_core::{Pipeline, PipelineOptions};
use tantivy::directory::error::{DeleteError, OpenReadError, OpenWriteError};
use tantivy::directory::{
    AntiCallToken, FileHandle, RamDirectory, TerminatingWrite, WatchCallback, WatchHandle, WritePtr,
};
use tantivy::Directory;

use crate::db::SqliteStore;
use crate::index::SearchIndex;
use crate::{dedup, Error, PreparedDoc, SourceWrite, Store};

/// A RAM directory with a shared budget of bytes it may still write.
#[derive(Clone, Debug)]
struct FillingDisk {
    inner: RamDirectory,
    left: Arc<AtomicI64>,
}

fn charge(left: &AtomicI64, n: usize) -> io::Result<()> {
    let n = n as i64;
    if left.fetch_sub(n, Ordering::SeqCst) < n {
        left.fetch_add(n, Ordering::SeqCst);
        return Err(io::Error::new(
            io::ErrorKind::StorageFull,
            "No space left on device (os error 28)",
        ));
    }
    Ok(())
}

struct Capped {
    inner: WritePtr,
    left: Arc<AtomicI64>,
}

impl Write for Capped {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        charge(&self.left, buf.len())?;
        self.inner.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

impl TerminatingWrite for Capped {
    fn terminate_ref(&mut self, token: AntiCallToken) -> io::Result<()> {
        self.inner.terminate_ref(token)
    }
}

impl Directory for FillingDisk {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        self.inner.get_file_handle(path)
    }
    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        self.inner.delete(path)
    }
    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.inner.exists(path)
    }
    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        let inner = self.inner.open_write(path)?;
        Ok(BufWriter::new(Box::new(Capped {
            inner,
            left: self.left.clone(),
        })))
    }
    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.inner.atomic_read(path)
    }
    fn atomic_write(&self, path: &Path, data: &[u8]) -> io::Result<()> {
        charge(&self.left, data.len())?;
        self.inner.atomic_write(path, data)
    }
    fn sync_directory(&self) -> io::Result<()> {
        self.inner.sync_directory()
    }
    fn watch(&self, cb: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.inner.watch(cb)
    }
}

fn source_write(p: &Pipeline, i: usize) -> SourceWrite {
    let source = format!("report-{i:02}.txt");
    // distinct words per report, so that every report adds to the index
    let words: Vec<String> = (0..400).map(|k| format!("w{i}x{k}")).collect();
    let text = format!("Report {i}. Troops moved north. {}.", words.join(" "));
    let doc = p
        .process_bytes(&source, text.as_bytes(), "txt")
        .unwrap()
        .remove(0);
    SourceWrite {
        source: source.clone(),
        content_hash: dedup::sha256_hex(source.as_bytes()),
        original: text.into_bytes(),
        docs: vec![PreparedDoc::new(doc).unwrap()],
    }
}

#[test]
fn a_full_disk_under_the_index_names_the_source_and_loses_nothing() {
    let left = Arc::new(AtomicI64::new(i64::MAX / 2));
    let disk = FillingDisk {
        inner: RamDirectory::create(),
        left: left.clone(),
    };
    let index = SearchIndex::in_directory(disk).unwrap();
    let mut store = Store::with_engine(
        Box::new(SqliteStore::open_in_memory().unwrap()),
        Box::new(index),
    );
    let p = Pipeline::new(PipelineOptions::default()).unwrap();
    // Room for a few commits, not for 200 reports.
    left.store(60_000, Ordering::SeqCst);
    let mut failure = None;
    for i in 0..200 {
        let w = source_write(&p, i);
        if let Err(e) = store.write(&w).and_then(|_| store.sync_index().map(|_| ())) {
            failure = Some((i, e));
            break;
        }
    }
    let (failed_at, e) = failure.expect("the index's disk fills up");
    assert!(e.is_full(), "not read as a full disk: {e}");
    assert!(matches!(e, Error::Full { .. }), "{e:?}");
    let msg = e.to_string();
    assert!(
        msg.starts_with("the search index")
            && msg.contains("not written, the disk or the store is full")
            && msg.contains("free some space"),
        "{msg}"
    );
    assert!(
        !msg.contains("index writer was killed"),
        "the worker's own error is reported: {msg}"
    );
    // Every report up to the failed one is stored in the database.
    assert_eq!(store.document_count().unwrap(), failed_at as u64 + 1);
    // With room again, the next sync indexes exactly what the database holds.
    left.store(i64::MAX / 2, Ordering::SeqCst);
    store.sync_index().unwrap();
    assert_eq!(store.indexed_count(), failed_at as u64 + 1);
    let hits = store
        .count(&format!("w{failed_at}x7"), &Default::default())
        .unwrap();
    assert_eq!(hits, 1, "the report written when the disk filled is found");
}

#[test]
fn a_writer_killed_by_a_full_disk_reports_its_own_error_on_the_next_add() {
    // One report per write, no commit in between: the failure surfaces in `add_document`
    // (the worker died flushing its segment), not in a commit.
    let left = Arc::new(AtomicI64::new(i64::MAX / 2));
    let disk = FillingDisk {
        inner: RamDirectory::create(),
        left: left.clone(),
    };
    let mut index = SearchIndex::in_directory(disk).unwrap();
    let p = Pipeline::new(PipelineOptions::default()).unwrap();
    left.store(0, Ordering::SeqCst);
    let mut err = None;
    for i in 0..400 {
        let w = source_write(&p, i);
        let r = index.put(i as i64, &w.docs[0].doc, &[]).and_then(|_| {
            if i % 50 == 49 {
                index.commit()
            } else {
                Ok(())
            }
        });
        if let Err(e) = r {
            err = Some(e);
            break;
        }
    }
    let e = err.expect("writing with no room fails");
    assert!(e.is_full(), "not read as a full disk: {e}");
    assert!(
        !e.to_string().contains("index writer was killed"),
        "the worker's own error is reported: {e}"
    );
}
