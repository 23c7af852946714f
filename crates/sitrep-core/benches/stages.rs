//! Bench: the extraction stages one by one (entities, time, events) and the full
//! pipeline over a generated corpus of 200 reports, plus the knowledge-base load
//! time; prints the process RSS once the knowledge base is loaded.

#![allow(missing_docs)]

mod common;

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use sitrep_core::extract::{entities, events, time};
use sitrep_core::kb::Kb;
use sitrep_core::pipeline::time_lang;
use sitrep_core::{Document, Pipeline, PipelineOptions};

fn anchor(d: &Document) -> Option<chrono::NaiveDate> {
    d.meta
        .published
        .as_deref()
        .and_then(|p| chrono::NaiveDate::parse_from_str(p, "%Y-%m-%d").ok())
}

fn kb_load(c: &mut Criterion) {
    let before = common::proc_status_kb("VmRSS").unwrap_or(0);
    let t = Instant::now();
    let kb = Kb::builtin().expect("builtin knowledge base");
    let first = t.elapsed();
    let after = common::proc_status_kb("VmRSS").unwrap_or(0);
    eprintln!(
        "kb: first Kb::builtin() {:.1} ms, {} entries; process RSS {:.1} MB before, {:.1} MB after loading (+{:.1} MB)",
        first.as_secs_f64() * 1e3,
        kb.len(),
        common::mb(before),
        common::mb(after),
        common::mb(after.saturating_sub(before)),
    );
    drop(kb);
    let mut g = c.benchmark_group("kb");
    g.sample_size(10);
    g.bench_function("Kb::builtin", |b| b.iter(|| black_box(Kb::builtin().ok())));
    g.finish();
}

fn stages(c: &mut Criterion) {
    let gen = common::corpus(200);
    let pipeline = Pipeline::new(PipelineOptions::default()).expect("pipeline");
    let kb = Kb::global();
    let in_bytes: u64 = gen.iter().map(|d| d.content.len() as u64).sum();
    let docs: Vec<Document> = gen
        .iter()
        .flat_map(|d| {
            pipeline
                .process_bytes(&d.name, d.content.as_bytes(), d.ext)
                .expect("generated documents process")
        })
        .collect();
    let text_bytes: u64 = docs.iter().map(|d| d.text.len() as u64).sum();
    let ents: usize = docs.iter().map(|d| d.entities.len()).sum();
    let dates: usize = docs.iter().map(|d| d.dates.len()).sum();
    let evs: usize = docs.iter().map(|d| d.events.len()).sum();
    eprintln!(
        "stages: {} docs, {:.2} MB input, {:.2} MB cleaned text; {ents} entities, {dates} dates, {evs} events; RSS {:.1} MB",
        docs.len(),
        in_bytes as f64 / 1e6,
        text_bytes as f64 / 1e6,
        common::mb(common::proc_status_kb("VmRSS").unwrap_or(0)),
    );

    let mut g = c.benchmark_group("stages");
    g.throughput(Throughput::Bytes(text_bytes));
    g.bench_function("entities", |b| {
        b.iter(|| {
            for d in &docs {
                black_box(entities::extract(d, &kb));
            }
        })
    });
    g.bench_function("time", |b| {
        b.iter(|| {
            for d in &docs {
                black_box(time::tag(&d.text, time_lang(&d.language), anchor(d)));
            }
        })
    });
    g.bench_function("events", |b| {
        b.iter(|| {
            for d in &docs {
                black_box(events::extract(d, &kb));
            }
        })
    });
    g.throughput(Throughput::Bytes(in_bytes));
    g.bench_function("full_pipeline", |b| {
        b.iter(|| {
            for d in &gen {
                black_box(
                    pipeline
                        .process_bytes(&d.name, d.content.as_bytes(), d.ext)
                        .ok(),
                );
            }
        })
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    targets = kb_load, stages
}
criterion_main!(benches);
