//! The one error type of the pipeline.

use std::path::PathBuf;

/// Everything that can go wrong while reading and processing a document.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The file could not be opened or read.
    #[error("{path}: cannot read: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// The file is empty or holds only whitespace.
    #[error("{0}: empty document (no text to extract)")]
    Empty(String),
    /// The file is larger than the configured limit.
    #[error(
        "{source_name}: too large ({size} bytes, limit {limit}); raise --max-bytes to read it"
    )]
    TooLarge {
        /// The file or URL.
        source_name: String,
        /// Its size.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// The document nests elements deeper than the configured limit.
    #[error("{source_name}: elements nested deeper than {limit} levels (at least {depth}); refused, as parsing it would take too long (raise --max-depth to read it)")]
    TooDeep {
        /// The file, URL or feed item.
        source_name: String,
        /// The depth reached when the scan stopped.
        depth: usize,
        /// The limit.
        limit: usize,
    },
    /// The page would make the HTML parser reopen far more formatting elements than it
    /// has tags (a page built to make the parser's tree grow quadratically).
    #[error("{source_name}: the page would make the HTML parser reopen {reopened} formatting elements and step through its list of them {steps} times for {tags} tags (unclosed <b>, <i>, <font>, <a>... carried into every later block and text); refused, as parsing it would take too long and too much memory")]
    TooManyReopened {
        /// The file, URL or feed item.
        source_name: String,
        /// Formatting elements reopened when the scan stopped.
        reopened: usize,
        /// Entries of the list of active formatting elements stepped through.
        steps: usize,
        /// Tags read when the scan stopped.
        tags: usize,
    },
    /// The bytes are not text, HTML, PDF or a feed.
    #[error("{0}: binary content, not a text, HTML, PDF or feed document")]
    Binary(String),
    /// A PDF that could not be parsed.
    #[error("{0}: unreadable PDF: {1}")]
    Pdf(String, String),
    /// A feed that could not be parsed.
    #[error("{0}: unreadable RSS/Atom feed: {1}")]
    Feed(String, String),
    /// A knowledge-base or configuration file with a mistake.
    #[error("{file}: line {line}: {message}")]
    Config {
        /// The file.
        file: String,
        /// 1-based line number (0 when unknown).
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// An invalid argument.
    #[error("{0}")]
    Invalid(String),
    /// Machine translation failed.
    #[error("translation: {0}")]
    Translate(String),
}

/// Result with the pipeline's error.
pub type Result<T> = std::result::Result<T, Error>;
