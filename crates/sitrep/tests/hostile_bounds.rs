//! Hostile inputs against the bounds that keep one source from taking the process down
//! (issue 26): PDF filter-chain bombs read in bounded memory (peak measured), a source that
//! killed an earlier run marked failed and skipped, names from outside escaped before they
//! reach a terminal. Inputs are generated here.
#![allow(clippy::unwrap_used, missing_docs)]

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The peak resident memory any bomb may cost (the bound).
const PEAK_BOUND_KB: u64 = 512 * 1024;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
    peak_kb: u64,
}

/// Runs the binary and reads its peak resident set (`VmHWM`) until it exits.
fn run(args: &[&str]) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sitrep"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let status_file = format!("/proc/{}/status", child.id());
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let t_out = std::thread::spawn(move || {
        let mut s = String::new();
        out.read_to_string(&mut s).ok();
        s
    });
    let t_err = std::thread::spawn(move || {
        let mut s = String::new();
        err.read_to_string(&mut s).ok();
        s
    });
    let start = Instant::now();
    let mut peak_kb = 0;
    let status = loop {
        if let Ok(s) = std::fs::read_to_string(&status_file) {
            if let Some(kb) = s
                .lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse::<u64>().ok())
            {
                peak_kb = peak_kb.max(kb);
            }
        }
        if let Some(st) = child.try_wait().unwrap() {
            break st;
        }
        assert!(start.elapsed() < Duration::from_secs(240), "still running");
        std::thread::sleep(Duration::from_millis(5));
    };
    Run {
        code: status.code().unwrap_or(-1),
        stdout: t_out.join().unwrap(),
        stderr: t_err.join().unwrap(),
        peak_kb,
    }
}

/// `n` zero bytes as raw deflate, written by hand (a literal, then length-258 copies at
/// distance 1 in one fixed-Huffman block): 13 bits per 258 bytes.
fn deflate_zeros(n: u64) -> Vec<u8> {
    let mut out = Vec::with_capacity((n / 258 * 13 / 8 + 64) as usize);
    let (mut acc, mut bits) = (0u64, 0u32);
    let mut put = |v: u64, n: u32, out: &mut Vec<u8>| {
        acc |= v << bits;
        bits += n;
        while bits >= 8 {
            out.push(acc as u8);
            acc >>= 8;
            bits -= 8;
        }
    };
    let rev = |code: u64, len: u32| (0..len).fold(0, |r, i| r | ((code >> i) & 1) << (len - 1 - i));
    put(0b011, 3, &mut out);
    let (literal0, copy258) = (rev(0x30, 8), rev(0xc5, 8));
    put(literal0, 8, &mut out);
    for _ in 0..(n - 1) / 258 {
        put(copy258, 13, &mut out);
    }
    for _ in 0..(n - 1) % 258 {
        put(literal0, 8, &mut out);
    }
    put(0, 7, &mut out);
    put(0, 7, &mut out);
    out
}

fn zlib(bytes: &[u8]) -> Vec<u8> {
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(bytes).unwrap();
    z.finish().unwrap()
}

/// A one-page PDF whose content stream is `body` under the dictionary entries `dict`.
fn pdf(dict: &str, body: &[u8]) -> Vec<u8> {
    let mut content = format!("<< {dict} /Length {} >>\nstream\n", body.len()).into_bytes();
    content.extend_from_slice(body);
    content.extend_from_slice(b"\nendstream");
    let objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_vec(),
        content,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_vec(),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(o);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(b"xref\n0 6\n0000000000 65535 f \n");
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!("trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n").as_bytes(),
    );
    out
}

#[test]
fn pdf_filter_chain_bombs_are_refused_in_bounded_memory() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    // 4 GiB of zeros behind two Flate layers: a few KB on disk.
    let mut inner = vec![0x78, 0x9c];
    inner.extend_from_slice(&deflate_zeros(4 << 30));
    let chained = pdf("/Filter [/FlateDecode /FlateDecode]", &zlib(&inner));
    assert!(chained.len() < 200_000, "{}", chained.len());
    // The inner layer's zlib header is bad: the library retries it as raw deflate.
    inner[..2].copy_from_slice(&[0xff, 0xff]);
    let headerless = pdf("/Filter [/FlateDecode /FlateDecode]", &zlib(&inner));
    // An ASCII85 layer in front, and the filter names spelled with `#` escapes.
    let a85 = {
        let z = zlib(&inner);
        let mut s = Vec::new();
        for chunk in z.chunks(4) {
            let mut b = [0u8; 4];
            b[..chunk.len()].copy_from_slice(chunk);
            let mut v = u32::from_be_bytes(b);
            let mut g = [0u8; 5];
            for d in g.iter_mut().rev() {
                *d = (v % 85) as u8 + b'!';
                v /= 85;
            }
            s.extend_from_slice(&g[..chunk.len() + 1]);
        }
        s.extend_from_slice(b"~>");
        s
    };
    let escaped = pdf("/Filter [/ASCII85Decode /Fl#61teDecode /FlateDecode]", &a85);
    let files = [
        ("chained.pdf", chained),
        ("headerless.pdf", headerless),
        ("escaped.pdf", escaped),
    ];
    let mut paths = Vec::new();
    for (name, bytes) in &files {
        let p = dir.join(name);
        std::fs::write(&p, bytes).unwrap();
        paths.push(p.display().to_string());
    }
    let mut args = vec!["extract", "--json"];
    args.extend(paths.iter().map(String::as_str));
    let r = run(&args);
    assert_eq!(r.code, 1, "{}", r.stderr);
    for (name, _) in &files {
        let line = r
            .stderr
            .lines()
            .find(|l| l.contains(name))
            .unwrap_or_else(|| panic!("no error for {name}:\n{}", r.stderr));
        assert!(line.contains("compression bomb"), "{line}");
        assert!(line.contains("--max-expanded-bytes"), "{line}");
    }
    assert!(r.peak_kb < PEAK_BOUND_KB, "peaked at {} KB", r.peak_kb);

    // In an ingest batch the bombs fail and the batch goes on.
    let good = dir.join("good.txt");
    std::fs::write(
        &good,
        "The envoy met the council in the northern town on Monday.\n",
    )
    .unwrap();
    let data = dir.join("data");
    let mut args = vec!["ingest", "--data", data.to_str().unwrap()];
    args.extend(paths.iter().map(String::as_str));
    args.push(good.to_str().unwrap());
    let r = run(&args);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("ingested 1,") || r.stderr.contains("ingested 1 "),
        "{}",
        r.stderr
    );
    assert!(
        r.peak_kb < PEAK_BOUND_KB,
        "ingest peaked at {} KB",
        r.peak_kb
    );
}

