//! PDF reader: the text layer, through `pdf-extract`, with panics in the parser contained.

use super::{catch_panic, RawDoc};
use crate::document::{Format, Meta};
use crate::error::{Error, Result};

pub(super) fn read(source: &str, bytes: &[u8]) -> Result<RawDoc> {
    let owned = bytes.to_vec();
    let text = catch_panic(move || pdf_extract::extract_text_from_mem(&owned))
        .map_err(|p| Error::Pdf(source.to_string(), format!("parser failure: {p}")))?
        .map_err(|e| Error::Pdf(source.to_string(), e.to_string()))?;
    if text.trim().is_empty() {
        return Err(Error::Pdf(
            source.to_string(),
            "no text layer (a scanned PDF needs OCR first)".to_string(),
        ));
    }
    Ok(RawDoc {
        source: source.to_string(),
        format: Format::Pdf,
        text,
        meta: Meta::default(),
    })
}
