//! Bounded decoding of PDF stream filter chains: how much the PDF library would inflate,
//! measured before it does, with one budget for the whole file.
//!
//! The library (`lopdf`, under `pdf-extract`) decodes a stream by applying every filter of
//! its `/Filter` chain in turn, each into memory: `/FlateDecode` (retried as raw deflate
//! when the zlib header is bad), `/LZWDecode` and `/ASCII85Decode`, each followed by the PNG
//! predictor of `/DecodeParms`; it stops with an error at any other filter. Here the same
//! chain is decoded as nested streaming readers into a counter, never kept: every byte
//! every stage produces is charged to the budget, and decoding stops at the budget. Memory
//! stays at a few buffers whatever the chain.
//!
//! Three places use it (see `pdf.rs`): the raw bytes before the library parses anything
//! (every `stream` keyword, with the dictionary in front of it: this covers the
//! cross-reference and object streams the library inflates while loading), each object
//! stream as the library loads it, and every stream of the loaded document before any
//! text is extracted.

use std::cell::Cell;
use std::io::{self, Read};
use std::rc::Rc;

/// A filter of a stream's chain, as the library knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Filter {
    /// `/FlateDecode`.
    Flate,
    /// `/LZWDecode`.
    Lzw,
    /// `/ASCII85Decode`.
    Ascii85,
    /// Anything else: the library stops the chain there with an error.
    Other,
}

impl Filter {
    /// The filter named `name` (without the slash, `#xx` escapes decoded).
    pub(super) fn from_name(name: &[u8]) -> Filter {
        match name {
            b"FlateDecode" => Filter::Flate,
            b"LZWDecode" => Filter::Lzw,
            b"ASCII85Decode" => Filter::Ascii85,
            _ => Filter::Other,
        }
    }
}

/// The `/DecodeParms` entries the library reads (all of one dictionary, applied after
/// every Flate and LZW stage).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Params {
    /// `/Predictor`.
    pub predictor: Option<i64>,
    /// `/Columns`.
    pub columns: Option<i64>,
    /// `/Colors`.
    pub colors: Option<i64>,
    /// `/BitsPerComponent`.
    pub bits: Option<i64>,
    /// `/EarlyChange`.
    pub early_change: Option<i64>,
}

impl Params {
    /// Bytes per pixel and per row of the PNG predictor, computed as the library does, when
    /// one applies.
    fn png(&self) -> Option<(u128, u128)> {
        let predictor = self.predictor.unwrap_or(1);
        if !(10..=15).contains(&predictor) {
            return None;
        }
        let as_len = |v: Option<i64>, min: i64| v.unwrap_or(min).max(min) as u64 as u128;
        let bpp = as_len(self.colors, 1) * as_len(self.bits, 8) / 8;
        Some((bpp, bpp * as_len(self.columns, 1)))
    }
}

/// Why the streams of a PDF were refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Refusal {
    /// What the filter chains produce passed the budget; `at_least` bytes when counting
    /// stopped.
    OverBudget {
        /// Bytes produced when the count stopped.
        at_least: u64,
        /// The budget.
        limit: u64,
    },
    /// A PNG predictor row (`/Columns` × `/Colors` × `/BitsPerComponent`) larger than the
    /// budget: the library allocates two rows before reading any data.
    RowTooLarge(u128),
    /// The file's dictionaries take more than a few passes over its bytes to read.
    TooConvoluted,
    /// An encrypted file with object streams: they are inflated while loading, after
    /// decryption, where nothing can measure them first.
    EncryptedObjectStreams,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::OverBudget { at_least, limit } => write!(
                f,
                "compressed streams expand to more than {limit} bytes (at least {at_least}; a compression bomb?); raise --max-expanded-bytes to read it"
            ),
            Refusal::RowTooLarge(row) => write!(
                f,
                "a stream's predictor rows are {row} bytes each, more than the expansion limit (a compression bomb?); raise --max-expanded-bytes to read it"
            ),
            Refusal::TooConvoluted => {
                f.write_str("its object dictionaries are too convoluted to measure before reading")
            }
            Refusal::EncryptedObjectStreams => f.write_str(
                "encrypted, with compressed object streams that cannot be measured before decryption; decrypt it first (e.g. qpdf --decrypt in.pdf out.pdf)",
            ),
        }
    }
}

/// What every stage of every chain has produced, against one budget.
#[derive(Debug, Clone)]
pub(super) struct Meter {
    used: Rc<Cell<u64>>,
    limit: u64,
}

const OVER: &str = "sitrep: expansion budget spent";

impl Meter {
    /// A meter that refuses past `limit` bytes.
    pub(super) fn new(limit: u64) -> Meter {
        Meter {
            used: Rc::new(Cell::new(0)),
            limit,
        }
    }

