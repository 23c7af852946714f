//! PDF stream filter chains, through `read_bytes`: the input picks a chain of filters (Flate,
//! LZW, ASCII85, unknown ones, names spelled with `#` escapes), predictor parameters, a
//! `/Length` that may lie and the stream data, wrapped in a one-page PDF with a valid
//! cross-reference table. With a small expansion budget the reader must refuse or read the
//! file without panicking and without going past the budget (libFuzzer's `-rss_limit_mb`
//! catches a decoder that allocates beyond it).
#![no_main]

mod contained;

use libfuzzer_sys::fuzz_target;
use sitrep_core::read::{read_bytes, ReadOptions};

const NAMES: [&str; 8] = [
    "/FlateDecode",
    "/LZWDecode",
    "/ASCII85Decode",
    "/Fl#61teDecode",
    "/ASCIIHexDecode",
    "/RunLengthDecode",
    "/LZW#44ecode",
    "/DCTDecode",
];

fn pdf(dict: &str, body: &[u8]) -> Vec<u8> {
    let mut content = format!("<< {dict} >>\nstream\n").into_bytes();
    content.extend_from_slice(body);
    content.extend_from_slice(b"\nendstream");
    let objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_vec(),
        content,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_vec(),
    ];
    let mut out = b"%PDF-1.5\n".to_vec();
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

fuzz_target!(init: contained::allow_contained_panics(), |data: &[u8]| {
    let [n, a, b, c, d, rest @ ..] = data else {
        return;
    };
    let chain: Vec<&str> = [a, b, c, d]
        .iter()
        .take(usize::from(*n % 4) + 1)
        .map(|x| NAMES[usize::from(**x) % NAMES.len()])
        .collect();
    let filter = if chain.len() == 1 {
        chain[0].to_string()
    } else {
        format!("[{}]", chain.join(" "))
    };
    let mut dict = format!("/Filter {filter}");
    if n & 0x10 != 0 {
        let columns = 1 + u32::from(*b) * 4;
        dict.push_str(&format!(
            " /DecodeParms << /Predictor {} /Columns {columns} /Colors {} >>",
            10 + n % 6,
            1 + c % 4
        ));
    }
    if n & 0x20 != 0 {
        dict.push_str(&format!(" /Length {}", u16::from_le_bytes([*c, *d])));
    } else {
        dict.push_str(&format!(" /Length {}", rest.len()));
    }
    let opts = ReadOptions {
        max_bytes: 1 << 20,
        max_expanded_bytes: 8 << 20,
        ..ReadOptions::default()
    };
    let _ = read_bytes("fuzz.pdf", &pdf(&dict, rest), "pdf", &opts);
});
