//! How the engine reports what it does: an [`Observer`] receives the start of a batch, every
//! source done or failed, the end, and the messages worth showing (a feed's linked page
//! that could not be used, a webhook delivered, a translation summary). The engine itself
//! never writes to the terminal; the command line's progress bar is one observer,
//! [`NoObserver`] (the server's) ignores everything.

/// How much a message matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// What happened (a summary, a webhook delivered).
    Info,
    /// Something went wrong and was worked around or left out (the batch goes on).
    Warning,
}

/// The running counts of a batch, as they stand when an observer is called.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    /// Documents stored so far.
    pub stored: usize,
    /// Documents not stored as duplicates so far.
    pub duplicates: usize,
    /// Sources failed so far.
    pub failed: usize,
}

/// Receives the engine's progress. Every method does nothing by default. Calls come from
/// the thread that runs the batch, except [`Observer::message`], which a queue worker's
/// heartbeat thread may call too.
pub trait Observer: Send + Sync {
    /// A batch of `total` sources starts.
    fn started(&self, _total: u64) {}
    /// A source is done (stored, a duplicate, unchanged or not modified).
    fn item_done(&self, _source: &str, _progress: &Progress) {}
    /// A source failed and was recorded as failed, for `reason`.
    fn item_failed(&self, _source: &str, _reason: &str, _progress: &Progress) {}
    /// The batch is written and indexed.
    fn finished(&self, _batch: &crate::Batch) {}
    /// Something to tell the user (names from outside are in it as they are: escape them
    /// before they reach a terminal).
    fn message(&self, _level: Level, _text: &str) {}
}

/// An observer that ignores everything.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoObserver;

impl Observer for NoObserver {}
