//! Extraction: entities, temporal expressions, events.

pub mod entities;
pub mod time;
pub mod tokens;
