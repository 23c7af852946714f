//! `sitrep serve`, `sitrep demo` and `sitrep export`: the web server, the demo (a fresh
//! store of the bundled corpus, then the server), and file exports.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::{Args, Parser};
use sitrep_server::{AppState, Config, Corpus};
use sitrep_store::Store;

/// Arguments of `sitrep serve`.
#[derive(Args)]
pub struct ServeArgs {
    /// Data folder of the store.
    #[arg(long, default_value = sitrep_store::DEFAULT_DATA_DIR)]
    data: PathBuf,
    /// Address to listen on (loopback by default; port 0 picks a free one).
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// Refuse every write (watchlists).
    #[arg(long)]
    read_only: bool,
    /// How many of the most recently published documents the timeline, map and brief
    /// cover (a date range on those pages loads its own); search, document and entity
    /// totals always cover the whole store.
    #[arg(long, default_value_t = sitrep_server::corpus::DEFAULT_WINDOW)]
    window: usize,
    /// A host name the server answers to besides the loopback names (repeatable): requests
    /// whose `Host` header names anything else get `421`, so that a web page on another
    /// name that resolves to this server (DNS rebinding) cannot read the store.
    #[arg(long = "allowed-host", value_name = "NAME")]
    allowed_hosts: Vec<String>,
    /// The server's address as clients reach it, for the links of Atom feeds
    /// (default: http://ADDR).
    #[arg(long)]
    public_url: Option<String>,
    /// Accept watchlist webhooks that name a private address (a receiver on this machine
    /// or the local network), and deliver to them after `POST /api/v1/ingest`; `sitrep
    /// ingest` and `sitrep watch` need --allow-private to deliver to them.
    #[arg(long)]
    allow_private_webhooks: bool,
}

/// Arguments of `sitrep demo`.
#[derive(Args)]
pub struct DemoArgs {
    /// Data folder for the demo store (default: a new temporary folder).
    #[arg(long)]
    data: Option<PathBuf>,
    /// Address to listen on (port 0 picks a free one).
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// Folder of the demo corpus.
    #[arg(long, default_value = "examples/corpus")]
    corpus: PathBuf,
    /// Ingest only; do not start the server.
    #[arg(long)]
    no_serve: bool,
    /// Do not open a browser (the demo never opens one; accepted for scripts).
    #[arg(long)]
    no_browser: bool,
    /// Refuse every write.
    #[arg(long)]
    read_only: bool,
}

/// Arguments of `sitrep export`.
#[derive(Args)]
pub struct ExportArgs {
    /// json, csv (ACLED-style), geojson, stix (STIX 2.1 bundle), brief-md or brief-html.
    #[arg(long, value_parser = sitrep_server::export::FORMATS.to_vec())]
    format: String,
    /// Data folder of the store.
    #[arg(long, default_value = sitrep_store::DEFAULT_DATA_DIR)]
    data: PathBuf,
    /// Output file (default: standard output).
    #[arg(short, long)]
    output: Option<PathBuf>,
    /// Briefs: words the events must contain.
    #[arg(long)]
    q: Option<String>,
    /// Briefs: earliest event date.
    #[arg(long)]
    from: Option<String>,
    /// Briefs: latest event date.
    #[arg(long)]
    to: Option<String>,
}

fn config(read_only: bool, window: Option<usize>, addr: SocketAddr) -> Config {
    let token = std::env::var("SITREP_TOKEN")
        .ok()
        .filter(|t| !t.trim().is_empty());
    let public_url = match (addr.ip().is_unspecified(), addr.port()) {
        (_, 0) => None,
        (true, port) => Some(format!("http://localhost:{port}")),
        (false, _) => Some(format!("http://{addr}")),
    };
    Config {
        token,
        read_only,
        window,
        allowed_hosts: allowed_hosts(Vec::new(), addr),
        public_url,
        allow_private_webhooks: false,
    }
}

/// The names given, the loopback names, and the address listened on when it is one.
fn allowed_hosts(mut given: Vec<String>, addr: SocketAddr) -> Vec<String> {
    let ip = addr.ip();
    if given.is_empty() && (ip.is_loopback() || ip.is_unspecified()) {
        return given; // the loopback names
    }
    given.extend(["localhost", "127.0.0.1", "::1"].map(String::from));
    if !ip.is_unspecified() {
        given.push(ip.to_string());
    }
    given
}

fn run_server(store: Store, addr: SocketAddr, cfg: Config) -> Result<ExitCode> {
    if !addr.ip().is_loopback() && cfg.token.is_none() && !cfg.read_only {
        eprintln!("sitrep: listening on a non-loopback address; writes stay refused until SITREP_TOKEN is set");
    }
    let writes = match (&cfg.token, cfg.read_only) {
        (_, true) => "read-only",
        (Some(_), false) => "writes need the bearer token from SITREP_TOKEN",
        (None, false) => "writes disabled (set SITREP_TOKEN to enable)",
    };
    let state = AppState::new(store, cfg.clone());
    // Build the timeline before the first request.
    let corpus = state.corpus().map_err(|e| anyhow::anyhow!(e.message))?;
    let stats = summary(&corpus);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the runtime")?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("listening on {addr}"))?;
        let local = listener.local_addr()?;
        eprintln!("{stats}; {writes}");
        println!("sitrep is serving on http://{local}/  (Ctrl-C to stop)");
        sitrep_server::serve_on(listener, state)
            .await
            .context("serving")
    })?;
    Ok(ExitCode::SUCCESS)
}

