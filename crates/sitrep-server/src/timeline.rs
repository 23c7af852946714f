//! The cross-source timeline, from `sitrep_core::timeline`.

pub use sitrep_core::timeline::*;
