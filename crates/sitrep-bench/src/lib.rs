//! Benchmark support for sitrep: a deterministic synthetic news corpus.
//!
//! [`generate`] builds English and French news reports from templates and the
//! knowledge base shipped in `data/` (places from `places.tsv`, countries from
//! `countries.tsv`, organisations from `actors.toml`) plus invented person names.
//! The same seed always gives the same corpus (a SplitMix64 generator, no
//! outside crate).

pub mod corpus;

pub use corpus::{generate, CorpusOptions, GenDoc};
