//! Bench: `timeline::build` over the extracted events of 2,500, 5,000 and 10,000
//! generated (lighter) reports, extracted once outside the timed loop; prints the
//! peak RSS of one build at each size, so the scaling can be read off.

#![allow(missing_docs)]

mod common;

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use sitrep_core::timeline::{build, TimelineOptions};
use sitrep_core::{Document, Pipeline, PipelineOptions};

const SIZES: [usize; 3] = [2_500, 5_000, 10_000];

fn extract_all() -> Vec<Document> {
    let gen = common::light_corpus(SIZES[SIZES.len() - 1]);
    let pipeline = Pipeline::new(PipelineOptions::default()).expect("pipeline");
    let t = Instant::now();
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(4);
    let chunk = gen.len().div_ceil(threads);
    let docs: Vec<Document> = std::thread::scope(|s| {
        let handles: Vec<_> = gen
            .chunks(chunk)
            .map(|part| {
                let pipeline = &pipeline;
                s.spawn(move || {
                    part.iter()
                        .flat_map(|d| {
                            pipeline
                                .process_bytes(&d.name, d.content.as_bytes(), d.ext)
                                .expect("generated documents process")
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("extraction thread"))
            .collect()
    });
    let evs: usize = docs.iter().map(|d| d.events.len()).sum();
    eprintln!(
        "timeline: extracted {} docs ({evs} events) in {:.1} s on {threads} threads (setup, not timed)",
        docs.len(),
        t.elapsed().as_secs_f64()
    );
    docs
}

fn bench(c: &mut Criterion) {
    let docs = extract_all();
    let opts = TimelineOptions::default();
    for &n in &SIZES {
        let part = &docs[..n];
        let rss = common::proc_status_kb("VmRSS").unwrap_or(0);
        let reset = common::reset_peak_rss();
        let t = Instant::now();
        let tl = build(part, &opts);
        let dt = t.elapsed();
        let hwm = common::proc_status_kb("VmHWM").unwrap_or(0);
        eprintln!(
            "timeline: {n} docs -> {} merged events, one build {:.0} ms; RSS {:.1} MB before, peak {:.1} MB{}",
            tl.events.len(),
            dt.as_secs_f64() * 1e3,
            common::mb(rss),
            common::mb(hwm),
            if reset { "" } else { " (peak not reset: includes setup)" }
        );
    }
    let mut g = c.benchmark_group("timeline");
    g.sample_size(10);
    for &n in &SIZES {
        g.throughput(Throughput::Elements(n as u64));
        g.bench_with_input(BenchmarkId::new("build", n), &docs[..n], |b, part| {
            b.iter(|| black_box(build(part, &opts)))
        });
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    targets = bench
}
criterion_main!(benches);
