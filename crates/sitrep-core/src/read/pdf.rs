//! PDF reader: the text layer, through `pdf-extract`, with panics in the parser contained
//! and every stream measured before the library inflates it (see `pdf_bound.rs`): the raw
//! bytes first, then each object stream as the library loads it, then every stream of the
//! loaded document. What the filter chains of one file produce, in all, is held to
//! `--max-expanded-bytes`; the file is refused before the library goes past it.

use std::cell::RefCell;

use pdf_extract::{Document, LoadOptions, Object, ObjectId, Stream};

use super::pdf_bound::{Filter, Meter, Params, Refusal};
use super::pdf_scan::measure_raw;
use super::{catch_panic, RawDoc};
use crate::document::{Format, Meta};
use crate::error::{Error, Result};

pub(super) fn read(source: &str, bytes: &[u8], max_expanded: u64) -> Result<RawDoc> {
    let fail = |why: String| Error::Pdf(source.to_string(), why);
    measure_raw(bytes, &Meter::new(max_expanded)).map_err(|r| fail(r.to_string()))?;
    if has_key(bytes, b"/Encrypt") && has_key(bytes, b"/ObjStm") {
        return Err(fail(Refusal::EncryptedObjectStreams.to_string()));
    }
    let text = catch_panic(|| extract(bytes, max_expanded))
        .map_err(|p| fail(format!("parser failure: {p}")))?
        .map_err(fail)?;
    if text.trim().is_empty() {
        return Err(fail(
            "no text layer (a scanned PDF needs OCR first)".to_string(),
        ));
    }
    Ok(RawDoc {
        source: source.to_string(),
        format: Format::Pdf,
        text,
        meta: Meta::default(),
        blocks: Vec::new(),
    })
}

/// True when `key` appears as a whole name (not the start of a longer one).
fn has_key(bytes: &[u8], key: &[u8]) -> bool {
    bytes.windows(key.len() + 1).any(|w| {
        w.starts_with(key)
            && !w[key.len()].is_ascii_alphanumeric()
            && !matches!(w[key.len()], b'#' | b'_' | b'-' | b'.')
    })
}

thread_local! {
    /// The budget of the object streams of the file being loaded on this thread, and why
    /// one was refused. The library calls [`guard`] through a plain `fn` pointer, and loads
    /// on the calling thread.
    static LOADING: RefCell<Option<(Meter, Option<Refusal>)>> = const { RefCell::new(None) };
}

/// Called by the library on every object as it loads, before it inflates object streams:
/// an object stream past the budget is emptied (and the file refused after loading).
fn guard(id: ObjectId, obj: &mut Object) -> Option<(ObjectId, Object)> {
    if let Ok(s) = obj.as_stream_mut() {
        if s.dict.has_type(b"ObjStm") {
            LOADING.with(|l| {
                if let Some((meter, refused)) = l.borrow_mut().as_mut() {
                    if refused.is_none() {
                        if let Err(r) = measure_stream(s, meter) {
                            *refused = Some(r);
                        }
                    }
                    if refused.is_some() {
                        s.content.clear();
                    }
                }
            });
        }
        // The library keeps the object it passed in; what is returned for top-level
        // objects is dropped, and streams are never inside object streams.
        return Some((id, Object::Null));
    }
    Some((id, obj.clone()))
}

/// Measures one loaded stream's filter chain as the library would decode it.
fn measure_stream(s: &Stream, meter: &Meter) -> std::result::Result<(), Refusal> {
    let Ok(names) = s.filters() else {
        return Ok(()); // no /Filter (or not names): the library does not decode it
    };
    let chain: Vec<Filter> = names.into_iter().map(Filter::from_name).collect();
    let params = s.dict.get(b"DecodeParms").and_then(Object::as_dict).ok();
    let params = params.map(|p| {
        let int = |k: &[u8]| p.get(k).and_then(Object::as_i64).ok();
        Params {
            predictor: int(b"Predictor"),
            columns: int(b"Columns"),
            colors: int(b"Colors"),
            bits: int(b"BitsPerComponent"),
            early_change: int(b"EarlyChange"),
        }
    });
    meter.measure(&s.content, &chain, params.as_ref())
}