fn sha256_hex(b: &[u8]) -> String {
    sitrep_store::dedup::sha256_hex(b)
}

#[test]
fn a_source_that_killed_an_earlier_run_is_failed_and_skipped_until_retried() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().canonicalize().unwrap();
    let culprit = dir.join("culprit.txt");
    let other = dir.join("other.txt");
    std::fs::write(&culprit, "Troops reached the bridge at dawn on Tuesday.\n").unwrap();
    std::fs::write(&other, "The minister opened the market in the village.\n").unwrap();
    let data = dir.join("data");
    std::fs::create_dir_all(&data).unwrap();
    // What a run that died while reading `culprit.txt` alone (a suspect of an earlier
    // death) leaves behind; `other.txt` was done.
    let key = culprit.display().to_string();
    let journal = format!(
        "+ s {} {}\n+ p {} {}\n- {}\n",
        sha256_hex(&std::fs::read(&culprit).unwrap()),
        serde_json::to_string(&key).unwrap(),
        sha256_hex(&std::fs::read(&other).unwrap()),
        serde_json::to_string(&other.display().to_string()).unwrap(),
        serde_json::to_string(&other.display().to_string()).unwrap(),
    );
    std::fs::write(data.join("ingest.journal"), journal).unwrap();
    let (d, c, o) = (
        data.to_str().unwrap(),
        culprit.to_str().unwrap(),
        other.to_str().unwrap(),
    );
    let r = run(&["ingest", "--data", d, c, o]);
    assert!(
        r.stderr
            .contains("culprit.txt: the process stopped while reading it"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("ingested 1,"), "{}", r.stderr);
    assert!(
        !data.join("ingest.journal").exists(),
        "a clean run leaves no journal"
    );
    let status = run(&["status", "--data", d]);
    assert!(
        status.stdout.contains("culprit.txt: the process stopped"),
        "{}",
        status.stdout
    );
    // A re-run skips it; --retry-failed reads it.
    let again = run(&["ingest", "--data", d, c, o]);
    assert!(again.stderr.contains("ingested 0,"), "{}", again.stderr);
    let retry = run(&["ingest", "--data", d, "--retry-failed", c, o]);
    assert!(retry.stderr.contains("ingested 1,"), "{}", retry.stderr);
}

#[test]
fn names_from_outside_are_escaped_before_they_reach_the_terminal() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().canonicalize().unwrap();
    let evil = dir.join("x\nsitrep: all good\u{1b}[2K.bin");
    std::fs::write(&evil, [0u8, 1, 2, 3, 0, 0, 0, 0, 255, 254].repeat(100)).unwrap();
    let data = dir.join("data");
    let r = run(&[
        "ingest",
        "--data",
        data.to_str().unwrap(),
        evil.to_str().unwrap(),
    ]);
    assert!(!r.stderr.contains('\u{1b}'), "{:?}", r.stderr);
    assert!(!r.stderr.contains("\nsitrep: all good"), "{:?}", r.stderr);
    assert!(
        r.stderr.contains("x\\nsitrep: all good\\u{1b}[2K.bin"),
        "{:?}",
        r.stderr
    );
    let s = run(&["status", "--data", data.to_str().unwrap()]);
    assert!(!s.stdout.contains('\u{1b}'), "{:?}", s.stdout);
}

#[test]
fn a_fifo_given_as_input_is_refused_not_waited_on() {
    let tmp = tempfile::tempdir().unwrap();
    let fifo = tmp.path().join("pipe.txt");
    let ok = Command::new("mkfifo").arg(&fifo).status();
    if !ok.is_ok_and(|s| s.success()) {
        return; // no mkfifo here: nothing to test
    }
    let data = tmp.path().join("data");
    let r = run(&[
        "ingest",
        "--data",
        data.to_str().unwrap(),
        fifo.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("not a regular file"), "{}", r.stderr);
    let r = run(&["extract", fifo.to_str().unwrap()]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("not a regular file"), "{}", r.stderr);
    let _ = &r.stdout;
}
