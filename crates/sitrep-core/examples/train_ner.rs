//! Trains the entity tagger of one language from token-annotated NER data and writes its
//! model (see `scripts/train_ner.sh`).
//!
//! ```text
//! train_ner --lang en --train eng.train.gz [--dev eng.testa] --out data/ner/en.model
//!           [--epochs 8] [--bits 19] [--prune 0.05] [--holdout-last-sixth] [--write-dev FILE]
//! ```
//!
//! Formats (detected): CoNLL-2003 (`token POS chunk NER`, IOB1, `-DOCSTART-`), CLEF-HIPE
//! TSV (header `TOKEN\t...NE-COARSE-LIT...`, `# document_id`), ANERcorp (`token TAG`, a
//! sentence ends after a `.` token, every 20 sentences a document). Each sentence is rebuilt
//! as text (tokens joined by a space, HIPE's `NoSpaceAfter` honoured), cut by sitrep's own
//! tokenizer, and each of sitrep's tokens takes the tag of the gold name it lies in, so the
//! model learns from exactly the tokens and features it will see in `sitrep extract`.
//! Training is deterministic: fixed order, shuffled each epoch by a fixed-seed generator.

use std::io::Read;
use std::process::ExitCode;

use sitrep_core::document::EntityType;
use sitrep_core::extract::entities::tagger::{self, DocCtx, TokInfo, Trainer};
use sitrep_core::extract::tokens::tokenize;
use sitrep_core::kb::Kb;

struct Sent {
    text: String,
    /// Gold names: byte range and type.
    ents: Vec<(usize, usize, EntityType)>,
    /// The original lines (for `--write-dev`).
    lines: Vec<String>,
}

type Doc = Vec<Sent>;

fn read_text(path: &str) -> Result<String, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    if path.ends_with(".gz") {
        let mut s = String::new();
        flate2::read::GzDecoder::new(bytes.as_slice())
            .read_to_string(&mut s)
            .map_err(|e| format!("cannot gunzip {path}: {e}"))?;
        Ok(s)
    } else {
        String::from_utf8(bytes).map_err(|e| format!("{path} is not UTF-8: {e}"))
    }
}

fn kind(label: &str) -> Option<EntityType> {
    match label {
        "PER" | "PERS" | "pers" => Some(EntityType::Person),
        "ORG" | "org" => Some(EntityType::Organization),
        "LOC" | "loc" => Some(EntityType::Place),
        _ => None,
    }
}

/// Builds sentences from (token, tag, space after, line) rows; a chunk starts at `B-X`, or
/// at `I-X` after another label (IOB1 and IOB2 alike).
struct Builder {
    sent: Sent,
    prev_label: String,
    open: Option<(usize, String)>,
    space: bool,
}

impl Builder {
    fn new() -> Builder {
        Builder {
            sent: Sent {
                text: String::new(),
                ents: vec![],
                lines: vec![],
            },
            prev_label: String::new(),
            open: None,
            space: false,
        }
    }

    fn close(&mut self) {
        if let Some((s, label)) = self.open.take() {
            if let Some(k) = kind(&label) {
                self.sent.ents.push((s, self.sent.text.len(), k));
            }
        }
    }

    fn add(&mut self, tok: &str, tag: &str, space_after: bool, line: &str) {
        let (bio, label) = tag.split_once('-').unwrap_or(("O", ""));
        let begins = bio == "B" || (bio == "I" && label != self.prev_label);
        if bio == "O" || begins {
            self.close();
        }
        if self.space && !self.sent.text.is_empty() {
            self.sent.text.push(' ');
        }
        if begins {
            self.open = Some((self.sent.text.len(), label.to_string()));
        }
        self.sent.text.push_str(tok);
        self.sent.lines.push(line.to_string());
        self.space = space_after;
        self.prev_label = if bio == "O" {
            String::new()
        } else {
            label.to_string()
        };
    }

    fn finish(&mut self) -> Option<Sent> {
        self.close();
        self.prev_label.clear();
        self.space = false;
        let empty = Sent {
            text: String::new(),
            ents: vec![],
            lines: vec![],
        };
        let s = std::mem::replace(&mut self.sent, empty);
        (!s.text.is_empty()).then_some(s)
    }
}

fn read_conll(text: &str) -> Vec<Doc> {
    let mut docs: Vec<Doc> = vec![vec![]];
    let mut b = Builder::new();
    for line in text.lines() {
        if line.starts_with("-DOCSTART-") {
            if let Some(d) = docs.last_mut() {
                d.extend(b.finish());
            }
            docs.push(vec![]);
            continue;
        }
        let cols: Vec<&str> = line.split_whitespace().collect();
        if cols.len() < 2 {
            if let Some(d) = docs.last_mut() {
                d.extend(b.finish());
            }
            continue;
        }
        b.add(cols[0], cols[cols.len() - 1], true, line);
    }
    if let Some(d) = docs.last_mut() {
        d.extend(b.finish());
    }
    docs.retain(|d| !d.is_empty());
    docs
}

