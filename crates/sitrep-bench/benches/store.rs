//! Bench: the store stages of ingest over 200 generated reports, extracted once outside
//! the loop: preparing documents (fingerprints and compressed JSON, done in parallel by
//! ingest), writing them to SQLite in batches of 64 sources per transaction with the
//! index fed as they go, and the index commit; and the full-text index alone (tantivy:
//! documents added, one commit).

#![allow(missing_docs)]

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use sitrep_bench::{generate, CorpusOptions};
use sitrep_core::{Document, Pipeline, PipelineOptions};
use sitrep_store::{PreparedDoc, SearchIndex, SourceWrite, Store};

fn documents() -> Vec<Document> {
    let pipeline = Pipeline::new(PipelineOptions::default()).expect("pipeline");
    generate(&CorpusOptions {
        n: 200,
        seed: 42,
        ..CorpusOptions::default()
    })
    .into_iter()
    .flat_map(|g| {
        pipeline
            .process_bytes(&g.name, g.content.as_bytes(), g.ext)
            .expect("generated report")
    })
    .collect()
}

fn writes(docs: &[Document]) -> Vec<SourceWrite> {
    docs.iter()
        .map(|d| SourceWrite {
            source: d.source.clone(),
            content_hash: sitrep_store::dedup::sha256_hex(d.text.as_bytes()),
            original: d.text.as_bytes().to_vec(),
            docs: vec![PreparedDoc::new(d.clone()).expect("prepare")],
        })
        .collect()
}

fn store(c: &mut Criterion) {
    let docs = documents();
    let bytes: usize = docs.iter().map(|d| d.text.len()).sum();
    let mut g = c.benchmark_group("store");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(bytes as u64));
    g.bench_function("prepare (hashes, SimHash, zstd JSON)", |b| {
        b.iter(|| {
            for d in &docs {
                black_box(PreparedDoc::new(d.clone()).expect("prepare"));
            }
        })
    });
    let ws = writes(&docs);
    g.bench_function(
        "write 200 sources (SQLite, batches of 64) + index commit",
        |b| {
            b.iter_batched(
                || {
                    let dir = tempfile::tempdir().expect("temp dir");
                    let s = Store::open(dir.path()).expect("store");
                    (dir, s)
                },
                |(dir, mut s)| {
                    for chunk in ws.chunks(64) {
                        let refs: Vec<&SourceWrite> = chunk.iter().collect();
                        black_box(s.write_many(&refs).expect("write"));
                    }
                    s.sync_index().expect("index commit");
                    drop(s);
                    drop(dir);
                },
                BatchSize::PerIteration,
            )
        },
    );
    g.bench_function("index 200 documents (tantivy, one commit)", |b| {
        b.iter_batched(
            || {
                let dir = tempfile::tempdir().expect("temp dir");
                let ix = SearchIndex::open(dir.path()).expect("index");
                (dir, ix)
            },
            |(dir, mut ix)| {
                for (id, d) in docs.iter().enumerate() {
                    ix.put(id as i64 + 1, d, std::slice::from_ref(&d.source))
                        .expect("index a document");
                }
                ix.commit().expect("index commit");
                drop(ix);
                drop(dir);
            },
            BatchSize::PerIteration,
        )
    });
    g.finish();
}

criterion_group!(benches, store);
criterion_main!(benches);
