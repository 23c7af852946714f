//! Archives (`.zip`, `.tar.gz`) and web archives (`.warc`, `.warc.gz`), read in memory with
//! limits: no entry larger than the per-entry cap, no more than the total cap in all, and no
//! entry whose name could escape a folder.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;

/// Limits on what an archive may expand to.
#[derive(Debug, Clone, Copy)]
pub struct Caps {
    /// Largest uncompressed entry.
    pub entry: u64,
    /// Largest uncompressed total.
    pub total: u64,
    /// Most entries.
    pub entries: usize,
}

/// One member of an archive: its name and its bytes, or why it was refused.
pub struct Member {
    /// Name inside the archive (a URL for WARC records).
    pub name: String,
    /// The bytes, or the reason it was refused.
    pub bytes: Result<Vec<u8>, String>,
}

/// The kind of container a path names, by its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `.zip`
    Zip,
    /// `.tar.gz`, `.tgz`
    TarGz,
    /// `.warc`, `.warc.gz`
    Warc,
}

/// Which container a file name names, if any.
pub fn kind_of(path: &Path) -> Option<Kind> {
    let n = path.file_name()?.to_str()?.to_ascii_lowercase();
    if n.ends_with(".zip") {
        Some(Kind::Zip)
    } else if n.ends_with(".tar.gz") || n.ends_with(".tgz") {
        Some(Kind::TarGz)
    } else if n.ends_with(".warc") || n.ends_with(".warc.gz") {
        Some(Kind::Warc)
    } else {
        None
    }
}

/// Why an entry name is unsafe, if it is: absolute, with `..`, a drive letter or a NUL.
pub fn unsafe_name(name: &str) -> Option<&'static str> {
    if name.contains('\0') {
        return Some("NUL in name");
    }
    let n = name.replace('\\', "/");
    if n.starts_with('/') {
        return Some("absolute path");
    }
    if n.len() >= 2 && n.as_bytes()[1] == b':' {
        return Some("drive letter");
    }
    if n.split('/').any(|c| c == "..") {
        return Some("path traversal (`..`)");
    }
    None
}

fn read_capped(r: impl Read, cap: u64, total: &mut u64, caps: &Caps) -> Result<Vec<u8>, String> {
    let mut buf = Vec::new();
    r.take(cap + 1)
        .read_to_end(&mut buf)
        .map_err(|e| format!("cannot decompress: {e}"))?;
    if buf.len() as u64 > cap {
        return Err(format!(
            "refused: entry expands to more than {cap} bytes (zip bomb?)"
        ));
    }
    *total += buf.len() as u64;
    if *total > caps.total {
        return Err(format!(
            "refused: archive expands to more than {} bytes in all (zip bomb?)",
            caps.total
        ));
    }
    Ok(buf)
}

/// Reads every file of a zip archive.
pub fn read_zip(path: &Path, caps: &Caps) -> Result<Vec<Member>, String> {
    let f = std::fs::File::open(path).map_err(|e| format!("cannot read: {e}"))?;
    let mut z = zip::ZipArchive::new(f).map_err(|e| format!("unreadable zip archive: {e}"))?;
    if z.len() > caps.entries {
        return Err(format!(
            "refused: {} entries (limit {})",
            z.len(),
            caps.entries
        ));
    }
    let mut out = Vec::new();
    let mut total = 0u64;
    for i in 0..z.len() {
        let e = match z.by_index(i) {
            Ok(e) => e,
            Err(e) => {
                out.push(Member {
                    name: format!("#{i}"),
                    bytes: Err(format!("unreadable entry: {e}")),
                });
                continue;
            }
        };
        let name = e.name().to_string();
        if e.is_dir() {
            continue;
        }
        let bytes = if let Some(why) = unsafe_name(&name) {
            Err(format!("refused: unsafe entry name: {why}"))
        } else if e.size() > caps.entry {
            Err(format!(
                "refused: entry declares {} bytes uncompressed (limit {})",
                e.size(),
                caps.entry
            ))
        } else {
            read_capped(e, caps.entry, &mut total, caps)
        };
        let stop = total > caps.total;
        out.push(Member { name, bytes });
        if stop {
            break;
        }
    }
    Ok(out)
}