    /// Bytes counted so far.
    #[cfg(test)]
    pub(super) fn used(&self) -> u64 {
        self.used.get()
    }

    fn charge(&self, n: u64) -> io::Result<()> {
        let used = self.used.get().saturating_add(n);
        self.used.set(used);
        if used > self.limit {
            Err(io::Error::other(OVER))
        } else {
            Ok(())
        }
    }

    fn check(&self) -> Result<(), Refusal> {
        if self.used.get() > self.limit {
            Err(Refusal::OverBudget {
                at_least: self.used.get(),
                limit: self.limit,
            })
        } else {
            Ok(())
        }
    }

    /// Decodes `data` through `chain` as the library would, charging every byte of every
    /// stage. Errors inside the data end the chain there (the library stops there too);
    /// only the budget refuses.
    pub(super) fn measure(
        &self,
        data: &[u8],
        chain: &[Filter],
        params: Option<&Params>,
    ) -> Result<(), Refusal> {
        let mut r: Box<dyn Read + '_> = Box::new(data);
        for f in chain {
            r = match f {
                Filter::Flate => {
                    // The zlib decoder and the library's raw-deflate fallback (after a bad
                    // header) both decode the deflate data after the two header bytes.
                    let mut header = [0u8; 2];
                    let mut got = 0;
                    while got < 2 {
                        match r.read(&mut header[got..]) {
                            Ok(0) | Err(_) => break,
                            Ok(n) => got += n,
                        }
                    }
                    if got < 2 {
                        break;
                    }
                    Box::new(flate2::read::DeflateDecoder::new(r))
                }
                Filter::Lzw => {
                    let early = params.and_then(|p| p.early_change).is_none_or(|v| v != 0);
                    Box::new(Lzw::new(r, early))
                }
                Filter::Ascii85 => Box::new(Ascii85::new(r)),
                Filter::Other => break,
            };
            r = Box::new(Counted {
                inner: r,
                meter: self.clone(),
            });
            if matches!(f, Filter::Flate | Filter::Lzw) {
                if let Some((bpp, row)) = params.and_then(Params::png) {
                    if row.saturating_mul(2) > u128::from(self.limit) {
                        return Err(Refusal::RowTooLarge(row));
                    }
                    if self.charge(2 * row as u64).is_err() {
                        return self.check();
                    }
                    r = Box::new(Counted {
                        inner: Box::new(Png::new(r, bpp as usize, row as usize)),
                        meter: self.clone(),
                    });
                }
            }
        }
        let _ = io::copy(&mut r, &mut io::sink());
        self.check()
    }
}

/// Charges what passes through to the meter; fails once the budget is spent.
struct Counted<'a> {
    inner: Box<dyn Read + 'a>,
    meter: Meter,
}

impl Read for Counted<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.meter.charge(n as u64)?;
        Ok(n)
    }
}

/// `/LZWDecode` as the library configures `weezl` (MSB first, 8-bit symbols, early change
/// unless `/EarlyChange 0`); stops at the end code or the first error.
struct Lzw<'a> {
    inner: Box<dyn Read + 'a>,
    dec: weezl::decode::Decoder,
    buf: Vec<u8>,
    start: usize,
    end: usize,
    eof: bool,
    done: bool,
}

impl<'a> Lzw<'a> {
    fn new(inner: Box<dyn Read + 'a>, early_change: bool) -> Self {
        use weezl::{decode::Decoder, BitOrder};
        let dec = if early_change {
            Decoder::with_tiff_size_switch(BitOrder::Msb, 8)
        } else {
            Decoder::new(BitOrder::Msb, 8)
        };
        Lzw {
            inner,
            dec,
            buf: vec![0; 16 * 1024],
            start: 0,
            end: 0,
            eof: false,
            done: false,
        }
    }
}

impl Read for Lzw<'_> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if out.is_empty() {
            return Ok(0);
        }
        loop {
            if self.done {
                return Ok(0);
            }
            if self.start == self.end && !self.eof {
                self.end = self.inner.read(&mut self.buf)?;
                self.start = 0;
                self.eof = self.end == 0;
            }
            let res = self.dec.decode_bytes(&self.buf[self.start..self.end], out);
            self.start += res.consumed_in;
            match res.status {
                Ok(weezl::LzwStatus::Done) | Err(_) => self.done = true,
                Ok(weezl::LzwStatus::NoProgress) if self.eof => self.done = true,
                Ok(_) => {}
            }
            if res.consumed_out > 0 {
                return Ok(res.consumed_out);
            }
            if self.eof && res.consumed_in == 0 {
                self.done = true;
            }
        }
    }
}

