//! Machine translation of non-English paragraphs into English, with named entities
//! protected.
//!
//! A [`Translator`] turns text from one language into another. [`Apertium`] runs the
//! `apertium` command (rule-based, offline; French goes through Spanish: `fr-es` then
//! `spa-eng`); [`NoTranslator`] translates nothing. Other backends (the LibreTranslate HTTP
//! client lives in the `sitrep` crate, which has the HTTP stack) implement the same trait.
//!
//! [`translate_document`] translates every paragraph whose language is not English. Before
//! translating, each entity mention is replaced by a placeholder token `ZZENT<n>ZZ`, which
//! both Apertium legs pass through unchanged (an unknown word with no inflection; a purely
//! numeric token is not safe: `7001 vendredi` comes out `7001 Fridays`). After translation
//! each placeholder is replaced by the entity's English form: the knowledge base's canonical
//! name for a linked entity (`Tombouctou` → `Timbuktu`, `Union africaine` → `African Union`:
//! that is the name the entity pages, the timeline and English searches use), except that an
//! acronym stays an acronym unless the canonical name is one too (`CEDEAO` → `ECOWAS`, but
//! `MNLA` stays `MNLA` rather than growing into the long name); an entity the knowledge base
//! does not know keeps its original surface (a proper name has no better English form we
//! could know, and a translation engine would mangle it: `Ansar Dine` → `Ansar Gives`).

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::document::{Document, Span};
use crate::error::{Error, Result};

/// Something that translates text.
pub trait Translator: Send + Sync {
    /// Translates `text` (paragraphs separated by blank lines) from language `from` into
    /// `to` (ISO 639-1 codes).
    fn translate(&self, text: &str, from: &str, to: &str) -> Result<String>;
    /// Short name of the backend (`Apertium`, `LibreTranslate`, `none`).
    fn name(&self) -> &str;
    /// Whether this backend can translate `from` into `to`.
    fn supports(&self, from: &str, to: &str) -> bool {
        let _ = (from, to);
        true
    }
    /// Label shown to readers: `Apertium fr→es→en`.
    fn label(&self, from: &str, to: &str) -> String {
        format!("{} {from}→{to}", self.name())
    }
}

/// The backend that translates nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoTranslator;

impl Translator for NoTranslator {
    fn translate(&self, _text: &str, from: &str, to: &str) -> Result<String> {
        Err(Error::Translate(format!(
            "no translation backend configured ({from}→{to})"
        )))
    }
    fn name(&self) -> &str {
        "none"
    }
    fn supports(&self, _from: &str, _to: &str) -> bool {
        false
    }
}

/// The Apertium command-line translator, run as a subprocess per batch of paragraphs and
/// per leg of the route, with a time limit (the whole process group is killed when it is
/// exceeded) and a size limit.
#[derive(Debug, Clone)]
pub struct Apertium {
    /// The `apertium` program.
    pub binary: PathBuf,
    /// Longest one subprocess may run.
    pub timeout: Duration,
    /// Largest text (bytes) given to one subprocess.
    pub max_bytes: usize,
    /// Modes to chain per source language, into English: `fr` → `[fr-es, spa-eng]`.
    pub routes: BTreeMap<String, Vec<String>>,
}

impl Default for Apertium {
    fn default() -> Self {
        let mut routes = BTreeMap::new();
        routes.insert("fr".into(), vec!["fr-es".into(), "spa-eng".into()]);
        routes.insert("es".into(), vec!["spa-eng".into()]);
        Apertium {
            binary: "apertium".into(),
            timeout: Duration::from_secs(60),
            max_bytes: 256 * 1024,
            routes,
        }
    }
}

/// ISO 639-1 code of the target side of an Apertium mode (`spa-eng_US` → `en`).
fn mode_target(mode: &str) -> String {
    let t = mode.rsplit('-').next().unwrap_or(mode);
    let t = t.split('_').next().unwrap_or(t);
    match t {
        "eng" => "en",
        "spa" => "es",
        "fra" => "fr",
        "cat" => "ca",
        "por" => "pt",
        "ita" => "it",
        "deu" => "de",
        "ara" => "ar",
        other => other,
    }
    .to_string()
}

impl Apertium {
    /// The modes installed (`apertium -l`).
    pub fn installed_modes(&self) -> Result<Vec<String>> {
        let out = Command::new(&self.binary)
            .arg("-l")
            .stdin(Stdio::null())
            .output()
            .map_err(|e| {
                Error::Translate(format!(
                    "{}: cannot run ({e}); install it: apt-get install apertium apertium-fr-es apertium-eng-spa",
                    self.binary.display()
                ))
            })?;
        Ok(String::from_utf8_lossy(&out.stdout)
            .split_whitespace()
            .map(str::to_string)
            .collect())
    }

