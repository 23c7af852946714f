//! The streams of a PDF found in its raw bytes, before the library parses anything. The
//! library parses an object where a cross-reference offset points, at `N G obj`; here
//! every `obj` keyword followed by a dictionary and the `stream` keyword is read the same
//! way (wherever it is: offsets may point into strings or other streams), and its data is
//! measured through the dictionary's filter chain. The lexer's work is bounded: a file
//! whose dictionaries take more than a few passes over its bytes is refused as too
//! convoluted to measure.

use super::pdf_bound::{Filter, Meter, Params, Refusal};

/// Measures every stream of the raw file against `meter`.
pub(super) fn measure_raw(bytes: &[u8], meter: &Meter) -> Result<(), Refusal> {
    let mut work = Work {
        left: 4 * bytes.len() as u64 + (1 << 20),
    };
    let mut i = 0;
    while let Some(p) = find(&bytes[i..], b"obj") {
        let at = i + p;
        i = at + 3;
        let before_ok = at > 0 && is_white(bytes[at - 1]);
        let after_ok = bytes
            .get(at + 3)
            .is_some_and(|&c| is_white(c) || is_delim(c));
        if !before_ok || !after_ok {
            continue;
        }
        let mut lx = Lexer {
            b: bytes,
            i: at + 3,
            work: &mut work,
        };
        lx.skip_white();
        if !lx.peek(b"<<") {
            continue;
        }
        let parsed = lx.value(0);
        if lx.work.left == 0 {
            return Err(Refusal::TooConvoluted);
        }
        let Some(Val::Dict(entries)) = parsed else {
            continue;
        };
        lx.skip_white();
        if !lx.peek(b"stream") {
            continue;
        }
        let Some(start) = data_start(bytes, lx.i + 6) else {
            continue;
        };
        let d = stream_dict(&entries);
        let next_end = find(&bytes[start..], b"endstream").map_or(bytes.len(), |p| start + p);
        let end = match d.length {
            Some(l) if l >= 0 => (start as u64)
                .saturating_add(l as u64)
                .min(bytes.len() as u64) as usize,
            _ => next_end,
        }
        .max(next_end);
        meter.measure(&bytes[start..end], &d.chain, d.params.as_ref())?;
    }
    Ok(())
}