/// Reads every regular file of a gzipped tar archive.
pub fn read_tar_gz(path: &Path, caps: &Caps) -> Result<Vec<Member>, String> {
    let f = std::fs::File::open(path).map_err(|e| format!("cannot read: {e}"))?;
    let mut a = tar::Archive::new(flate2::read::GzDecoder::new(BufReader::new(f)));
    let entries = a
        .entries()
        .map_err(|e| format!("unreadable tar archive: {e}"))?;
    let mut out = Vec::new();
    let mut total = 0u64;
    for (i, e) in entries.enumerate() {
        if i >= caps.entries {
            return Err(format!("refused: more than {} entries", caps.entries));
        }
        let e = match e {
            Ok(e) => e,
            Err(e) if out.is_empty() => return Err(format!("unreadable tar archive: {e}")),
            Err(e) => {
                out.push(Member {
                    name: format!("#{i}"),
                    bytes: Err(format!(
                        "damaged tar entry: {e}; the entries before it were kept"
                    )),
                });
                break;
            }
        };
        let name = String::from_utf8_lossy(&e.path_bytes()).into_owned();
        if !e.header().entry_type().is_file() {
            continue;
        }
        let bytes = if let Some(why) = unsafe_name(&name) {
            Err(format!("refused: unsafe entry name: {why}"))
        } else {
            read_capped(e, caps.entry, &mut total, caps)
        };
        let stop = total > caps.total;
        out.push(Member { name, bytes });
        if stop {
            break;
        }
    }
    Ok(out)
}

/// Reads the `response` records of a WARC file (gzipped or not): the HTTP bodies, named by
/// their target URI. Other record types are skipped.
pub fn read_warc(path: &Path, caps: &Caps) -> Result<Vec<Member>, String> {
    let f = std::fs::File::open(path).map_err(|e| format!("cannot read: {e}"))?;
    let gz = path
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.to_ascii_lowercase().ends_with(".gz"));
    let r: Box<dyn Read> = if gz {
        Box::new(flate2::read::MultiGzDecoder::new(BufReader::new(f)))
    } else {
        Box::new(f)
    };
    parse_warc(BufReader::new(r), caps)
}

/// Longest WARC version or header line accepted: a file without line breaks (1 GB of
/// zeros) must not be read into one string.
const MAX_WARC_LINE: u64 = 64 * 1024;

/// Reads one line of a WARC header, refusing lines longer than [`MAX_WARC_LINE`].
fn warc_line(r: &mut impl BufRead, line: &mut String) -> Result<usize, String> {
    line.clear();
    let n = r
        .take(MAX_WARC_LINE)
        .read_line(line)
        .map_err(|e| format!("unreadable WARC: {e}"))?;
    if n as u64 >= MAX_WARC_LINE && !line.ends_with('\n') {
        return Err(format!(
            "unreadable WARC: a header line longer than {MAX_WARC_LINE} bytes"
        ));
    }
    Ok(n)
}

/// The start of a line, for an error message.
fn excerpt(s: &str) -> String {
    let s = s.trim();
    match s.char_indices().nth(60) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

/// A reader that counts the bytes taken from it, for the offsets of damaged records.
struct Offset<R> {
    inner: R,
    at: u64,
}

impl<R: Read> Read for Offset<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.at += n as u64;
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Offset<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        self.inner.fill_buf()
    }
    fn consume(&mut self, n: usize) {
        self.at += n as u64;
        self.inner.consume(n);
    }
}