    /// Checks that the program runs and that every mode of every route is installed.
    pub fn check(&self) -> Result<()> {
        let modes = self.installed_modes()?;
        for (lang, route) in &self.routes {
            for m in route {
                if !modes.contains(m) {
                    return Err(Error::Translate(format!(
                        "apertium mode {m} (needed for {lang}→en) is not installed; installed: {}",
                        modes.join(", ")
                    )));
                }
            }
        }
        Ok(())
    }

    /// Runs one mode over `text`, killing the subprocess group after the timeout.
    pub fn run_mode(&self, mode: &str, text: &str) -> Result<String> {
        if text.len() > self.max_bytes {
            return Err(Error::Translate(format!(
                "text too large for apertium ({} bytes, limit {})",
                text.len(),
                self.max_bytes
            )));
        }
        let mut cmd = Command::new(&self.binary);
        cmd.args(["-u", "-f", "txt", mode])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        #[cfg(unix)]
        {
            use std::os::unix::process::CommandExt;
            // Its own process group: `apertium` is a shell pipeline, and a timeout must
            // kill every stage, not only the shell.
            cmd.process_group(0);
        }
        let mut child = cmd
            .spawn()
            .map_err(|e| Error::Translate(format!("{}: cannot run: {e}", self.binary.display())))?;
        let mut stdin = child.stdin.take();
        let mut stdout = child.stdout.take();
        let mut stderr = child.stderr.take();
        let input = text.as_bytes().to_vec();
        let cap = (self.max_bytes as u64) * 8 + 4096;
        let writer = std::thread::spawn(move || {
            if let Some(s) = stdin.as_mut() {
                let _ = s.write_all(&input);
            }
            drop(stdin);
        });
        let reader = std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(s) = stdout.take() {
                let _ = s.take(cap).read_to_end(&mut buf);
            }
            buf
        });
        let err_reader = std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(s) = stderr.take() {
                let _ = s.take(64 * 1024).read_to_end(&mut buf);
            }
            buf
        });
        let deadline = Instant::now() + self.timeout;
        let status = loop {
            match child.try_wait() {
                Ok(Some(st)) => break Some(st),
                Ok(None) if Instant::now() >= deadline => break None,
                Ok(None) => std::thread::sleep(Duration::from_millis(5)),
                Err(e) => return Err(Error::Translate(format!("apertium {mode}: {e}"))),
            }
        };
        let Some(status) = status else {
            kill_group(child.id());
            let _ = child.kill();
            let _ = child.wait();
            let _ = writer.join();
            return Err(Error::Translate(format!(
                "apertium {mode}: no answer within {:.0} s, killed",
                self.timeout.as_secs_f64()
            )));
        };
        let _ = writer.join();
        let out = reader.join().unwrap_or_default();
        let err = err_reader.join().unwrap_or_default();
        if !status.success() {
            return Err(Error::Translate(format!(
                "apertium {mode}: {status}: {}",
                String::from_utf8_lossy(&err).trim()
            )));
        }
        String::from_utf8(out)
            .map_err(|_| Error::Translate(format!("apertium {mode}: output is not UTF-8")))
    }
}

/// Kills a process group (best effort, without `unsafe`: through `kill(1)`).
fn kill_group(pid: u32) {
    #[cfg(unix)]
    {
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{pid}")])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
    #[cfg(not(unix))]
    let _ = pid;
}

impl Translator for Apertium {
    fn translate(&self, text: &str, from: &str, to: &str) -> Result<String> {
        if to != "en" {
            return Err(Error::Translate(format!(
                "apertium: only →en is set up, not {to}"
            )));
        }
        let route = self
            .routes
            .get(from)
            .ok_or_else(|| Error::Translate(format!("apertium: no route for {from}→en")))?;
        let mut cur = text.to_string();
        for mode in route {
            cur = self.run_mode(mode, &cur)?;
        }
        Ok(cur)
    }
    fn name(&self) -> &str {
        "Apertium"
    }
    fn supports(&self, from: &str, to: &str) -> bool {
        to == "en" && self.routes.contains_key(from)
    }
    fn label(&self, from: &str, to: &str) -> String {
        let mut s = format!("Apertium {from}");
        match self.routes.get(from) {
            Some(route) => {
                for m in route {
                    s.push('→');
                    s.push_str(&mode_target(m));
                }
            }
            None => {
                s.push('→');
                s.push_str(to);
            }
        }
        s
    }
}

/// A document's translation into English.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Translation {
    /// Each translated paragraph: its span in the original text and its English text.
    pub paragraphs: Vec<(Span, String)>,
    /// Who translated: `Apertium fr→es→en`.
    pub backend: String,
    /// Seconds spent translating.
    pub seconds: f64,
    /// Non-English paragraphs left untranslated (the backend has no such language, or
    /// failed), with their language.
    pub untranslated: Vec<(Span, String)>,
    /// Why translations failed, when they did.
    pub errors: Vec<String>,
    /// Entity placeholders the backend dropped (their names are missing from the text).
    pub entities_lost: usize,
}

