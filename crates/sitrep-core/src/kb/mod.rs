//! The knowledge base: word list, countries, places, actors — loaded once.

pub mod words;