fn summary(c: &Corpus) -> String {
    let docs = if c.partial {
        format!(
            "{} most recent of {} documents in memory (--window)",
            c.docs.len(),
            c.count
        )
    } else {
        format!("{} documents", c.docs.len())
    };
    format!(
        "{docs}, {} entities, {} merged events",
        c.timeline.entities.len(),
        c.timeline.events.len()
    )
}

/// Runs `sitrep serve`.
pub fn serve(args: ServeArgs) -> Result<ExitCode> {
    let store = Store::open_existing(&args.data)
        .with_context(|| format!("opening the store in {}", args.data.display()))?;
    let mut cfg = config(args.read_only, Some(args.window), args.addr);
    cfg.allowed_hosts = allowed_hosts(args.allowed_hosts, args.addr);
    if let Some(u) = args.public_url {
        cfg.public_url = Some(u);
    }
    cfg.allow_private_webhooks = args.allow_private_webhooks;
    run_server(store, args.addr, cfg)
}

fn find_corpus(given: &Path) -> Option<PathBuf> {
    if given.is_dir() {
        return Some(given.to_path_buf());
    }
    let bundled = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/corpus");
    (given == Path::new("examples/corpus") && bundled.is_dir()).then_some(bundled)
}

/// `sitrep ingest`'s arguments, parsed from words, so the demo runs the very same ingest.
#[derive(Parser)]
struct IngestCli {
    #[command(flatten)]
    args: crate::ingest::IngestArgs,
}

/// Whether `apertium` runs and has every mode of its default French route.
fn apertium_routes_installed() -> bool {
    let a = sitrep_core::translate::Apertium::default();
    let Ok(modes) = a.installed_modes() else {
        return false;
    };
    a.routes
        .get("fr")
        .is_some_and(|route| route.iter().all(|m| modes.contains(m)))
}

/// Runs `sitrep demo`.
pub fn demo(args: DemoArgs) -> Result<ExitCode> {
    let _ = args.no_browser;
    let Some(corpus) = find_corpus(&args.corpus) else {
        bail!(
            "no demo corpus at {} (run from the repository root or pass --corpus)",
            args.corpus.display()
        );
    };
    let data = match &args.data {
        Some(d) => d.clone(),
        None => {
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.subsec_nanos())
                .unwrap_or(0);
            std::env::temp_dir().join(format!("sitrep-demo-{}-{nanos}", std::process::id()))
        }
    };
    // Every report of the corpus folder; its README describes the corpus and is no report.
    let mut files: Vec<PathBuf> = std::fs::read_dir(&corpus)
        .with_context(|| format!("reading {}", corpus.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.file_name().is_some_and(|n| n != "README.md"))
        .collect();
    files.sort();
    eprintln!(
        "sitrep demo: ingesting {} files from {} into {}",
        files.len(),
        corpus.display(),
        data.display()
    );
    let mut words = vec!["ingest".to_string()];
    words.extend(files.iter().map(|f| f.display().to_string()));
    words.extend(["--data".to_string(), data.display().to_string()]);
    // the French reports get their English when Apertium and its French→English route are
    // installed
    if apertium_routes_installed() {
        eprintln!("sitrep demo: Apertium found, translating the French reports into English");
        words.extend(["--translate".to_string(), "apertium".to_string()]);
    } else {
        eprintln!(
            "sitrep demo: Apertium (fr-es, spa-eng) not installed, reports stay untranslated \
             (apt-get install apertium apertium-fr-es apertium-eng-spa)"
        );
    }
    let ingest = IngestCli::try_parse_from(words).context("ingest arguments")?;
    // A failed source (the corpus README is not a report) does not stop the demo.
    crate::ingest::run(ingest.args)?;
    if args.no_serve {
        println!("demo store ready in {}", data.display());
        println!("serve it with: sitrep serve --data {}", data.display());
        return Ok(ExitCode::SUCCESS);
    }
    let store = Store::open_reader(&data)
        .with_context(|| format!("opening the store in {}", data.display()))?;
    run_server(store, args.addr, config(args.read_only, None, args.addr))
}

/// Runs `sitrep export`.
pub fn export(args: ExportArgs) -> Result<ExitCode> {
    let store = Store::open_existing(&args.data)
        .with_context(|| format!("opening the store in {}", args.data.display()))?;
    let corpus = Corpus::load(&store).context("loading the documents")?;
    let bq = sitrep_server::brief::BriefQuery {
        q: args.q,
        from: args.from,
        to: args.to,
    };
    let e =
        sitrep_server::export::render(&corpus, &args.format, &bq).map_err(anyhow::Error::msg)?;
    match &args.output {
        Some(p) => {
            std::fs::write(p, &e.body).with_context(|| format!("writing {}", p.display()))?;
            eprintln!("wrote {} ({} bytes)", p.display(), e.body.len());
        }
        None => {
            use std::io::Write;
            std::io::stdout()
                .write_all(e.body.as_bytes())
                .context("writing to standard output")?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
