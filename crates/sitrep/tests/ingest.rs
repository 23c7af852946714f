//! End-to-end tests of `sitrep ingest`, `status` and `search`, run on the built binary.
#![allow(clippy::unwrap_used, missing_docs)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::Value;

fn sitrep(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_sitrep"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn status(data: &Path) -> Value {
    let (code, out, err) = sitrep(&["status", "--json", "--data", data.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).unwrap()
}

const WORDS: &[&str] = &[
    "army",
    "rebels",
    "town",
    "north",
    "south",
    "council",
    "minister",
    "talks",
    "border",
    "convoy",
    "river",
    "market",
    "village",
    "election",
    "court",
    "police",
    "refugees",
    "camp",
    "aid",
    "food",
    "drought",
    "harvest",
    "bridge",
    "airport",
    "mission",
    "troops",
    "ceasefire",
    "envoy",
    "summit",
    "protest",
    "strike",
    "union",
    "budget",
    "oil",
    "gold",
    "mine",
    "road",
    "school",
    "clinic",
    "vaccine",
    "storm",
    "flood",
    "fire",
    "attack",
    "patrol",
    "checkpoint",
    "hostage",
    "ransom",
    "pirates",
    "port",
    "ship",
    "cargo",
    "fuel",
    "price",
    "bread",
    "salt",
    "cattle",
    "herders",
    "farmers",
    "desert",
    "oasis",
    "mosque",
    "church",
    "radio",
    "newspaper",
    "decree",
    "sanctions",
];

/// A text of 60 pseudo-random words: different seeds give texts far apart in SimHash.
fn article(seed: u64) -> String {
    let mut x = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let mut words = Vec::new();
    for _ in 0..60 {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        words.push(WORDS[(x >> 33) as usize % WORDS.len()]);
    }
    format!("Report {seed}.\n\n{}.\n", words.join(" "))
}

#[test]
fn folder_with_a_bad_file_and_a_duplicate_then_again() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    std::fs::create_dir_all(src.join("sub")).unwrap();
    std::fs::write(src.join("a.txt"), format!("Kidal falls.\n\n{}", article(1))).unwrap();
    std::fs::write(
        src.join("a-copy.txt"),
        format!("Kidal falls.\n\n{}", article(1)),
    )
    .unwrap();
    std::fs::write(src.join("b.md"), format!("# Gao\n\n{}", article(2))).unwrap();
    std::fs::write(
        src.join("sub/c.html"),
        format!(
            "<html><head><title>Timbuktu</title></head><body><p>{}</p></body></html>",
            article(3)
        ),
    )
    .unwrap();
    std::fs::write(
        src.join("sub/bad.bin"),
        [0u8, 1, 2, 3, 0, 0, 255, 254, 0, 7, 8, 0],
    )
    .unwrap();
    let data = tmp.path().join("data");
    let (s, d) = (src.to_str().unwrap(), data.to_str().unwrap());

    let (code, _, err) = sitrep(&["ingest", s, "--data", d]);
    assert_eq!(code, 1, "{err}");
    let bad_line = err.lines().find(|l| l.contains("bad.bin")).expect(&err);
    assert!(
        bad_line.starts_with("sitrep: ") && bad_line.contains("bad.bin: "),
        "{bad_line}"
    );
    assert!(
        err.contains("ingested 3, duplicates 1, failed 1 in"),
        "{err}"
    );

    let st = status(&data);
    assert_eq!(st["documents"], 3);
    assert_eq!(st["indexed"], 3);
    assert_eq!(st["sources"]["done"], 3);
    assert_eq!(st["sources"]["duplicate"], 1);
    assert_eq!(st["sources"]["failed"], 1);
    let failed = st["failed"].as_array().unwrap();
    assert!(failed[0]["source"].as_str().unwrap().ends_with("bad.bin"));
    assert!(
        failed[0]["reason"].as_str().unwrap().contains("binary"),
        "{failed:?}"
    );
    let (_, text, _) = sitrep(&["status", "--data", d]);
    assert!(
        text.contains("bad.bin") && text.contains("binary"),
        "{text}"
    );

    // Again: nothing is stored twice, unchanged sources are skipped.
    let (code, _, err) = sitrep(&["ingest", s, "--data", d]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("ingested 0, duplicates 0, failed 0"), "{err}");
    let st = status(&data);
    assert_eq!(st["documents"], 3);
    assert_eq!(st["indexed"], 3);

    // Search finds the documents, with highlights in JSON.
    let (code, out, err) = sitrep(&["search", "Timbuktu", "--json", "--data", d]);
    assert_eq!(code, 0, "{err}");
    let hits: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(hits.as_array().unwrap().len(), 1, "{out}");
    assert!(hits[0]["source"].as_str().unwrap().ends_with("c.html"));
    let (_, out, _) = sitrep(&["search", "Kidal", "--data", d]);
    assert!(out.contains("a.txt") || out.contains("a-copy.txt"), "{out}");
    assert!(!out.contains("\x1b["), "no ANSI codes when piped: {out}");
}