fn extract(bytes: &[u8], max_expanded: u64) -> std::result::Result<String, String> {
    LOADING.with(|l| *l.borrow_mut() = Some((Meter::new(max_expanded), None)));
    let options = LoadOptions {
        filter: Some(guard),
        ..LoadOptions::default()
    };
    let loaded = Document::load_mem_with_options(bytes, options);
    let refused = LOADING.with(|l| l.borrow_mut().take()).and_then(|(_, r)| r);
    if let Some(r) = refused {
        return Err(r.to_string());
    }
    let mut doc = loaded.map_err(|e| e.to_string())?;
    if doc.is_encrypted() {
        // As pdf-extract does: the empty user password, or a clear error.
        doc.decrypt("").map_err(|e| e.to_string())?;
    }
    let meter = Meter::new(max_expanded);
    for obj in doc.objects.values() {
        if let Object::Stream(s) = obj {
            measure_stream(s, &meter).map_err(|r| r.to_string())?;
        }
    }
    let mut text = String::new();
    {
        let mut out = pdf_extract::PlainTextOutput::new(&mut text);
        pdf_extract::output_doc(&doc, &mut out).map_err(|e| e.to_string())?;
    }
    Ok(text)
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

    /// A one-page PDF whose content stream is `body` under `dict`, with a real xref table.
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

    const TEXT: &[u8] = b"BT /F1 11 Tf 50 780 Td (Rebels crossed the river at dawn.) Tj ET\n";

    #[test]
    fn chained_filters_decode_and_are_read() {
        let body = zlib(&zlib(TEXT));
        let doc = read(
            "ok.pdf",
            &pdf("/Filter [/FlateDecode /FlateDecode]", &body),
            1 << 20,
        )
        .expect("reads");
        assert!(
            doc.text.contains("Rebels crossed the river"),
            "{}",
            doc.text
        );
    }

    #[test]
    fn chained_flate_bombs_are_refused_before_the_library_inflates_them() {
        let mut inner = vec![0x78, 0x9c];
        inner.extend_from_slice(&deflate_zeros(64 << 20));
        let body = zlib(&inner);
        assert!(body.len() < 20_000, "{}", body.len());
        let e = read(
            "bomb.pdf",
            &pdf("/Filter [/FlateDecode /FlateDecode]", &body),
            1 << 20,
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.starts_with(
                "bomb.pdf: unreadable PDF: compressed streams expand to more than 1048576 bytes"
            ),
            "{e}"
        );
        assert!(e.contains("--max-expanded-bytes"), "{e}");
        // With room for it, the same file is read (the zeros are no text).
        let e = read(
            "bomb.pdf",
            &pdf("/Filter [/FlateDecode /FlateDecode]", &body),
            1 << 30,
        )
        .unwrap_err()
        .to_string();
        assert!(!e.contains("expand"), "{e}");
    }

    #[test]
    fn many_small_streams_count_together() {
        let small = zlib(&vec![b' '; 1 << 20]);
        let mut many = b"%PDF-1.4\n".to_vec();
        for i in 0..8 {
            many.extend_from_slice(
                format!("{} 0 obj << /Filter /FlateDecode >> stream\n", i + 1).as_bytes(),
            );
            many.extend_from_slice(&small);
            many.extend_from_slice(b"\nendstream endobj\n");
        }
        assert!(measure_raw(&many, &Meter::new(6 << 20)).is_err());
        assert!(measure_raw(&many, &Meter::new(9 << 20)).is_ok());
    }

    #[test]
    fn encrypted_files_with_object_streams_are_refused_with_a_way_out() {
        let mut p = pdf("", TEXT);
        p.extend_from_slice(
            b"9 0 obj << /Type /ObjStm /N 0 /First 0 >> endobj\ntrailer << /Encrypt 10 0 R >>\n",
        );
        let e = read("locked.pdf", &p, 1 << 20).unwrap_err().to_string();
        assert!(e.contains("qpdf --decrypt"), "{e}");
        assert!(has_key(b"<< /Encrypt 3 0 R >>", b"/Encrypt"));
        assert!(!has_key(b"<< /EncryptMetadata false >>", b"/Encrypt"));
    }
}
