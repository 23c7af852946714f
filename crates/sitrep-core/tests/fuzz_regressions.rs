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
        let o = c.offsets.to_original(i);
        assert!(o <= raw.len());
        if c.text.is_char_boundary(i) {
            assert!(
                raw.is_char_boundary(o),
                "cleaned {i} maps to {o}, inside a character of {raw:?}"
            );
        }
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

/// `clean` target: cleaned char boundaries mapped inside an original character. (1) When
/// the cleaned text ended with a character the cleaner replaced (a curly quote normalised to
/// `"`, 3 bytes to 1), `to_original(text.len())` was the quote's offset + 1, because the
/// last segment was extended linearly as if its bytes had been copied. Fixed: made-up text
/// records the original span it stands for, and its end maps to the end of that span.
#[test]
fn clean_end_offset_after_replaced_quote_is_a_char_boundary() {
    let raw = "Soldiers said: \u{201c}We are in control\u{201d}";
    let c = clean(raw);
    assert!(c.text.ends_with('"'));
    let o = c.offsets.to_original(c.text.len());
    assert!(raw.is_char_boundary(o), "end maps to {o} in {raw:?}");
    assert_eq!(o, raw.len());
    check_clean(raw);
}

/// Case (2): the paragraph separator was attributed to `line.off - 1`, inside the
/// no-break space (2 bytes) that starts the line. Fixed: separators are attributed to the
/// start of the character before the line (`Line::before` in clean/mod.rs).
#[test]
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
    check_clean(raw);
}

/// The same invariant over many generated texts mixing multi-byte spaces, quotes, dashes,
/// soft hyphens, bullets, control characters, Arabic and hard-wrapped lines.
#[test]
fn clean_maps_every_char_boundary_to_a_char_boundary() {
    const PIECES: &[&str] = &[
        "Soldiers",
        " seized",
        " the",
        " town",
        ".",
        "\n",
        "\n\n",
        "\u{a0}",
        "\u{2003}",
        "\u{201c}",
        "\u{201d}",
        "\u{2019}",
        "\u{ad}",
        "\u{200b}",
        "\u{feff}",
        "\u{2014}",
        "-",
        "\u{25a0} ",
        "\u{16}",
        "\t",
        "  ",
        "\r\n",
        "é",
        "الجيش",
        " 12",
        ".3 ",
        "Bamako",
        " et",
        " authoriz-",
        "\ning",
        "1",
        "(c) ",
        "Share",
    ];
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    for _ in 0..3000 {
        let mut raw = String::new();
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let n = 1 + (x >> 58) as usize;
        for _ in 0..n * 4 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            raw.push_str(PIECES[(x >> 33) as usize % PIECES.len()]);
        }
        check_clean(&raw);
    }
}