/// A folder's files are keyed by their canonical path however the folder was named (here
/// through a link), so naming it another way finds them done; hidden entries and links
/// inside the folder are left out.
#[cfg(unix)]
#[test]
fn folder_keys_are_canonical_and_links_and_hidden_entries_are_skipped() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    std::fs::create_dir_all(src.join("sub")).unwrap();
    std::fs::create_dir_all(src.join(".cache")).unwrap();
    std::fs::write(src.join("x.txt"), article(11)).unwrap();
    std::fs::write(src.join("sub/y.txt"), article(12)).unwrap();
    std::fs::write(src.join(".hidden.txt"), article(13)).unwrap();
    std::fs::write(src.join(".cache/z.txt"), article(14)).unwrap();
    let outside = tmp.path().join("outside.txt");
    std::fs::write(&outside, article(15)).unwrap();
    std::os::unix::fs::symlink(&outside, src.join("link.txt")).unwrap();
    std::os::unix::fs::symlink(&src, tmp.path().join("alias")).unwrap();
    let data = tmp.path().join("data");
    let d = data.to_str().unwrap();

    let via_link = tmp.path().join("alias/sub/..");
    let (code, _, err) = sitrep(&["ingest", via_link.to_str().unwrap(), "--data", d]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("ingested 2, duplicates 0, failed 0"), "{err}");

    for again in [
        src.clone(),
        src.join("sub/y.txt"),
        tmp.path().join("alias/x.txt"),
    ] {
        let (code, _, err) = sitrep(&["ingest", again.to_str().unwrap(), "--data", d]);
        assert_eq!(code, 0, "{err}");
        assert!(
            err.contains("ingested 0, duplicates 0, failed 0"),
            "{}: {err}",
            again.display()
        );
    }
    let st = status(&data);
    assert_eq!(st["documents"], 2);
    assert_eq!(st["sources"]["done"], 2);
}