impl Translation {
    /// The English text: translated paragraphs separated by blank lines.
    pub fn text(&self) -> String {
        self.paragraphs
            .iter()
            .map(|(_, t)| t.as_str())
            .collect::<Vec<_>>()
            .join("\n\n")
    }

    /// The English text of the paragraph that holds byte `pos` of the original, if translated.
    pub fn at(&self, pos: usize) -> Option<&str> {
        self.paragraphs
            .iter()
            .find(|(s, _)| s.start <= pos && pos < s.end)
            .map(|(_, t)| t.as_str())
    }

    /// The English of the sentence of `doc` that starts at or holds byte `pos`: the
    /// sentence at the same rank in the translated paragraph when both have as many
    /// sentences, else the whole translated paragraph.
    pub fn sentence_at(&self, doc: &Document, pos: usize) -> Option<String> {
        let (span, en) = self
            .paragraphs
            .iter()
            .find(|(s, _)| s.start <= pos && pos < s.end)?;
        let src: Vec<&Span> = doc
            .sentences
            .iter()
            .filter(|s| s.start >= span.start && s.end <= span.end)
            .collect();
        let dst = crate::sentence::split(en);
        if src.len() == dst.len() {
            if let Some(i) = src
                .iter()
                .position(|s| s.start <= pos && pos < s.end.max(s.start + 1))
            {
                return en
                    .get(dst[i].start..dst[i].end)
                    .map(|t| t.trim().to_string());
            }
        }
        Some(en.clone())
    }
}

/// Whether a language code counts as English or unknown (nothing to translate).
fn is_english_or_unknown(lang: &str) -> bool {
    matches!(lang, "" | "en" | "und")
}

fn is_acronym(s: &str) -> bool {
    let letters = s.chars().filter(|c| c.is_alphabetic()).count();
    letters >= 2 && !s.contains(char::is_whitespace) && s.chars().all(|c| !c.is_lowercase())
}

/// A paragraph's text with entity mentions replaced by placeholders, and what each
/// placeholder stands for.
#[derive(Debug, Clone, PartialEq)]
pub struct Protected {
    /// The text to translate.
    pub text: String,
    /// Replacement of placeholder `i` (`ZZENT{i}ZZ`).
    pub names: Vec<String>,
}

/// Replaces the entity mentions inside `span` of `doc.text` by placeholders `ZZENT{n}ZZ`,
/// numbering from `first`. Newlines become spaces (blank lines separate paragraphs).
pub fn protect(doc: &Document, span: Span, first: usize) -> Protected {
    let mut ms: Vec<(usize, usize, String)> = Vec::new();
    for e in &doc.entities {
        for m in &e.mentions {
            if m.start >= span.start && m.end <= span.end && m.start < m.end {
                let name = match &e.id {
                    Some(_) if !is_acronym(&m.text) || is_acronym(&e.name) => e.name.clone(),
                    _ => m.text.clone(),
                };
                ms.push((m.start, m.end, name));
            }
        }
    }
    ms.sort_by_key(|m| (m.0, std::cmp::Reverse(m.1)));
    let mut text = String::new();
    let mut names = Vec::new();
    let mut pos = span.start;
    for (s, e, name) in ms {
        if s < pos || doc.text.get(pos..s).is_none() || doc.text.get(s..e).is_none() {
            continue;
        }
        text.push_str(&doc.text[pos..s]);
        text.push_str(&format!("ZZENT{}ZZ", first + names.len()));
        names.push(name);
        pos = e;
    }
    if let Some(rest) = doc.text.get(pos..span.end) {
        text.push_str(rest);
    }
    Protected {
        text: text.replace(['\n', '\r'], " "),
        names,
    }
}

fn placeholder_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        #[allow(clippy::unwrap_used)]
        Regex::new(r"(?i)\*?zz\s?ent\s?(\d+)\s?zz").unwrap()
    })
}

/// Puts the names back in place of the placeholders `ZZENT{first+i}ZZ`; returns the text
/// and how many placeholders were not found.
pub fn restore(text: &str, names: &[String], first: usize) -> (String, usize) {
    let mut seen = vec![false; names.len()];
    let out = placeholder_re().replace_all(text, |c: &regex::Captures<'_>| {
        let i = c[1]
            .parse::<usize>()
            .ok()
            .and_then(|n| n.checked_sub(first));
        match i.and_then(|i| names.get(i).map(|n| (i, n))) {
            Some((i, n)) => {
                seen[i] = true;
                n.clone()
            }
            None => c[0].to_string(),
        }
    });
    let lost = seen.iter().filter(|s| !**s).count();
    (out.trim().to_string(), lost)
}

