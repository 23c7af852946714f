//! One report given as bytes rather than found by discovery (the server's
//! `POST /api/v1/ingest`): read with the same pipeline as a batch, written as one source and
//! indexed at once. Preparing needs no store, so a caller that shares its store holds it
//! only for [`write_now`].

use sitrep_core::Pipeline;
use sitrep_store::dedup::sha256_hex;
use sitrep_store::{DocOutcome, PreparedDoc, SourceWrite, Store};

/// Why one report was not stored.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The bytes are not a readable report (binary, empty, too large, too deep).
    #[error("{name}: {error}")]
    Unreadable {
        /// The source name given to the report.
        name: String,
        /// What the reader or pipeline said.
        error: sitrep_core::Error,
    },
    /// The store failed.
    #[error(transparent)]
    Store(#[from] sitrep_store::Error),
}

/// Reads a report's bytes into a source ready to write, named `source`; `ext` hints the
/// format (the bytes are sniffed first).
pub fn prepare(
    pipeline: &Pipeline,
    source: &str,
    bytes: &[u8],
    ext: &str,
) -> Result<SourceWrite, ReportError> {
    let docs = pipeline
        .process_bytes(source, bytes, ext)
        .map_err(|error| ReportError::Unreadable {
            name: source.to_string(),
            error,
        })?;
    let prepared = docs
        .into_iter()
        .map(PreparedDoc::new)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(SourceWrite {
        source: source.to_string(),
        content_hash: sha256_hex(bytes),
        original: bytes.to_vec(),
        docs: prepared,
    })
}

/// Writes a prepared source and syncs the index, so the documents are searchable when it
/// returns. One outcome per document of `w`, in order.
pub fn write_now(store: &mut Store, w: &SourceWrite) -> Result<Vec<DocOutcome>, ReportError> {
    let out = store.write(w)?;
    store.sync_index()?;
    Ok(out)
}

/// The ids of the documents stored (not the duplicates) among `outcomes`.
pub fn stored_ids(outcomes: &[DocOutcome]) -> Vec<i64> {
    outcomes
        .iter()
        .filter_map(|o| match o {
            DocOutcome::Stored(id) => Some(*id),
            DocOutcome::Duplicate { .. } => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_report_is_stored_once_and_a_bad_one_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path()).unwrap();
        let p = Pipeline::new(sitrep_core::PipelineOptions::default()).unwrap();
        let text = b"Fighters entered Gao on 3 March 2013, residents said.\n";
        let w = prepare(&p, "api:a.txt", text, "txt").unwrap();
        let first = write_now(&mut store, &w).unwrap();
        assert_eq!(stored_ids(&first).len(), 1);
        let again = write_now(&mut store, &prepare(&p, "api:b.txt", text, "txt").unwrap()).unwrap();
        assert!(stored_ids(&again).is_empty());
        assert!(matches!(again[0], DocOutcome::Duplicate { .. }));
        let e = prepare(&p, "api:bin.txt", &[0u8, 159, 146, 150, 0, 1, 2], "txt").unwrap_err();
        assert!(matches!(e, ReportError::Unreadable { .. }));
        assert!(e.to_string().starts_with("api:bin.txt: "), "{e}");
    }
}