#[test]
fn zip_entry_with_path_traversal_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let zpath = tmp.path().join("a.zip");
    {
        let mut z = zip::ZipWriter::new(std::fs::File::create(&zpath).unwrap());
        let o = zip::write::SimpleFileOptions::default();
        z.start_file("good.txt", o).unwrap();
        z.write_all(article(10).as_bytes()).unwrap();
        z.start_file("../../etc/passwd", o).unwrap();
        z.write_all(b"root:x:0:0:root:/root:/bin/bash\n").unwrap();
        z.finish().unwrap();
    }
    let data = tmp.path().join("data");
    let (code, _, err) = sitrep(&[
        "ingest",
        zpath.to_str().unwrap(),
        "--data",
        data.to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{err}");
    let line = err.lines().find(|l| l.contains("etc/passwd")).expect(&err);
    assert!(
        line.contains("refused") && line.contains("traversal"),
        "{line}"
    );
    let st = status(&data);
    assert_eq!(st["documents"], 1);
    assert_eq!(
        st["failed"][0]["source"]
            .as_str()
            .unwrap()
            .rsplit('!')
            .next(),
        Some("/../../etc/passwd")
    );
}

#[test]
fn tar_gz_archive() {
    let tmp = tempfile::tempdir().unwrap();
    let tpath = tmp.path().join("a.tar.gz");
    {
        let gz = flate2::write::GzEncoder::new(
            std::fs::File::create(&tpath).unwrap(),
            flate2::Compression::default(),
        );
        let mut t = tar::Builder::new(gz);
        for (name, seed) in [("x/one.txt", 20u64), ("x/two.txt", 21)] {
            let body = article(seed);
            let mut h = tar::Header::new_gnu();
            h.set_size(body.len() as u64);
            h.set_mode(0o644);
            h.set_cksum();
            t.append_data(&mut h, name, body.as_bytes()).unwrap();
        }
        t.into_inner().unwrap().finish().unwrap();
    }
    let data = tmp.path().join("data");
    let (code, _, err) = sitrep(&[
        "ingest",
        tpath.to_str().unwrap(),
        "--data",
        data.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(status(&data)["documents"], 2);
}

fn respond(mut s: TcpStream) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 1024];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        match s.read(&mut chunk) {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
    let req = String::from_utf8_lossy(&buf).into_owned();
    let path = req.split_whitespace().nth(1).unwrap_or("/").to_string();
    let page = |title: &str, seed: u64| {
        format!("<!DOCTYPE html><html><head><title>{title}</title></head><body><article><p>{title} report.</p><p>{}</p></article></body></html>", article(seed))
    };
    let rss = format!(
        r#"<?xml version="1.0"?><rss version="2.0"><channel><title>Sahel Wire</title>
<item><title>Konna falls</title><link>https://example.org/a</link><pubDate>Thu, 10 Jan 2013 18:00:00 GMT</pubDate><description>{}</description></item>
<item><title>Serval begins</title><link>https://example.org/b</link><pubDate>Fri, 11 Jan 2013 20:00:00 GMT</pubDate><description>{}</description></item>
</channel></rss>"#,
        article(31),
        article(32)
    );
    let (code, ctype, extra, body) = match path.as_str() {
        "/robots.txt" => (
            200,
            "text/plain",
            String::new(),
            "User-agent: *\nDisallow: /private\n".to_string(),
        ),
        "/page.html" => (200, "text/html", String::new(), page("Timbuktu", 30)),
        "/moved.html" => (200, "text/html", String::new(), page("Menaka", 33)),
        "/private/secret.html" => (200, "text/html", String::new(), page("Secret", 34)),
        "/feed.xml" => (200, "application/rss+xml", String::new(), rss),
        "/redirect" => (
            302,
            "text/plain",
            "Location: /moved.html\r\n".to_string(),
            String::new(),
        ),
        "/slow" => {
            std::thread::sleep(Duration::from_secs(4));
            (200, "text/html", String::new(), page("Slow", 35))
        }
        _ => (404, "text/plain", String::new(), "not found".to_string()),
    };
    let _ = write!(
        s,
        "HTTP/1.1 {code} X\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nConnection: close\r\n{extra}\r\n{body}",
        body.len()
    );
}

#[test]
fn urls_feeds_redirects_errors_and_private_addresses() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for s in listener.incoming().flatten() {
            std::thread::spawn(move || respond(s));
        }
    });
    let url = |p: &str| format!("http://127.0.0.1:{port}{p}");
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let d = data.to_str().unwrap();
    let urls: Vec<String> = [
        "/page.html",
        "/feed.xml",
        "/redirect",
        "/missing",
        "/slow",
        "/private/secret.html",
    ]
    .iter()
    .map(|p| url(p))
    .collect();
    let mut args = vec![
        "ingest",
        "--data",
        d,
        "--allow-private",
        "--timeout",
        "1",
        "--host-delay-ms",
        "0",
    ];
    args.extend(urls.iter().map(String::as_str));
    let (code, _, err) = sitrep(&args);
    assert_eq!(code, 1, "{err}");
    let line = |p: &str| {
        err.lines()
            .find(|l| l.starts_with(&format!("sitrep: {}: ", url(p))))
            .unwrap_or_else(|| panic!("no line for {p} in {err}"))
            .to_string()
    };
    assert!(line("/missing").contains("HTTP 404"));
    assert!(line("/slow").contains("timed out"), "{}", line("/slow"));
    assert!(line("/private/secret.html").contains("robots.txt"));
    assert!(err.contains("ingested 4, duplicates 0, failed 3"), "{err}");
    let st = status(&data);
    assert_eq!(st["documents"], 4);
    assert_eq!(st["sources"]["done"], 3);
    let (_, out, _) = sitrep(&["search", "Menaka", "--json", "--data", d]);
    let hits: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(hits.as_array().unwrap().len(), 1, "{out}");
    let (_, out, _) = sitrep(&[
        "search",
        "Konna",
        "--from",
        "2013-01-01",
        "--to",
        "2013-01-10",
        "--json",
        "--data",
        d,
    ]);
    let hits: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(hits[0]["published"], "2013-01-10", "{out}");

    // Without --allow-private, loopback is refused.
    let data2 = tmp.path().join("data2");
    let (code, _, err) = sitrep(&[
        "ingest",
        "--data",
        data2.to_str().unwrap(),
        &url("/page.html"),
    ]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("private") && err.contains("127.0.0.1"),
        "{err}"
    );
    assert_eq!(status(&data2)["documents"], 0);
}

#[test]
fn kill_9_then_rerun_stores_each_document_once() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    std::fs::create_dir_all(&src).unwrap();
    const N: u64 = 300;
    for i in 0..N {
        std::fs::write(src.join(format!("doc{i:03}.txt")), article(1000 + i)).unwrap();
    }
    let data = tmp.path().join("data");
    let (s, d) = (src.to_str().unwrap(), data.to_str().unwrap());
    for round in 0..3u64 {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos() as u64;
        let delay = (nanos / 1000 + round * 7919) % 1500;
        let mut child = Command::new(env!("CARGO_BIN_EXE_sitrep"))
            .args(["ingest", s, "--data", d])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Wait until the ingest has stored documents (or has finished), then kill it a
        // little later, in the middle of writing.
        let t0 = std::time::Instant::now();
        while t0.elapsed() < Duration::from_secs(30) {
            if child.try_wait().unwrap().is_some() {
                break;
            }
            if data.join("index/meta.json").exists()
                && status(&data)["sources"]["done"].as_u64() > Some(0)
            {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        std::thread::sleep(Duration::from_millis(delay));
        child.kill().ok(); // SIGKILL
        child.wait().unwrap();
    }
    let killed_at = status(&data)["documents"].as_u64().unwrap();
    eprintln!("stored before the last run: {killed_at} of {N}");
    let (code, _, err) = sitrep(&["ingest", s, "--data", d]);
    assert_eq!(code, 0, "{err}");
    let st = status(&data);
    assert_eq!(st["documents"], N, "{st}");
    assert_eq!(st["indexed"], N, "{st}");
    assert_eq!(st["sources"]["done"], N, "{st}");
    assert_eq!(st["sources"]["queued"], 0, "{st}");
}