/// `/ASCII85Decode` as the library decodes it: whitespace skipped, `z` for four zero
/// bytes, the first other character outside `!`..`u` ends the data.
struct Ascii85<'a> {
    inner: Box<dyn Read + 'a>,
    buf: Vec<u8>,
    pending: Vec<u8>,
    at: usize,
    group: u32,
    count: usize,
    done: bool,
}

impl<'a> Ascii85<'a> {
    fn new(inner: Box<dyn Read + 'a>) -> Self {
        Ascii85 {
            inner,
            buf: vec![0; 16 * 1024],
            pending: Vec::new(),
            at: 0,
            group: 0,
            count: 0,
            done: false,
        }
    }

    /// Decodes the next chunk of input into `pending`.
    fn fill(&mut self) -> io::Result<()> {
        self.pending.clear();
        self.at = 0;
        let n = self.inner.read(&mut self.buf)?;
        let bad = || io::Error::new(io::ErrorKind::InvalidData, "bad ASCII85 data");
        let mut end = n == 0;
        for &c in &self.buf[..n] {
            if c == b'z' {
                if self.count != 0 {
                    return Err(bad());
                }
                self.pending.extend_from_slice(&[0; 4]);
            } else if c.is_ascii_whitespace() {
            } else if (b'!'..=b'u').contains(&c) {
                self.group = self
                    .group
                    .checked_mul(85)
                    .and_then(|g| g.checked_add(u32::from(c - b'!')))
                    .ok_or_else(bad)?;
                self.count += 1;
                if self.count == 5 {
                    self.pending.extend_from_slice(&self.group.to_be_bytes());
                    self.group = 0;
                    self.count = 0;
                }
            } else {
                end = true;
                break;
            }
        }
        if end {
            self.done = true;
            if self.count > 0 {
                for _ in self.count..5 {
                    self.group = self
                        .group
                        .checked_mul(85)
                        .and_then(|g| g.checked_add(84))
                        .ok_or_else(bad)?;
                }
                let bytes = self.group.to_be_bytes();
                self.pending.extend_from_slice(&bytes[..self.count - 1]);
            }
        }
        Ok(())
    }
}