/// What the lexer may still read, over the whole file.
struct Work {
    left: u64,
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Where the data starts after the keyword: after CR LF, LF or CR.
fn data_start(bytes: &[u8], i: usize) -> Option<usize> {
    match bytes.get(i..)? {
        [b'\r', b'\n', ..] => Some(i + 2),
        [b'\n', ..] | [b'\r', ..] => Some(i + 1),
        _ => None,
    }
}

/// A stream dictionary's entries that matter here.
#[derive(Debug, Clone, PartialEq, Default)]
struct StreamDict {
    chain: Vec<Filter>,
    params: Option<Params>,
    length: Option<i64>,
}

fn stream_dict(entries: &[(Vec<u8>, Val)]) -> StreamDict {
    let mut d = StreamDict::default();
    for (k, v) in entries {
        match (k.as_slice(), v) {
            (b"Filter", Val::Name(n)) => d.chain = vec![Filter::from_name(n)],
            (b"Filter", Val::Array(items)) => {
                // The library refuses a chain with anything but names in it.
                d.chain = items
                    .iter()
                    .map(|i| match i {
                        Val::Name(n) => Filter::from_name(n),
                        _ => Filter::Other,
                    })
                    .collect();
                if d.chain.contains(&Filter::Other) {
                    let cut = d
                        .chain
                        .iter()
                        .position(|f| *f == Filter::Other)
                        .unwrap_or(0);
                    d.chain.truncate(cut + 1);
                }
            }
            (b"DecodeParms", Val::Dict(p)) => {
                let int = |key: &[u8]| {
                    p.iter().find_map(|(k, v)| match v {
                        Val::Int(i) if k == key => Some(*i),
                        _ => None,
                    })
                };
                d.params = Some(Params {
                    predictor: int(b"Predictor"),
                    columns: int(b"Columns"),
                    colors: int(b"Colors"),
                    bits: int(b"BitsPerComponent"),
                    early_change: int(b"EarlyChange"),
                });
            }
            (b"Length", Val::Int(l)) => d.length = Some(*l),
            _ => {}
        }
    }
    d
}

/// A PDF value, as far as the stream dictionary needs it.
#[derive(Debug, Clone, PartialEq)]
enum Val {
    Name(Vec<u8>),
    Int(i64),
    Array(Vec<Val>),
    Dict(Vec<(Vec<u8>, Val)>),
    Other,
}

fn is_white(c: u8) -> bool {
    matches!(c, 0 | b'\t' | b'\n' | 0x0c | b'\r' | b' ')
}

fn is_delim(c: u8) -> bool {
    matches!(
        c,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

/// Nesting deeper than this is not a stream dictionary worth reading.
const MAX_NEST: usize = 64;

struct Lexer<'a> {
    b: &'a [u8],
    i: usize,
    work: &'a mut Work,
}

impl Lexer<'_> {
    /// Counts one step; false once the file's allowance is spent.
    fn step(&mut self) -> bool {
        self.work.left = self.work.left.saturating_sub(1);
        self.work.left > 0
    }

    fn skip_white(&mut self) {
        while self.i < self.b.len() && self.step() {
            let c = self.b[self.i];
            if is_white(c) {
                self.i += 1;
            } else if c == b'%' {
                while self.i < self.b.len() && !matches!(self.b[self.i], b'\r' | b'\n') {
                    self.i += 1;
                }
            } else {
                break;
            }
        }
    }

    fn peek(&self, s: &[u8]) -> bool {
        self.b[self.i..].starts_with(s)
    }

    fn value(&mut self, depth: usize) -> Option<Val> {
        if depth > MAX_NEST || !self.step() {
            return None;
        }
        self.skip_white();
        let c = *self.b.get(self.i)?;
        if self.peek(b"<<") {
            self.i += 2;
            let mut entries = Vec::new();
            loop {
                self.skip_white();
                if self.peek(b">>") {
                    self.i += 2;
                    return Some(Val::Dict(entries));
                }
                let Val::Name(k) = self.value(depth + 1)? else {
                    return None;
                };
                let v = self.value(depth + 1)?;
                entries.push((k, v));
            }
        }
        match c {
            b'[' => {
                self.i += 1;
                let mut items = Vec::new();
                loop {
                    self.skip_white();
                    if self.peek(b"]") {
                        self.i += 1;
                        return Some(Val::Array(items));
                    }
                    items.push(self.value(depth + 1)?);
                }
            }
            b'/' => {
                self.i += 1;
                let mut name = Vec::new();
                while let Some(&c) = self.b.get(self.i) {
                    if is_white(c) || is_delim(c) || !self.step() {
                        break;
                    }
                    self.i += 1;
                    if c == b'#' {
                        let hex = self.b.get(self.i..self.i + 2).and_then(|h| {
                            std::str::from_utf8(h)
                                .ok()
                                .and_then(|h| u8::from_str_radix(h, 16).ok())
                        });
                        if let Some(h) = hex {
                            name.push(h);
                            self.i += 2;
                            continue;
                        }
                    }
                    name.push(c);
                }
                Some(Val::Name(name))
            }
            b'(' => {
                let mut depth = 0usize;
                while let Some(&c) = self.b.get(self.i) {
                    if !self.step() {
                        return None;
                    }
                    self.i += 1;
                    match c {
                        b'\\' => self.i += 1,
                        b'(' => depth += 1,
                        b')' => {
                            depth -= 1;
                            if depth == 0 {
                                return Some(Val::Other);
                            }
                        }
                        _ => {}
                    }
                }
                None
            }
            b'<' => {
                let end = self.b[self.i..].iter().position(|&c| c == b'>')?;
                self.i += end + 1;
                self.work.left = self.work.left.saturating_sub(end as u64);
                Some(Val::Other)
            }
            _ if is_delim(c) => None,
            _ => {
                let start = self.i;
                while self.i < self.b.len()
                    && !is_white(self.b[self.i])
                    && !is_delim(self.b[self.i])
                    && self.step()
                {
                    self.i += 1;
                }
                let word = &self.b[start..self.i];
                let int = std::str::from_utf8(word)
                    .ok()
                    .and_then(|w| w.parse::<i64>().ok());
                match int {
                    Some(n) => {
                        // `12 0 R` is a reference, not two numbers.
                        let save = self.i;
                        self.skip_white();
                        let g = self.i;
                        while self.i < self.b.len() && self.b[self.i].is_ascii_digit() {
                            self.i += 1;
                        }
                        if self.i > g {
                            self.skip_white();
                            if self.peek(b"R")
                                && self
                                    .b
                                    .get(self.i + 1)
                                    .is_none_or(|&c| is_white(c) || is_delim(c))
                            {
                                self.i += 1;
                                return Some(Val::Other);
                            }
                        }
                        self.i = save;
                        Some(Val::Int(n))
                    }
                    None if word.is_empty() => None,
                    None => Some(Val::Other),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::pdf_bound::tests::deflate_zeros;
    use std::io::Write;

    fn zlib(b: &[u8]) -> Vec<u8> {
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        z.write_all(b).expect("in memory");
        z.finish().expect("in memory")
    }

    fn one_stream(dict: &str, data: &[u8]) -> Vec<u8> {
        let mut pdf = format!("%PDF-1.5\n4 0 obj\n{dict}\nstream\r\n").into_bytes();
        pdf.extend_from_slice(data);
        pdf.extend_from_slice(b"\nendstream\nendobj\n");
        pdf
    }

    fn dict_of(text: &[u8]) -> Option<StreamDict> {
        let mut work = Work { left: 1 << 20 };
        let mut lx = Lexer {
            b: text,
            i: 0,
            work: &mut work,
        };
        match lx.value(0)? {
            Val::Dict(e) => Some(stream_dict(&e)),
            _ => None,
        }
    }

    #[test]
    fn dictionaries_are_read_like_the_library_reads_them() {
        let d = dict_of(
            b"<< /Type /XObject /Fil#74er [ /FlateDecode /LZW#44ecode ] /Length 12 0 R % c\n /DecodeParms << /Predictor 12 /Columns 5 >> /S (a >> (b) \\) c) /H <ab> >>",
        )
        .expect("parses");
        assert_eq!(d.chain, vec![Filter::Flate, Filter::Lzw]);
        assert_eq!(d.params.and_then(|p| p.columns), Some(5));
        assert_eq!(d.length, None);
        assert_eq!(dict_of(b"<< /Length 5 >>").and_then(|d| d.length), Some(5));
        assert_eq!(dict_of(b"<< /Length 5"), None);
    }

    #[test]
    fn the_lexer_work_is_bounded() {
        let mut pdf = b"%PDF-1.4\n".to_vec();
        for _ in 0..20_000 {
            pdf.extend_from_slice(b"1 0 obj <</a(");
        }
        let m = Meter::new(1 << 20);
        assert_eq!(measure_raw(&pdf, &m), Err(Refusal::TooConvoluted));
    }

    #[test]
    fn chained_and_headerless_flate_bombs_are_found_in_the_raw_bytes() {
        let mut inner = vec![0x78, 0x9c];
        inner.extend_from_slice(&deflate_zeros(256 << 20));
        let chained = one_stream("<< /Filter [/FlateDecode /FlateDecode] >>", &zlib(&inner));
        let m = Meter::new(32 << 20);
        assert!(matches!(
            measure_raw(&chained, &m),
            Err(Refusal::OverBudget { .. })
        ));

        let mut headerless = b"\x00\x00".to_vec();
        headerless.extend_from_slice(&deflate_zeros(64 << 20));
        let pdf = one_stream("<< /Filter /FlateDecode /Length 3 >>", &headerless);
        let m = Meter::new(32 << 20);
        assert!(matches!(
            measure_raw(&pdf, &m),
            Err(Refusal::OverBudget { .. })
        ));

        // A name that hides the filter behind `#` escapes.
        let mut z = vec![0x78, 0x9c];
        z.extend_from_slice(&deflate_zeros(64 << 20));
        let pdf = one_stream("<< /Filter /Fl#61teDecode >>", &z);
        let m = Meter::new(32 << 20);
        assert!(matches!(
            measure_raw(&pdf, &m),
            Err(Refusal::OverBudget { .. })
        ));
    }

    #[test]
    fn an_object_hidden_in_a_string_is_measured_too() {
        // A cross-reference offset may point inside the string.
        let mut inner = vec![0x78, 0x9c];
        inner.extend_from_slice(&deflate_zeros(256 << 20));
        let mut pdf =
            b"%PDF-1.4\n1 0 obj\n(text 9 0 obj << /Filter [/FlateDecode /FlateDecode] >> stream\n"
                .to_vec();
        pdf.extend_from_slice(&zlib(&inner));
        pdf.extend_from_slice(b"\nendstream) endobj\n");
        let m = Meter::new(32 << 20);
        assert!(measure_raw(&pdf, &m).is_err());
    }

    #[test]
    fn ordinary_streams_pass() {
        let text = b"BT (The envoy arrived on Monday.) Tj ET\n".repeat(50);
        let pdf = one_stream(
            &format!("<< /Length {} /Filter /FlateDecode >>", zlib(&text).len()),
            &zlib(&text),
        );
        let m = Meter::new(1 << 20);
        assert_eq!(measure_raw(&pdf, &m), Ok(()));
        assert_eq!(m.used(), text.len() as u64);
    }
}
