//! What a collection run is told: where the store is, what may be fetched, the limits, and
//! the translation backend. The command line fills it from its flags.

use std::path::PathBuf;
use std::time::Duration;

use sitrep_core::read::ReadOptions;
use sitrep_core::{Pipeline, PipelineOptions};

use crate::archive::Caps;
use crate::fetch::FetchOptions;
use crate::translate::TranslateConfig;
use crate::webhook::Settings;
use crate::{Error, Result};

/// Most members one archive may hold.
pub const MAX_ARCHIVE_ENTRIES: usize = 100_000;

/// Options of a collection run (ingest, watch round, queue worker).
#[derive(Debug, Clone)]
pub struct CollectOptions {
    /// Data folder of the store, or a PostgreSQL URL.
    pub data: PathBuf,
    /// Allow fetching from (and webhooks to) loopback, private and link-local addresses.
    pub allow_private: bool,
    /// Hosts (`name` or `name:port`) fetched even when they resolve to a non-public
    /// address; other hosts, redirect targets included, stay refused.
    pub allow_hosts: Vec<String>,
    /// HTTP timeout per request.
    pub timeout: Duration,
    /// Least time between two requests to the same host.
    pub host_delay: Duration,
    /// Largest file, archive entry or download accepted, in bytes.
    pub max_bytes: u64,
    /// Largest total an archive may expand to, in bytes.
    pub max_archive_bytes: u64,
    /// Deepest element nesting accepted in HTML pages and feeds.
    pub max_depth: usize,
    /// Largest total the compressed streams of one PDF may expand to, in bytes.
    pub max_expanded_bytes: u64,
    /// The translation backend run after a batch.
    pub translate: TranslateConfig,
    /// Address of the web interface, for the document links that webhooks send.
    pub server_url: String,
}

impl Default for CollectOptions {
    fn default() -> Self {
        CollectOptions {
            data: PathBuf::from(sitrep_store::DEFAULT_DATA_DIR),
            allow_private: false,
            allow_hosts: Vec::new(),
            timeout: Duration::from_secs(30),
            host_delay: Duration::from_millis(1000),
            max_bytes: 50 * 1024 * 1024,
            max_archive_bytes: 1024 * 1024 * 1024,
            max_depth: sitrep_core::read::DEFAULT_MAX_DEPTH,
            max_expanded_bytes: sitrep_core::read::DEFAULT_MAX_EXPANDED_BYTES,
            translate: TranslateConfig::new(crate::translate::Backend::None),
            server_url: "http://127.0.0.1:8080".into(),
        }
    }
}

impl CollectOptions {
    /// The pipeline these options ask for.
    pub fn pipeline(&self) -> Result<Pipeline> {
        Pipeline::new(PipelineOptions {
            read: ReadOptions {
                max_bytes: self.max_bytes,
                max_depth: self.max_depth,
                max_expanded_bytes: self.max_expanded_bytes,
            },
            ..PipelineOptions::default()
        })
        .map_err(Error::Pipeline)
    }

    /// What the fetcher is allowed.
    pub fn fetch_options(&self) -> FetchOptions {
        FetchOptions {
            allow_private: self.allow_private,
            timeout: self.timeout,
            max_bytes: self.max_bytes,
            host_delay: self.host_delay,
            allow_hosts: self.allow_hosts.clone(),
        }
    }

    /// The limits on archives.
    pub fn caps(&self) -> Caps {
        Caps {
            entry: self.max_bytes,
            total: self.max_archive_bytes,
            entries: MAX_ARCHIVE_ENTRIES,
        }
    }

    /// How webhooks are called.
    pub fn webhook_settings(&self) -> Settings {
        Settings {
            allow_private: self.allow_private,
            timeout: self.timeout,
            server_url: self.server_url.trim_end_matches('/').to_string(),
        }
    }

    /// Builds the translation backend, checking that it runs.
    pub fn translator(&self) -> Result<Box<dyn sitrep_core::translate::Translator>> {
        self.translate.build().map_err(Error::Translate)
    }
}