/// Parses a WARC stream. Every record before a damaged one is kept; the damaged one (a
/// truncated record, an unparsable `Content-Length`, garbage between records) becomes a
/// refused member that names its byte offset (in the decompressed stream), and reading
/// stops there. What the kept bodies hold after decompression counts against the archive's
/// total, so gzip-encoded bodies cannot multiply it.
pub fn parse_warc(r: impl BufRead, caps: &Caps) -> Result<Vec<Member>, String> {
    let mut r = Offset { inner: r, at: 0 };
    let mut out = Vec::new();
    let mut total = 0u64;
    let mut line = String::new();
    let damaged = |out: &mut Vec<Member>, at: u64, uri: &str, why: String| {
        let name = if uri.is_empty() {
            format!("record@{at}")
        } else {
            uri.to_string()
        };
        out.push(Member {
            name,
            bytes: Err(format!(
                "damaged WARC record at byte {at}: {why}; the records before it were kept"
            )),
        });
    };
    loop {
        let record_at = r.at;
        // Skip blank lines between records.
        let n = match warc_line(&mut r, &mut line) {
            Ok(n) => n,
            Err(e) if out.is_empty() => return Err(e),
            Err(e) => {
                damaged(&mut out, record_at, "", e);
                break;
            }
        };
        if n == 0 {
            break;
        }
        if line.trim().is_empty() {
            continue;
        }
        if !line.starts_with("WARC/") {
            let why = format!(
                "expected a `WARC/` version line, found `{}`",
                excerpt(&line)
            );
            if out.is_empty() {
                return Err(format!("unreadable WARC: {why}"));
            }
            damaged(&mut out, record_at, "", why);
            break;
        }
        let mut kind = String::new();
        let mut uri = String::new();
        let mut len: Result<u64, String> = Err("no Content-Length".into());
        let mut header_ok = true;
        loop {
            match warc_line(&mut r, &mut line) {
                Ok(0) => {
                    damaged(&mut out, record_at, &uri, "truncated header".into());
                    header_ok = false;
                    break;
                }
                Ok(_) => {}
                Err(e) => {
                    damaged(&mut out, record_at, &uri, e);
                    header_ok = false;
                    break;
                }
            }
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            if let Some((k, v)) = l.split_once(':') {
                match k.trim().to_ascii_lowercase().as_str() {
                    "warc-type" => kind = v.trim().to_ascii_lowercase(),
                    "warc-target-uri" => uri = v.trim().trim_matches(['<', '>']).to_string(),
                    "content-length" => {
                        len = v
                            .trim()
                            .parse()
                            .map_err(|_| format!("unparsable Content-Length `{}`", excerpt(v)))
                    }
                    _ => {}
                }
            }
        }
        if !header_ok {
            break;
        }
        let len = match len {
            Ok(l) => l,
            Err(why) => {
                damaged(&mut out, record_at, &uri, why);
                break;
            }
        };
        if out.len() >= caps.entries {
            out.push(Member {
                name: uri,
                bytes: Err(format!(
                    "refused: more than {} records; the records before it were kept",
                    caps.entries
                )),
            });
            break;
        }
        if kind != "response" || len > caps.entry {
            let skipped = std::io::copy(&mut (&mut r).take(len), &mut std::io::sink());
            if !skipped.is_ok_and(|n| n == len) {
                damaged(&mut out, record_at, &uri, "truncated record".into());
                break;
            }
            if kind == "response" {
                out.push(Member {
                    name: uri,
                    bytes: Err(format!(
                        "refused: record of {len} bytes (limit {})",
                        caps.entry
                    )),
                });
            }
            continue;
        }
        let mut block = Vec::with_capacity(len as usize);
        let read = (&mut r).take(len).read_to_end(&mut block);
        if read.is_err() || (block.len() as u64) < len {
            damaged(&mut out, record_at, &uri, "truncated record".into());
            break;
        }
        let left = caps.total.saturating_sub(total);
        let body = http_body(&block, caps.entry.min(left));
        drop(block);
        total += body.as_ref().map_or(0, |b| b.len() as u64);
        let over = match &body {
            Err(e) => e.starts_with("refused: body expands") && left < caps.entry,
            Ok(_) => false,
        };
        if over {
            out.push(Member {
                name: uri,
                bytes: Err(format!(
                    "refused: the archive expands to more than {} bytes in all (decompressed); the records before it were kept",
                    caps.total
                )),
            });
            break;
        }
        out.push(Member {
            name: uri,
            bytes: body,
        });
    }
    Ok(out)
}

/// The body of a raw HTTP response, de-chunked and decompressed as its headers say.
fn http_body(block: &[u8], cap: u64) -> Result<Vec<u8>, String> {
    let split = block
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|p| (p, p + 4))
        .or_else(|| {
            block
                .windows(2)
                .position(|w| w == b"\n\n")
                .map(|p| (p, p + 2))
        })
        .ok_or("HTTP response without a header end")?;
    let head = String::from_utf8_lossy(&block[..split.0]);
    let mut lines = head.lines();
    let status = lines.next().unwrap_or("");
    let code: u16 = status
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    if !(200..300).contains(&code) {
        return Err(format!("archived response is `{}`", status.trim()));
    }
    let mut chunked = false;
    let mut gzip = false;
    for l in lines {
        if let Some((k, v)) = l.split_once(':') {
            let (k, v) = (k.trim().to_ascii_lowercase(), v.trim().to_ascii_lowercase());
            if k == "transfer-encoding" && v.contains("chunked") {
                chunked = true;
            }
            if k == "content-encoding" && (v.contains("gzip") || v.contains("deflate")) {
                gzip = v.contains("gzip");
            }
        }
    }
    let mut body = block[split.1..].to_vec();
    if chunked {
        body = dechunk(&body).unwrap_or(body);
    }
    if gzip {
        let mut out = Vec::new();
        flate2::read::MultiGzDecoder::new(body.as_slice())
            .take(cap + 1)
            .read_to_end(&mut out)
            .map_err(|e| format!("cannot decompress the archived body: {e}"))?;
        if out.len() as u64 > cap {
            return Err(format!("refused: body expands to more than {cap} bytes"));
        }
        body = out;
    }
    Ok(body)
}

