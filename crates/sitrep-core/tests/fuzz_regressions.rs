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
