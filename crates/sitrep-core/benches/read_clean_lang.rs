//! Bench: reading (format sniffing, decoding, HTML to text), cleaning and language
//! identification over a generated corpus of 200 reports. Throughput in input bytes.

#![allow(missing_docs)]

mod common;

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use sitrep_core::read::{read_bytes, ReadOptions};
use sitrep_core::{clean, lang};

fn bench(c: &mut Criterion) {
    let docs = common::corpus(200);
    let opts = ReadOptions::default();
    let bytes: u64 = docs.iter().map(|d| d.content.len() as u64).sum();
    let raws: Vec<_> = docs
        .iter()
        .map(|d| {
            read_bytes(&d.name, d.content.as_bytes(), d.ext, &opts)
                .expect("generated documents read")
                .remove(0)
        })
        .collect();
    let cleaned: Vec<clean::Cleaned> = raws.iter().map(clean::clean_raw).collect();
    let raw_bytes: u64 = raws.iter().map(|r| r.text.len() as u64).sum();
    let clean_bytes: u64 = cleaned.iter().map(|c| c.text.len() as u64).sum();
    // Warm lingua's models outside the timed loops (they load lazily).
    let _ = lang::detect("The Security Council adopted the resolution on Thursday.");

    let mut g = c.benchmark_group("read_clean_lang");
    g.throughput(Throughput::Bytes(bytes));
    g.bench_function("read", |b| {
        b.iter(|| {
            for d in &docs {
                black_box(read_bytes(&d.name, d.content.as_bytes(), d.ext, &opts).ok());
            }
        })
    });
    g.throughput(Throughput::Bytes(raw_bytes));
    g.bench_function("clean", |b| {
        b.iter(|| {
            for r in &raws {
                black_box(clean::clean_raw(r));
            }
        })
    });
    g.throughput(Throughput::Bytes(clean_bytes));
    g.bench_function("lang_document", |b| {
        b.iter(|| {
            for c in &cleaned {
                black_box(lang::detect(&c.text));
            }
        })
    });
    g.bench_function("lang_paragraphs", |b| {
        b.iter(|| {
            for c in &cleaned {
                for (span, _) in &c.blocks {
                    black_box(lang::detect_paragraph(&c.text[span.start..span.end]));
                }
            }
        })
    });
    g.throughput(Throughput::Bytes(bytes));
    g.bench_function("read+clean+lang", |b| {
        b.iter(|| {
            for d in &docs {
                let raw = read_bytes(&d.name, d.content.as_bytes(), d.ext, &opts)
                    .expect("generated documents read")
                    .remove(0);
                let c = clean::clean_raw(&raw);
                for (span, _) in &c.blocks {
                    black_box(lang::detect_paragraph(&c.text[span.start..span.end]));
                }
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
        .measurement_time(Duration::from_secs(4));
    targets = bench
}
criterion_main!(benches);