fn read_hipe(text: &str) -> Vec<Doc> {
    let mut docs: Vec<Doc> = vec![];
    let mut header: Vec<&str> = vec![];
    let mut rows: Vec<(String, String, String, String)> = vec![];
    let flush = |rows: &mut Vec<(String, String, String, String)>, docs: &mut Vec<Doc>| {
        if rows.is_empty() {
            return;
        }
        let mut b = Builder::new();
        let mut doc = vec![];
        for i in 0..rows.len() {
            let (tok, tag, misc, line) = &rows[i];
            b.add(tok, tag, !misc.contains("NoSpaceAfter"), line);
            let next_inside = rows.get(i + 1).is_some_and(|r| r.1.starts_with("I-"));
            if (misc.contains("PySBDSegment") || misc.contains("EndOfSentence")) && !next_inside {
                doc.extend(b.finish());
            }
        }
        doc.extend(b.finish());
        docs.push(doc);
        rows.clear();
    };
    for line in text.lines() {
        if line.starts_with("TOKEN\t") {
            header = line.split('\t').collect();
            continue;
        }
        if line.starts_with('#') {
            if line.contains("document_id") {
                flush(&mut rows, &mut docs);
            }
            continue;
        }
        if line.trim().is_empty() {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        let ti = header
            .iter()
            .position(|h| *h == "NE-COARSE-LIT")
            .unwrap_or(1);
        let mi = header
            .iter()
            .position(|h| *h == "MISC")
            .unwrap_or(cols.len() - 1);
        rows.push((
            cols[0].to_string(),
            cols.get(ti).copied().unwrap_or("O").to_string(),
            cols.get(mi).copied().unwrap_or("").to_string(),
            line.to_string(),
        ));
    }
    flush(&mut rows, &mut docs);
    docs
}

fn read_anercorp(text: &str) -> Vec<Sent> {
    let mut out = vec![];
    let mut b = Builder::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            out.extend(b.finish());
            continue;
        }
        let Some((tok, tag)) = line.rsplit_once(' ') else {
            continue;
        };
        let tok = tok.trim();
        b.add(tok, tag, true, line);
        if tok == "." {
            out.extend(b.finish());
        }
    }
    out.extend(b.finish());
    out
}

fn read_docs(path: &str, holdout: Option<bool>) -> Result<Vec<Doc>, String> {
    let text = read_text(path)?;
    if text.starts_with("TOKEN\t") || text.lines().any(|l| l.starts_with("TOKEN\t")) {
        return Ok(read_hipe(&text));
    }
    let conll = text.contains("-DOCSTART-")
        || text
            .lines()
            .find(|l| !l.trim().is_empty())
            .is_some_and(|l| l.split_whitespace().count() == 4);
    if conll {
        return Ok(read_conll(&text));
    }
    let mut sents = read_anercorp(&text);
    if let Some(dev) = holdout {
        let cut = sents.len() - sents.len() / 6;
        sents = if dev {
            sents.split_off(cut)
        } else {
            sents.truncate(cut);
            sents
        };
    }
    let mut docs = vec![];
    let mut it = sents.into_iter().peekable();
    while it.peek().is_some() {
        docs.push(it.by_ref().take(20).collect());
    }
    Ok(docs)
}

/// A sentence ready for learning: its token infos and gold tags.
struct Example {
    infos: Vec<TokInfo>,
    gold: Vec<u8>,
}

fn examples(docs: &[Doc], kb: &Kb) -> Vec<Vec<Example>> {
    let mut all = vec![];
    for doc in docs {
        let mut out = vec![];
        let toks: Vec<_> = doc.iter().map(|s| tokenize(&s.text, 0)).collect();
        let mut ctx = DocCtx::default();
        for t in &toks {
            ctx.add_sentence(t);
        }
        for (s, t) in doc.iter().zip(&toks) {
            let mut infos = vec![];
            tagger::sentence_infos(&s.text, t, kb, &ctx, &mut infos);
            let gold = t
                .iter()
                .map(|tok| {
                    s.ents
                        .iter()
                        .find(|(a, b, _)| tok.start >= *a && tok.start < *b)
                        .map_or(tagger::O, |(a, _, k)| {
                            // B on the first of sitrep's tokens in the name
                            let begin = !t.iter().any(|o| o.start >= *a && o.start < tok.start);
                            tagger::tag_of(*k, begin)
                        })
                })
                .collect();
            out.push(Example { infos, gold });
        }
        all.push(out);
    }
    all
}

/// Exact-span precision, recall and F1 over sitrep's tokens.
fn evaluate(model: &tagger::Model, dev: &[Vec<Example>]) -> (f64, f64, f64) {
    let (mut tp, mut np, mut ng) = (0usize, 0usize, 0usize);
    for ex in dev.iter().flat_map(|d| {
        let mut memory = tagger::Memory::default();
        d.iter()
            .map(move |ex| (tagger::spans(&model.tag(&ex.infos, &mut memory)), ex))
            .collect::<Vec<_>>()
    }) {
        let (pred, ex) = ex;
        let gold = tagger::spans(&ex.gold);
        np += pred.len();
        ng += gold.len();
        tp += pred.iter().filter(|p| gold.contains(p)).count();
    }
    let p = tp as f64 / np.max(1) as f64;
    let r = tp as f64 / ng.max(1) as f64;
    (p, r, 2.0 * p * r / (p + r).max(1e-9))
}

