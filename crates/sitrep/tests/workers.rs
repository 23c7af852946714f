//! Workers on one PostgreSQL store: three `sitrep worker` processes ingest generated
//! reports from the job queue while one of them is killed with SIGKILL in the middle of a
//! batch. Afterwards every source is stored exactly once, every document is searchable,
//! the killed worker's jobs were done by the others, and the queue is empty.
//!
//! 5,000 reports under CI (or `SITREP_KILL_TEST_DOCS=N`), 1,000 otherwise. The test starts
//! its own throwaway PostgreSQL cluster; it is reported ignored when no PostgreSQL server
//! binaries were found when it was built (`build.rs`), except under CI.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use sitrep_bench::{generate, CorpusOptions};
use sitrep_store::pg::cluster::TestCluster;
use sitrep_store::{SearchFilters, Store};

const BIN: &str = env!("CARGO_BIN_EXE_sitrep");

fn docs_wanted() -> usize {
    if let Some(n) = std::env::var("SITREP_KILL_TEST_DOCS")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        return n;
    }
    let ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0");
    if ci {
        5000
    } else {
        1000
    }
}

fn sitrep(args: &[&str]) -> std::process::Output {
    Command::new(BIN)
        .args(args)
        .env_remove(sitrep_store::DATABASE_URL_ENV)
        .output()
        .unwrap()
}

fn worker(url: &str, dir: &Path, n: usize) -> Child {
    Command::new(BIN)
        .args([
            "worker",
            "--data",
            url,
            "--exit-when-empty",
            "--lease",
            "3",
            "--batch",
            "24",
            "--poll",
            "0.2",
        ])
        .env_remove(sitrep_store::DATABASE_URL_ENV)
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(dir.join(format!("worker{n}.log"))).unwrap())
        .spawn()
        .unwrap()
}

fn count(db: &mut postgres::Client, sql: &str) -> i64 {
    db.query_one(sql, &[]).unwrap().get(0)
}

fn wait(mut c: Child, limit: Duration) -> std::process::ExitStatus {
    let until = Instant::now() + limit;
    loop {
        if let Some(s) = c.try_wait().unwrap() {
            return s;
        }
        if Instant::now() > until {
            let _ = c.kill();
            panic!("a worker did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
#[cfg_attr(
    not(pg_available),
    ignore = "no PostgreSQL server binaries found when built (install postgresql; CI always runs this)"
)]
fn three_workers_one_killed_every_source_stored_once() {
    let n = docs_wanted();
    let cluster = TestCluster::start().expect("a throwaway PostgreSQL cluster");
    let url = cluster.create_database("kill").unwrap();
    let corpus_dir = tempfile::tempdir().unwrap();
    let dir = corpus_dir.path().canonicalize().unwrap();
    let docs = generate(&CorpusOptions {
        n,
        seed: 25,
        min_words: 120,
        max_words: 500,
        ..CorpusOptions::default()
    });
    let reports = dir.join("reports");
    std::fs::create_dir_all(&reports).unwrap();
    for d in &docs {
        std::fs::write(reports.join(&d.name), &d.content).unwrap();
    }

    let out = sitrep(&["enqueue", reports.to_str().unwrap(), "--data", &url]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut db = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    let queued: i64 = db
        .query_one("SELECT count(*) FROM jobs", &[])
        .unwrap()
        .get(0);
    assert_eq!(queued as usize, n);

    let victim = worker(&url, &dir, 0);
    let others = [worker(&url, &dir, 1), worker(&url, &dir, 2)];
    // Kill the victim once work is under way and it holds leased jobs (in a batch).
    let started = Instant::now();
    let held: Vec<String> = loop {
        assert!(
            started.elapsed() < Duration::from_secs(300),
            "the victim never held a job"
        );
        let docs_now: i64 = db
            .query_one("SELECT count(*) FROM documents", &[])
            .unwrap()
            .get(0);
        let held: Vec<String> = db
            .query(
                "SELECT j.input FROM jobs j JOIN workers w ON w.id = j.worker \
                 WHERE w.pid = $1 AND j.lease_until > now()",
                &[&i64::from(victim.id())],
            )
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect();
        if docs_now as usize >= n / 10 && !held.is_empty() {
            break held;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut victim = victim;
    victim.kill().unwrap(); // SIGKILL
    victim.wait().unwrap();
    for (i, w) in others.into_iter().enumerate() {
        let st = wait(w, Duration::from_secs(900));
        let log = std::fs::read_to_string(dir.join(format!("worker{}.log", i + 1))).unwrap();
        assert!(st.success(), "worker {} failed: {log}", i + 1);
    }

    // The queue is empty, and says so.
    let jobs: i64 = db
        .query_one("SELECT count(*) FROM jobs", &[])
        .unwrap()
        .get(0);
    assert_eq!(jobs, 0);
    let status = sitrep(&["status", "--data", &url, "--json"]);
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&status.stdout).unwrap();
    assert_eq!(v["queue"]["pending"], 0, "{v}");
    assert_eq!(v["queue"]["leased"], 0, "{v}");

    // Every source has one status, done or duplicate; none failed, none left queued.
    assert_eq!(
        count(&mut db, "SELECT count(*) FROM ingest_status") as usize,
        n
    );
    assert_eq!(
        count(
            &mut db,
            "SELECT count(*) FROM ingest_status WHERE state IN ('done', 'duplicate')"
        ) as usize,
        n
    );
    // Every source is attached to exactly one document, and each document was stored once.
    assert_eq!(count(&mut db, "SELECT count(*) FROM sources") as usize, n);
    assert_eq!(
        count(&mut db, "SELECT count(*) FROM (SELECT source FROM sources GROUP BY source HAVING count(*) > 1) x"),
        0
    );
    let documents = count(&mut db, "SELECT count(*) FROM documents");
    let duplicates = count(
        &mut db,
        "SELECT count(*) FROM ingest_status WHERE state = 'duplicate'",
    );
    assert_eq!((documents + duplicates) as usize, n);
    let reprints = docs.iter().filter(|d| d.dup_of.is_some()).count();
    assert!(
        duplicates as usize <= reprints,
        "{duplicates} duplicates, {reprints} reprints generated"
    );
    // The jobs the victim held when it died were done by the others.
    for input in &held {
        let state: String = db
            .query_one(
                "SELECT state FROM ingest_status WHERE source = $1",
                &[input],
            )
            .unwrap()
            .get(0);
        assert!(state == "done" || state == "duplicate", "{input}: {state}");
    }

    // Every document is searchable.
    assert_eq!(
        count(&mut db, "SELECT count(*) FROM search_docs"),
        documents
    );
    let store = Store::open_postgres(&url).unwrap();
    assert_eq!(
        store.count("", &SearchFilters::default()).unwrap() as i64,
        documents
    );
    let last = docs.iter().rev().find(|d| d.dup_of.is_none()).unwrap();
    let word = last
        .plain
        .split_whitespace()
        .rfind(|w| w.len() > 6 && w.chars().all(char::is_alphabetic))
        .unwrap();
    assert!(
        store.count(word, &SearchFilters::default()).unwrap() >= 1,
        "{word}"
    );
    let hits = sitrep(&["search", word, "--data", &url, "--json"]);
    assert!(
        hits.status.success(),
        "{}",
        String::from_utf8_lossy(&hits.stderr)
    );
    let hits: serde_json::Value = serde_json::from_slice(&hits.stdout).unwrap();
    assert!(!hits.as_array().unwrap().is_empty());
}
