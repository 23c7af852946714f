//! Fixture + snapshot tests: each fixture goes through the whole pipeline and a compact view
//! of the result (metadata, cleaned text, entities, dates, events) is compared with its
//! snapshot in `tests/snapshots/`. Review changes with `cargo insta review`.

use std::fmt::Write;
use std::path::Path;

use sitrep_core::{Document, Pipeline, PipelineOptions};

fn pipeline(published: Option<&str>) -> Pipeline {
    Pipeline::new(PipelineOptions {
        published: published.and_then(|p| chrono::NaiveDate::parse_from_str(p, "%Y-%m-%d").ok()),
        ..PipelineOptions::default()
    })
    .expect("pipeline")
}

fn view(docs: &[Document]) -> String {
    let mut s = String::new();
    for d in docs {
        let _ = writeln!(s, "format: {}", d.format.as_str());
        let _ = writeln!(s, "title: {:?}", d.meta.title);
        let _ = writeln!(
            s,
            "published: {:?} ({:?})",
            d.meta.published, d.meta.published_source
        );
        let _ = writeln!(s, "language: {}", d.language);
        let _ = writeln!(s, "text: |\n  {}", d.text.replace('\n', "\n  "));
        let _ = writeln!(s, "entities:");
        for e in &d.entities {
            let _ = writeln!(
                s,
                "  - {} [{}] {:?} id={:?}",
                e.name,
                e.kind.as_str(),
                e.aliases,
                e.id
            );
        }
        let _ = writeln!(s, "dates:");
        for t in &d.dates {
            let _ = writeln!(s, "  - {:?} = {} ({})", t.text, t.value, t.granularity);
        }
        let _ = writeln!(s, "events:");
        for e in &d.events {
            let _ = writeln!(
                s,
                "  - {} {:?} actors={:?} targets={:?} trigger={:?}",
                e.kind.as_str(),
                e.date,
                e.actors,
                e.targets,
                e.trigger
            );
        }
    }
    s
}

fn run(name: &str, published: Option<&str>) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    let docs = pipeline(published)
        .process_path(&path)
        .expect("fixture reads");
    view(&docs)
}

#[test]
fn wrapped_pdf_style_text() {
    // de-hyphenation, reflow across a page break, footnote markers, alias and typo merging
    insta::assert_snapshot!(run("wrapped_pdf_text.txt", Some("2012-12-21")));
}

#[test]
fn html_page_with_site_chrome_scripts_and_comments() {
    insta::assert_snapshot!(run("chrome_page.html", None));
}

#[test]
fn markdown_report() {
    insta::assert_snapshot!(run("report.md", None));
}

#[test]
fn rss_feed_items() {
    insta::assert_snapshot!(run("feed.xml", None));
}

#[test]
fn french_report() {
    insta::assert_snapshot!(run("french.txt", None));
}

#[test]
fn arabic_report() {
    insta::assert_snapshot!(run("arabic.txt", Some("2012-12-22")));
}

#[test]
fn negative_cases() {
    // sentence-initial words, demonyms, peoples, headings, durations and numbers are not entities or dates
    insta::assert_snapshot!(run("negatives.txt", Some("2012-12-21")));
}

#[test]
fn windows_1252_and_utf16() {
    let a = run("windows1252.txt", None);
    let b = run("utf16le.txt", None);
    insta::assert_snapshot!(format!("{a}---\n{b}"));
}

/// Builds a one-page PDF with a text layer (Helvetica, one line per string).
fn make_pdf(lines: &[&str]) -> Vec<u8> {
    let mut content = String::from("BT /F1 11 Tf 50 780 Td 14 TL\n");
    for l in lines {
        let esc = l
            .replace('\\', "\\\\")
            .replace('(', "\\(")
            .replace(')', "\\)");
        let _ = writeln!(content, "({esc}) Tj T*");
    }
    content.push_str("ET\n");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_string(),
        format!("<< /Length {} >>\nstream\n{}endstream", content.len(), content),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_string(),
    ];
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n{}\nendobj\n", i + 1, o).as_bytes());
    }
    let xref = pdf.len();
    let _ = offsets;
    let mut x = format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1);
    for o in &offsets {
        let _ = writeln!(x, "{o:010} 00000 n ");
    }
    let _ = write!(
        x,
        "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{}\n%%EOF\n",
        objects.len() + 1,
        xref
    );
    pdf.extend_from_slice(x.as_bytes());
    pdf
}

#[test]
fn pdf_made_in_the_test() {
    let pdf = make_pdf(&[
        "UN Security Council creates MINUSMA",
        "",
        "On 25 April 2013 the UN Security Council adopted Resolution 2100, creating",
        "a stabilisation mission in Mali of up to 11,200 military personnel and",
        "1,440 police, to take over from AFISMA on 1 July 2013.",
    ]);
    let docs = pipeline(None)
        .process_bytes("made.pdf", &pdf, "pdf")
        .expect("pdf reads");
    insta::assert_snapshot!(view(&docs));
}

#[test]
fn broken_pdf_is_a_clear_error() {
    let mut pdf = make_pdf(&["Some text"]);
    pdf.truncate(pdf.len() / 2);
    let err = pipeline(None)
        .process_bytes("broken.pdf", &pdf, "pdf")
        .expect_err("must fail");
    assert!(err.to_string().contains("broken.pdf"), "{err}");
}

#[test]
fn timeline_over_multi_document_fixtures() {
    // an English report, its reprint, a French report of the same vote with another troop
    // figure, and an earlier resolution that must stay apart
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/timeline");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .expect("fixtures")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    names.sort();
    let p = pipeline(None);
    let mut docs = Vec::new();
    for n in &names {
        let mut d = p.process_path(n).expect("fixture reads");
        for x in &mut d {
            x.source = n
                .file_name()
                .map(|f| f.to_string_lossy().into_owned())
                .unwrap_or_default();
        }
        docs.extend(d);
    }
    let t = sitrep_core::timeline::build(&docs, &sitrep_core::timeline::TimelineOptions::default());
    let mut s = String::new();
    for e in t
        .events
        .iter()
        .filter(|e| e.kind == sitrep_core::document::EventType::Resolution)
    {
        let mut srcs: Vec<&str> = e.sources.iter().map(|s| s.doc.as_str()).collect();
        srcs.sort();
        let _ = writeln!(
            s,
            "{:?} {} actors={:?} sources={:?} independent={} grade={} ({})",
            e.date,
            e.kind.as_str(),
            e.actors,
            srcs,
            e.corroboration,
            e.credibility.grade,
            e.credibility.reason
        );
        for d in &e.disputes {
            let claims: Vec<String> = d
                .claims
                .iter()
                .map(|c| format!("{} <- {:?}", c.value, c.sources))
                .collect();
            let _ = writeln!(s, "  disputed {}: {}", d.field, claims.join(" | "));
        }
    }
    insta::assert_snapshot!(s);
}
