//! sitrep-core: the pipeline of the sitrep open-source-intelligence workbench.
//!
//! A report goes in as bytes ([`read`]), is cleaned ([`clean`]), its language identified
//! ([`lang`]) and split into sentences ([`sentence`]); then entities, dates and events are
//! extracted ([`extract`]) against the knowledge base ([`kb`]), and reports of the same
//! happening are merged across documents ([`timeline`]). [`pipeline::Pipeline`] runs it all;
//! [`translate`] puts non-English paragraphs into English with entity names protected.

pub mod clean;
pub mod document;
pub mod error;
pub mod extract;
pub mod kb;
pub mod lang;
pub mod output;
pub mod pipeline;
pub mod read;
pub mod sentence;
pub mod simhash;
pub mod timeline;
pub mod translate;

pub use document::Document;
pub use error::{Error, Result};
pub use pipeline::{Pipeline, PipelineOptions};
