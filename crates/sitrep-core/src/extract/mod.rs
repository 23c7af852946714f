//! Extraction: entities, temporal expressions, events.

pub mod entities;
pub mod events;
pub mod time;
pub mod tokens;