fn dechunk(mut b: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let eol = b.windows(2).position(|w| w == b"\r\n")?;
        let size_str = std::str::from_utf8(&b[..eol]).ok()?;
        let size = usize::from_str_radix(size_str.split(';').next()?.trim(), 16).ok()?;
        b = &b[eol + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(b.get(..size)?);
        b = b.get(size + 2..).unwrap_or(&[]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CAPS: Caps = Caps {
        entry: 1 << 20,
        total: 1 << 22,
        entries: 100,
    };

    #[test]
    fn names() {
        assert!(unsafe_name("../../etc/passwd").is_some());
        assert!(unsafe_name("/etc/passwd").is_some());
        assert!(unsafe_name("a\\..\\b").is_some());
        assert!(unsafe_name("C:/x").is_some());
        assert!(unsafe_name("dir/file..txt").is_none());
    }

    #[test]
    fn warc_responses() {
        let http1 = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html><body><p>Hello</p></body></html>";
        let http2 = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nHello\r\n6\r\n world\r\n0\r\n\r\n";
        let mut w = String::new();
        w.push_str("WARC/1.0\r\nWARC-Type: warcinfo\r\nContent-Length: 4\r\n\r\nabcd\r\n\r\n");
        for (u, h) in [("http://a.example/1", http1), ("http://a.example/2", http2)] {
            w.push_str(&format!(
                "WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: <{u}>\r\nContent-Length: {}\r\n\r\n{h}\r\n\r\n",
                h.len()
            ));
        }
        let m = parse_warc(w.as_bytes(), &CAPS).expect("parses");
        assert_eq!(m.len(), 2);
        assert_eq!(m[0].name, "http://a.example/1");
        assert!(String::from_utf8_lossy(m[0].bytes.as_ref().expect("ok")).contains("Hello"));
        assert_eq!(m[1].bytes.as_deref().expect("ok"), b"Hello world");
    }

    #[test]
    fn warc_without_line_breaks_is_refused_without_reading_it_all() {
        // 1 GB of zeros, produced lazily: a reader that looked for the end of the line
        // would buffer all of it.
        let zeros = std::io::BufReader::new(std::io::repeat(0).take(1 << 30));
        let e = parse_warc(zeros, &CAPS).err().expect("refused");
        assert!(e.contains("header line longer than"), "{e}");
        let e = parse_warc(&b"GARBAGE not a warc at all\n"[..], &CAPS)
            .err()
            .expect("refused");
        assert!(e.contains("`GARBAGE not a warc at all`"), "{e}");
    }

    fn record(uri: &str, http: &[u8]) -> Vec<u8> {
        let mut r = format!(
            "WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: <{uri}>\r\nContent-Length: {}\r\n\r\n",
            http.len()
        )
        .into_bytes();
        r.extend_from_slice(http);
        r.extend_from_slice(b"\r\n\r\n");
        r
    }

    fn page(text: &str) -> Vec<u8> {
        format!("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>{text}</p>").into_bytes()
    }

    #[test]
    fn records_before_a_damaged_one_are_kept_and_the_damage_located() {
        let mut w = record("http://a.example/1", &page("first"));
        w.extend(record("http://a.example/2", &page("second")));
        let good = w.len();
        // An interrupted crawl: the last record is cut short.
        let mut cut = w.clone();
        cut.extend_from_slice(&record("http://a.example/3", &page("third"))[..90]);
        let m = parse_warc(&cut[..], &CAPS).expect("kept");
        assert_eq!(m.len(), 3);
        assert!(m[0].bytes.is_ok() && m[1].bytes.is_ok());
        let e = m[2].bytes.as_ref().unwrap_err();
        assert!(
            e.contains(&format!("damaged WARC record at byte {good}: truncated")),
            "{e}"
        );
        // An unparsable Content-Length.
        let mut bad = w.clone();
        bad.extend_from_slice(b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 12x\r\n\r\nabc");
        let m = parse_warc(&bad[..], &CAPS).expect("kept");
        assert_eq!(m.len(), 3);
        let e = m[2].bytes.as_ref().unwrap_err();
        assert!(e.contains("unparsable Content-Length `12x`"), "{e}");
        assert_eq!(m[2].name, format!("record@{good}"));
    }

    #[test]
    fn gzip_bodies_count_decompressed_against_the_archive_total() {
        use std::io::Write;
        let mut z = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        z.write_all(&vec![b'a'; 900_000]).expect("in memory");
        let gz = z.finish().expect("in memory");
        let mut http = b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\r\n".to_vec();
        http.extend_from_slice(&gz);
        let mut w = Vec::new();
        for i in 0..10 {
            w.extend(record(&format!("http://a.example/{i}"), &http));
        }
        assert!(w.len() < 100_000);
        // 1 MB per record, 4 MB in all: four 900 KB bodies fit, the fifth does not.
        let m = parse_warc(&w[..], &CAPS).expect("kept");
        assert_eq!(m.iter().filter(|m| m.bytes.is_ok()).count(), 4);
        assert_eq!(m.len(), 5);
        let e = m[4].bytes.as_ref().unwrap_err();
        assert!(
            e.contains("expands to more than 4194304 bytes in all"),
            "{e}"
        );
    }
}