fn run() -> Result<(), String> {
    let mut train = vec![];
    let mut dev = vec![];
    let mut out = None;
    let mut lang = None;
    let (mut epochs, mut bits, mut prune) = (8usize, 19u32, 0.05f32);
    let mut holdout = false;
    let mut write_dev = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut val = || args.next().ok_or(format!("{a} needs a value"));
        match a.as_str() {
            "--train" => train.push(val()?),
            "--dev" => dev.push(val()?),
            "--out" => out = Some(val()?),
            "--lang" => lang = Some(val()?),
            "--epochs" => epochs = val()?.parse().map_err(|e| format!("--epochs: {e}"))?,
            "--bits" => bits = val()?.parse().map_err(|e| format!("--bits: {e}"))?,
            "--prune" => prune = val()?.parse().map_err(|e| format!("--prune: {e}"))?,
            "--holdout-last-sixth" => holdout = true,
            "--write-dev" => write_dev = Some(val()?),
            _ => return Err(format!("unknown argument {a} (see the file's header)")),
        }
    }
    let lang = lang.ok_or("--lang en|fr|ar is required")?;
    tagger::Lang::from_code(&lang).ok_or(format!("no tagger language {lang}"))?;
    if train.is_empty() {
        return Err("--train FILE is required".into());
    }
    let kb = Kb::global();
    let mut train_docs = vec![];
    let mut dev_docs = vec![];
    for p in &train {
        train_docs.extend(read_docs(p, holdout.then_some(false))?);
        if holdout {
            dev_docs.extend(read_docs(p, Some(true))?);
        }
    }
    for p in &dev {
        dev_docs.extend(read_docs(p, None)?);
    }
    if let Some(path) = &write_dev {
        let mut s = String::new();
        for d in &dev_docs {
            for sent in d {
                for l in &sent.lines {
                    s.push_str(l);
                    s.push('\n');
                }
            }
        }
        std::fs::write(path, s).map_err(|e| format!("cannot write {path}: {e}"))?;
    }
    let train_ex = examples(&train_docs, &kb);
    let dev_ex = examples(&dev_docs, &kb);
    eprintln!(
        "{lang}: {} training sentences ({} tokens), {} dev sentences",
        train_ex.iter().map(Vec::len).sum::<usize>(),
        train_ex
            .iter()
            .flatten()
            .map(|e| e.gold.len())
            .sum::<usize>(),
        dev_ex.iter().map(Vec::len).sum::<usize>()
    );
    let mut t = Trainer::new(bits);
    let mut order: Vec<usize> = (0..train_ex.len()).collect();
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    for epoch in 0..epochs {
        // Fisher-Yates with xorshift64
        for i in (1..order.len()).rev() {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            order.swap(i, (seed % (i as u64 + 1)) as usize);
        }
        let mut wrong = 0;
        for &i in &order {
            let mut memory = tagger::Memory::default();
            for ex in &train_ex[i] {
                wrong += t.learn(&ex.infos, &ex.gold, &mut memory);
            }
        }
        if dev_ex.is_empty() {
            eprintln!("epoch {epoch}: {wrong} wrong tags");
        } else {
            let (p, r, f) = evaluate(&t.model(0.0), &dev_ex);
            eprintln!("epoch {epoch}: {wrong} wrong tags; dev P {p:.3} R {r:.3} F1 {f:.3}");
        }
    }
    let mut model = t.model(prune);
    if !dev_ex.is_empty() {
        let (p, r, f) = evaluate(&model, &dev_ex);
        eprintln!("pruned (|w| < {prune}): dev P {p:.3} R {r:.3} F1 {f:.3}");
        // one scalar chosen on the dev split: a penalty on `O` that trades precision for recall
        let mut best = (f, 0);
        for k in 1..=40 {
            let b = k * 250;
            let (_, _, f) = evaluate(&model.clone().with_o_bias(b), &dev_ex);
            if f > best.0 + 1e-4 {
                best = (f, b);
            }
        }
        model = model.with_o_bias(best.1);
        let (p, r, f) = evaluate(&model, &dev_ex);
        eprintln!("O penalty {}: dev P {p:.3} R {r:.3} F1 {f:.3}", best.1);
    }
    if let Some(path) = out {
        let f = std::fs::File::create(&path).map_err(|e| format!("cannot create {path}: {e}"))?;
        Trainer::write(&model, std::io::BufWriter::new(f))
            .map_err(|e| format!("cannot write {path}: {e}"))?;
        let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        eprintln!("wrote {path} ({size} bytes)");
    }
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("train_ner: {e}");
            ExitCode::FAILURE
        }
    }
}
