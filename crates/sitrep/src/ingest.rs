//! `sitrep ingest`: the arguments, and the run through `sitrep_collect` (discovery, the
//! batch, translation, webhooks) with the command line's observer.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use clap::Args;
use sitrep_collect::{report, run_batch, translate, webhook, TranslateConfig};
use sitrep_store::Store;

use crate::progress::Reporter;

/// Arguments of `sitrep ingest`.
#[derive(Args)]
pub struct IngestArgs {
    /// Files, folders (recursively), `.zip` / `.tar.gz` archives, `.warc[.gz]` files, and
    /// http(s) URLs of pages or feeds.
    #[arg(required = true)]
    inputs: Vec<String>,
    /// Process again the local sources that failed before (URLs are always fetched again).
    #[arg(long)]
    retry_failed: bool,
    #[command(flatten)]
    opts: CollectArgs,
}

/// Options shared by `sitrep ingest`, `sitrep watch` and `sitrep worker`.
#[derive(Args, Clone)]
pub struct CollectArgs {
    /// Data folder of the store.
    #[arg(long, default_value = sitrep_store::DEFAULT_DATA_DIR)]
    pub data: PathBuf,
    /// Allow fetching from (and webhooks to) loopback, private and link-local addresses.
    #[arg(long)]
    pub allow_private: bool,
    /// Fetch from this host (`name` or `name:port`) even when it resolves to a loopback,
    /// private or link-local address; other hosts, redirect targets included, stay refused.
    #[arg(long = "allow-host", value_name = "HOST[:PORT]")]
    pub allow_hosts: Vec<String>,
    /// HTTP timeout per request, in seconds.
    #[arg(long, default_value_t = 30.0)]
    pub timeout: f64,
    /// Least time between two requests to the same host, in milliseconds.
    #[arg(long, default_value_t = 1000)]
    pub host_delay_ms: u64,
    /// Largest file, archive entry or download accepted, in bytes.
    #[arg(long, default_value_t = 50 * 1024 * 1024)]
    pub max_bytes: u64,
    /// Largest total an archive may expand to, in bytes.
    #[arg(long, default_value_t = 1024 * 1024 * 1024)]
    pub max_archive_bytes: u64,
    /// Deepest element nesting accepted in HTML pages and feeds (deeper ones are refused:
    /// the HTML parser's time grows with the square of the depth).
    #[arg(long, default_value_t = sitrep_core::read::DEFAULT_MAX_DEPTH)]
    pub max_depth: usize,
    /// Largest total the compressed streams of one PDF may expand to, in bytes.
    #[arg(long, default_value_t = sitrep_core::read::DEFAULT_MAX_EXPANDED_BYTES)]
    pub max_expanded_bytes: u64,
    /// Translate non-English documents into English after the batch is stored: `apertium`,
    /// `libretranslate=URL` or `none`.
    #[arg(long, default_value = "none", value_parser = TranslateConfig::parse_arg)]
    pub translate: TranslateConfig,
    /// Address of the web interface (`sitrep serve`), for the document links that watchlist
    /// webhooks send.
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    pub server_url: String,
}

impl CollectArgs {
    /// The engine's options.
    pub fn options(&self) -> sitrep_collect::CollectOptions {
        sitrep_collect::CollectOptions {
            data: self.data.clone(),
            allow_private: self.allow_private,
            allow_hosts: self.allow_hosts.clone(),
            timeout: Duration::from_secs_f64(self.timeout.clamp(0.1, 3600.0)),
            host_delay: Duration::from_millis(self.host_delay_ms),
            max_bytes: self.max_bytes,
            max_archive_bytes: self.max_archive_bytes,
            max_depth: self.max_depth,
            max_expanded_bytes: self.max_expanded_bytes,
            translate: self.translate.clone(),
            server_url: self.server_url.clone(),
        }
    }
}

/// Runs `sitrep ingest`.
pub fn run(args: IngestArgs) -> Result<ExitCode> {
    let start = Instant::now();
    let opts = args.opts.options();
    // A PostgreSQL store ingests through its job queue (other workers may help).
    if let Some(url) = sitrep_store::Location::resolve(&opts.data).postgres_url() {
        return crate::queue::ingest(url, &args.inputs, &opts, args.retry_failed);
    }
    let mut store = Store::open(&opts.data)
        .with_context(|| format!("opening the store in {}", opts.data.display()))?;
    let pipeline = opts.pipeline()?;
    // Before anything is ingested, so that a missing backend is said at once.
    let translator = opts.translator()?;
    let reporter = Reporter::new(std::io::stderr().is_terminal());
    let b = run_batch(
        &mut store,
        &pipeline,
        &args.inputs,
        &opts,
        args.retry_failed,
        &reporter,
    )?;
    if !b.to_translate.is_empty() {
        translate::translate_stored(&mut store, translator.as_ref(), &b.to_translate, &reporter)?;
    }
    eprintln!("{}", report::ingest_line(&b, start.elapsed()));
    webhook::notify(
        &mut store,
        &b.stored_ids,
        &opts.webhook_settings(),
        &reporter,
    );
    Ok(if b.failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