/// Non-English paragraphs of `doc` that [`translate_document`] considers, with their
/// language.
pub fn foreign_paragraphs(doc: &Document) -> Vec<(Span, String)> {
    let mut out = Vec::new();
    for p in &doc.paragraphs {
        let lang = p.language.as_deref().unwrap_or(&doc.language);
        let Some(text) = doc.text.get(p.span.start..p.span.end) else {
            continue;
        };
        // Language identification is unreliable on short headings and bylines: in an
        // English document only body paragraphs count as foreign.
        if is_english_or_unknown(lang)
            || text.trim().is_empty()
            || (is_english_or_unknown(&doc.language) && p.kind != crate::document::BlockKind::Body)
        {
            continue;
        }
        out.push((p.span, lang.to_string()));
    }
    out
}

/// Whether `doc` has paragraphs to translate into English.
pub fn needs_translation(doc: &Document) -> bool {
    !foreign_paragraphs(doc).is_empty()
}

/// Largest batch of paragraphs given to the backend in one call, in bytes.
const BATCH_BYTES: usize = 32 * 1024;

/// Translates every paragraph of `doc` whose language is not English (a paragraph without
/// a detected language takes the document's; in an English document, headings and bylines
/// are not translated), with entity mentions protected. Paragraphs
/// of one language are sent in batches separated by blank lines; when a batch comes back
/// with a different number of paragraphs, its paragraphs are sent one by one.
pub fn translate_document(doc: &Document, t: &dyn Translator) -> Translation {
    let start = Instant::now();
    let mut tr = Translation {
        paragraphs: Vec::new(),
        backend: t.name().to_string(),
        seconds: 0.0,
        untranslated: Vec::new(),
        errors: Vec::new(),
        entities_lost: 0,
    };
    // (span, language) of each paragraph to translate, in order.
    let mut todo: Vec<(Span, String)> = Vec::new();
    for (span, lang) in foreign_paragraphs(doc) {
        if t.supports(&lang, "en") {
            todo.push((span, lang));
        } else {
            tr.untranslated.push((span, lang));
        }
    }
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for (_, l) in &todo {
        *counts.entry(l.as_str()).or_default() += 1;
    }
    if let Some((main, _)) = counts.iter().max_by_key(|(_, n)| **n) {
        tr.backend = t.label(main, "en");
    }
    let mut i = 0;
    while i < todo.len() {
        let lang = todo[i].1.clone();
        let mut batch: Vec<(Span, Protected)> = Vec::new();
        let mut bytes = 0;
        let mut next = 0;
        while i < todo.len() && todo[i].1 == lang {
            let p = protect(doc, todo[i].0, next);
            if !batch.is_empty() && bytes + p.text.len() > BATCH_BYTES {
                break;
            }
            next += p.names.len();
            bytes += p.text.len() + 2;
            batch.push((todo[i].0, p));
            i += 1;
        }
        translate_batch(&batch, &lang, t, &mut tr);
    }
    tr.seconds = start.elapsed().as_secs_f64();
    tr
}

fn translate_batch(
    batch: &[(Span, Protected)],
    lang: &str,
    t: &dyn Translator,
    tr: &mut Translation,
) {
    let joined = batch
        .iter()
        .map(|(_, p)| p.text.as_str())
        .collect::<Vec<_>>()
        .join("\n\n");
    if batch.len() > 1 {
        if let Ok(out) = t.translate(&joined, lang, "en") {
            let parts: Vec<&str> = out
                .split("\n\n")
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .collect();
            if parts.len() == batch.len() {
                let mut first = 0;
                for ((span, p), part) in batch.iter().zip(parts) {
                    let (text, lost) = restore(part, &p.names, first);
                    first += p.names.len();
                    tr.entities_lost += lost;
                    tr.paragraphs.push((*span, text));
                }
                return;
            }
        }
    }
    // One by one (a single paragraph, or a batch that came back misaligned or failed).
    let mut first = 0;
    for (span, p) in batch {
        match t.translate(&p.text, lang, "en") {
            Ok(out) => {
                let (text, lost) = restore(&out, &p.names, first);
                tr.entities_lost += lost;
                tr.paragraphs.push((*span, text));
            }
            Err(e) => {
                tr.errors.push(e.to_string());
                tr.untranslated.push((*span, lang.to_string()));
            }
        }
        first += p.names.len();
    }
}

#[cfg(test)]
mod tests;