impl Read for Ascii85<'_> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        while self.at == self.pending.len() {
            if self.done {
                return Ok(0);
            }
            self.fill()?;
        }
        let n = out.len().min(self.pending.len() - self.at);
        out[..n].copy_from_slice(&self.pending[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

/// The PNG predictor, row by row as the library's `decode_frame` does: a filter-type byte,
/// then a row; a bad type byte or a short last row is an error.
struct Png<'a> {
    inner: Box<dyn Read + 'a>,
    bpp: usize,
    prev: Vec<u8>,
    cur: Vec<u8>,
    at: usize,
    done: bool,
}

impl<'a> Png<'a> {
    fn new(inner: Box<dyn Read + 'a>, bpp: usize, row: usize) -> Self {
        Png {
            inner,
            bpp,
            prev: vec![0; row],
            cur: vec![0; row],
            at: row,
            done: false,
        }
    }
}

impl Read for Png<'_> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        use pdf_extract::filters::png::{decode_row, FilterType};
        if self.at == self.cur.len() {
            if self.done {
                return Ok(0);
            }
            let mut t = [0u8; 1];
            if self.inner.read(&mut t)? == 0 {
                self.done = true;
                return Ok(0);
            }
            let filter = FilterType::try_from(t[0])
                .map_err(|()| io::Error::new(io::ErrorKind::InvalidData, "bad PNG row type"))?;
            std::mem::swap(&mut self.prev, &mut self.cur);
            self.inner.read_exact(&mut self.cur)?;
            decode_row(filter, self.bpp, &self.prev, &mut self.cur);
            self.at = 0;
            if self.cur.is_empty() {
                return Ok(0);
            }
        }
        let n = out.len().min(self.cur.len() - self.at);
        out[..n].copy_from_slice(&self.cur[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use std::io::Write;

    /// `n` zero bytes as raw deflate, written by hand (a literal, then length-258 copies at
    /// distance 1 in one fixed-Huffman block): 13 bits per 258 bytes, built in
    /// milliseconds whatever `n`.
    pub(in crate::read) fn deflate_zeros(n: u64) -> Vec<u8> {
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
        // Huffman codes go most significant bit first.
        let rev =
            |code: u64, len: u32| (0..len).fold(0, |r, i| r | ((code >> i) & 1) << (len - 1 - i));
        put(0b011, 3, &mut out); // BFINAL, fixed Huffman
        let literal0 = rev(0x30, 8);
        let copy258 = rev(0xc5, 8); // length code 285, then distance code 0 (5 zero bits)
        if n > 0 {
            put(literal0, 8, &mut out);
            for _ in 0..(n - 1) / 258 {
                put(copy258, 13, &mut out);
            }
            for _ in 0..(n - 1) % 258 {
                put(literal0, 8, &mut out);
            }
        }
        put(0, 7, &mut out); // end of block
        put(0, 7, &mut out); // flush
        out
    }

    fn zlib(b: &[u8]) -> Vec<u8> {
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        z.write_all(b).expect("in memory");
        z.finish().expect("in memory")
    }

    fn inflated_len(data: &[u8], chain: &[Filter], params: Option<&Params>) -> u64 {
        let m = Meter::new(u64::MAX);
        m.measure(data, chain, params).expect("no budget");
        m.used()
    }

    #[test]
    fn hand_written_deflate_is_what_it_claims() {
        let z = deflate_zeros(1_000_000);
        let mut out = Vec::new();
        flate2::read::DeflateDecoder::new(&z[..])
            .read_to_end(&mut out)
            .expect("valid deflate");
        assert_eq!(out.len(), 1_000_000);
        assert!(out.iter().all(|&b| b == 0));
        assert!(z.len() < 8_000, "{}", z.len());
    }

    #[test]
    fn a_chain_is_counted_stage_by_stage() {
        let text = b"BT (Convoy reached the river crossing.) Tj ET".repeat(100);
        let one = zlib(&text);
        assert_eq!(
            inflated_len(&one, &[Filter::Flate], None),
            text.len() as u64
        );
        let two = zlib(&one);
        assert_eq!(
            inflated_len(&two, &[Filter::Flate, Filter::Flate], None),
            (one.len() + text.len()) as u64
        );
        // The filter the library cannot decode ends the chain.
        assert_eq!(
            inflated_len(&two, &[Filter::Flate, Filter::Other, Filter::Flate], None),
            one.len() as u64
        );
    }

    #[test]
    fn chained_flate_bombs_stop_at_the_budget() {
        let mut zlib_inner = vec![0x78, 0x9c];
        zlib_inner.extend_from_slice(&deflate_zeros(1 << 30));
        let outer = zlib(&zlib_inner);
        assert!(outer.len() < 100_000, "{}", outer.len());
        let m = Meter::new(8 << 20);
        let r = m.measure(&outer, &[Filter::Flate, Filter::Flate], None);
        assert!(
            matches!(r, Err(Refusal::OverBudget { at_least, .. }) if at_least > 8 << 20),
            "{r:?}"
        );
        // Only the first layer: 6 MB of deflate data, under the budget.
        let m = Meter::new(8 << 20);
        assert_eq!(m.measure(&outer, &[Filter::Flate], None), Ok(()));
    }

    #[test]
    fn a_bad_zlib_header_is_read_as_raw_deflate_like_the_library_does() {
        let mut data = vec![0xff, 0xff];
        data.extend_from_slice(&deflate_zeros(64 << 20));
        let m = Meter::new(16 << 20);
        assert!(matches!(
            m.measure(&data, &[Filter::Flate], None),
            Err(Refusal::OverBudget { .. })
        ));
    }

    #[test]
    fn lzw_and_ascii85_stages_are_measured() {
        let zeros = vec![0u8; 4 << 20];
        let lzw = weezl::encode::Encoder::with_tiff_size_switch(weezl::BitOrder::Msb, 8)
            .encode(&zeros)
            .expect("encodes");
        assert!(lzw.len() < zeros.len() / 100, "{}", lzw.len());
        assert_eq!(inflated_len(&lzw, &[Filter::Lzw], None), zeros.len() as u64);
        let m = Meter::new(1 << 20);
        assert!(m.measure(&lzw, &[Filter::Lzw], None).is_err());
        // `z` is four zero bytes: ASCII85 expands four times at most.
        let a85 = [b"z".repeat(1000), b"~>".to_vec()].concat();
        assert_eq!(inflated_len(&a85, &[Filter::Ascii85], None), 4000);
        assert_eq!(inflated_len(b"9jqo^~>", &[Filter::Ascii85], None), 4);
    }

    #[test]
    fn predictor_rows_larger_than_the_budget_are_refused_before_allocation() {
        let p = Params {
            predictor: Some(12),
            columns: Some(1 << 40),
            colors: Some(4),
            ..Params::default()
        };
        let m = Meter::new(256 << 20);
        assert!(matches!(
            m.measure(&zlib(b"\x00abcd"), &[Filter::Flate], Some(&p)),
            Err(Refusal::RowTooLarge(_))
        ));
        // A sane predictor decodes like the library.
        let p = Params {
            predictor: Some(12),
            columns: Some(4),
            ..Params::default()
        };
        let rows = zlib(b"\x00abcd\x02\x01\x01\x01\x01");
        assert_eq!(
            inflated_len(&rows, &[Filter::Flate], Some(&p)),
            10 + 2 * 4 + 8
        );
    }
}
