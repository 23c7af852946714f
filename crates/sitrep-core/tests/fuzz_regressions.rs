//! Inputs found by the fuzz targets in `fuzz/` (see SECURITY.md, "Fuzzing"), kept so that
//! the bugs they found stay fixed. Each test names its target and what went wrong.

use sitrep_core::clean::clean;

/// Checks the invariants the `clean` fuzz target checks.
fn check_clean(raw: &str) {
    let c = clean(raw);
    for (span, kind) in &c.blocks {
        assert!(
            span.start <= span.end && span.end <= c.text.len(),
            "{kind:?} block {span:?} in a cleaned text of {} bytes",
            c.text.len()
        );
    }
    for i in 0..=c.text.len() {
        assert!(c.offsets.to_original(i) <= raw.len());
    }
}

/// `clean` target: a paragraph made only of control characters (here U+0016) between two
/// paragraphs emits nothing, and the whitespace trim at the end of `emit_para` then removes
/// the "\n\n" separator pushed before it, so the block gets `start > end` (411..409 in the
/// fuzzer's input). Slicing `text[start..end]` with such a span panics.
#[test]
fn clean_control_only_paragraph_gives_no_inverted_block() {
    check_clean(
        "Mutinous soldiers seized power in Mali on Thursday and suspended the constitution.\n\
         \n\
         \u{16}\n\
         \n\
         The unrest began yesterday at the Kati military camp, a few miles from Bamako.\n",
    );
}

/// The same input through the whole pipeline: before the fix, the language stage sliced
/// `text[84..82]` and panicked, which ends a `sitrep ingest` run.
#[test]
fn pipeline_survives_control_only_paragraph() {
    let p = sitrep_core::Pipeline::new(sitrep_core::PipelineOptions::default()).expect("pipeline");
    let text =
        "Mutinous soldiers seized power in Mali on Thursday and suspended the constitution.\n\
                \n\
                \u{16}\n\
                \n\
                The unrest began yesterday at the Kati military camp, a few miles from Bamako.\n";
    let docs = p
        .process_bytes("fuzz.txt", text.as_bytes(), "txt")
        .expect("reads");
    for d in &docs {
        for para in &d.paragraphs {
            assert!(para.span.start <= para.span.end && para.span.end <= d.text.len());
        }
    }
}

/// `clean` target, open issue (not fixed; for the owner of clean/): cleaned char boundaries
/// can map inside an original character. (1) When the cleaned text ends with a character the
/// cleaner replaced (a curly quote normalised to `"`, 3 bytes to 1), `to_original(text.len())`
/// is the quote's offset + 1, because the last segment is extended linearly. (2) The
/// paragraph separator is attributed to `line.off - 1` (`push_synthetic("\n\n",
/// at.saturating_sub(1))` in `clean_with`, and `" "` likewise in `emit_para`), which is inside
/// a character when the line starts after a multi-byte space such as U+00A0. No code slices
/// the original with mapped offsets today, so nothing panics; whoever starts doing so needs
/// this fixed.
#[test]
#[ignore = "open: OffsetMap maps the end of a trailing replacement inside a char"]
fn clean_end_offset_after_replaced_quote_is_a_char_boundary() {
    let raw = "Soldiers said: \u{201c}We are in control\u{201d}";
    let c = clean(raw);
    assert!(c.text.ends_with('"'));
    let o = c.offsets.to_original(c.text.len());
    assert!(raw.is_char_boundary(o), "end maps to {o} in {raw:?}");
}

/// Case (2) of the issue above: a paragraph whose first line starts with a no-break space.
#[test]
#[ignore = "open: paragraph separators are attributed inside a multi-byte character"]
fn clean_separator_before_nbsp_line_maps_to_a_char_boundary() {
    let raw = "Soldiers seized the palace in Bamako on Thursday.\n\n\u{a0}The junta named Captain Sanogo.";
    let c = clean(raw);
    for (i, _) in c.text.char_indices() {
        let o = c.offsets.to_original(i);
        assert!(
            raw.is_char_boundary(o),
            "cleaned {i} maps to {o} in {raw:?}"
        );
    }
}
