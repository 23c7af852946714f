//! Translation: the backends as configured by the user (`--translate`), the LibreTranslate
//! HTTP client (here rather than in sitrep-core, which has no HTTP stack), and the pass
//! that translates the documents a batch stored ([`translate_stored`]).

use std::collections::HashMap;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use sitrep_core::translate::{Apertium, NoTranslator, Translator};
use sitrep_store::Store;

use crate::observer::{Level, Observer};

/// Why a translation backend cannot be set up.
#[derive(Debug, thiserror::Error)]
pub enum TranslateError {
    /// The backend does not run (Apertium missing, or without the modes it needs).
    #[error(transparent)]
    Backend(#[from] sitrep_core::Error),
    /// LibreTranslate was chosen without a URL.
    #[error("libretranslate needs a URL: --translate libretranslate=http://host:5000")]
    NoUrl,
    /// The LibreTranslate URL does not parse.
    #[error("libretranslate URL `{url}`")]
    BadUrl {
        /// The URL given.
        url: String,
        /// Why it does not parse.
        #[source]
        source: url::ParseError,
    },
    /// The LibreTranslate URL is not http(s).
    #[error("libretranslate URL `{0}`: not http(s)")]
    NotHttp(String),
}

/// Which backend translates, and its settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TranslateConfig {
    /// `none`, `apertium` or `libretranslate`.
    pub backend: Backend,
    /// LibreTranslate server (its `/translate` endpoint is used).
    #[serde(default)]
    pub url: Option<String>,
    /// LibreTranslate API key, when the server wants one.
    #[serde(default)]
    pub api_key: Option<String>,
    /// The `apertium` program.
    #[serde(default)]
    pub apertium: Option<String>,
    /// Longest one call to the backend may take, in seconds.
    #[serde(default = "default_timeout")]
    pub timeout_secs: u64,
    /// Largest text given to the backend in one call, in bytes.
    #[serde(default = "default_max_bytes")]
    pub max_bytes: usize,
}

/// A translation backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    /// No translation.
    None,
    /// The `apertium` command.
    Apertium,
    /// A LibreTranslate server.
    Libretranslate,
}

fn default_timeout() -> u64 {
    60
}

fn default_max_bytes() -> usize {
    256 * 1024
}

impl TranslateConfig {
    /// A configuration with defaults for one backend.
    pub fn new(backend: Backend) -> Self {
        TranslateConfig {
            backend,
            url: None,
            api_key: None,
            apertium: None,
            timeout_secs: default_timeout(),
            max_bytes: default_max_bytes(),
        }
    }

    /// Parses `--translate`: `none`, `apertium` or `libretranslate=URL`.
    pub fn parse_arg(s: &str) -> std::result::Result<Self, String> {
        let s = s.trim();
        match s.split_once('=') {
            None if s == "none" => Ok(Self::new(Backend::None)),
            None if s == "apertium" => Ok(Self::new(Backend::Apertium)),
            Some(("libretranslate", url)) if !url.trim().is_empty() => Ok(TranslateConfig {
                url: Some(url.trim().to_string()),
                ..Self::new(Backend::Libretranslate)
            }),
            _ => Err(format!(
                "`{s}`: expected none, apertium or libretranslate=URL"
            )),
        }
    }

    /// Whether this is the `none` backend.
    pub fn is_none(&self) -> bool {
        self.backend == Backend::None
    }

    /// Builds the backend, checking that it can run (Apertium installed with its modes, a
    /// LibreTranslate URL that parses).
    pub fn build(&self) -> Result<Box<dyn Translator>, TranslateError> {
        let timeout = Duration::from_secs(self.timeout_secs.max(1));
        Ok(match self.backend {
            Backend::None => Box::new(NoTranslator),
            Backend::Apertium => {
                let mut a = Apertium {
                    timeout,
                    max_bytes: self.max_bytes,
                    ..Apertium::default()
                };
                if let Some(b) = &self.apertium {
                    a.binary = b.into();
                }
                a.check()?;
                Box::new(a)
            }
            Backend::Libretranslate => {
                let Some(url) = &self.url else {
                    return Err(TranslateError::NoUrl);
                };
                Box::new(LibreTranslate::new(
                    url,
                    self.api_key.clone(),
                    timeout,
                    self.max_bytes,
                )?)
            }
        })
    }
}

/// A LibreTranslate server: `POST {url}/translate` with `{q, source, target, format}`.
pub struct LibreTranslate {
    endpoint: String,
    api_key: Option<String>,
    agent: ureq::Agent,
    max_bytes: usize,
}

#[derive(Deserialize)]
struct LtAnswer {
    #[serde(rename = "translatedText")]
    translated_text: Option<String>,
    error: Option<String>,
}

impl LibreTranslate {
    /// A client for the server at `url` (`http://host:5000`, with or without `/translate`).
    pub fn new(
        url: &str,
        api_key: Option<String>,
        timeout: Duration,
        max_bytes: usize,
    ) -> Result<Self, TranslateError> {
        let parsed = url::Url::parse(url).map_err(|source| TranslateError::BadUrl {
            url: url.to_string(),
            source,
        })?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(TranslateError::NotHttp(url.to_string()));
        }
        let base = url.trim_end_matches('/');
        let endpoint = if base.ends_with("/translate") {
            base.to_string()
        } else {
            format!("{base}/translate")
        };
        Ok(LibreTranslate {
            endpoint,
            api_key,
            agent: ureq::AgentBuilder::new().timeout(timeout).build(),
            max_bytes,
        })
    }
}

fn lt_err(msg: String) -> sitrep_core::Error {
    sitrep_core::Error::Translate(msg)
}

impl Translator for LibreTranslate {
    fn translate(&self, text: &str, from: &str, to: &str) -> sitrep_core::Result<String> {
        if text.len() > self.max_bytes {
            return Err(lt_err(format!(
                "text too large for libretranslate ({} bytes, limit {})",
                text.len(),
                self.max_bytes
            )));
        }
        let mut body = serde_json::json!({
            "q": text, "source": from, "target": to, "format": "text",
        });
        if let Some(k) = &self.api_key {
            body["api_key"] = serde_json::Value::String(k.clone());
        }
        let answer = match self
            .agent
            .post(&self.endpoint)
            .set("Content-Type", "application/json")
            .send_string(&body.to_string())
        {
            Ok(r) => r.into_string(),
            Err(ureq::Error::Status(code, r)) => {
                let msg = r.into_string().unwrap_or_default();
                let msg = serde_json::from_str::<LtAnswer>(&msg)
                    .ok()
                    .and_then(|a| a.error)
                    .unwrap_or(msg);
                return Err(lt_err(format!("{}: HTTP {code}: {msg}", self.endpoint)));
            }
            Err(e) => return Err(lt_err(format!("{}: {e}", self.endpoint))),
        }
        .map_err(|e| lt_err(format!("{}: {e}", self.endpoint)))?;
        let a: LtAnswer = serde_json::from_str(&answer)
            .map_err(|e| lt_err(format!("{}: bad answer: {e}", self.endpoint)))?;
        match (a.translated_text, a.error) {
            (Some(t), _) => Ok(t),
            (None, Some(e)) => Err(lt_err(format!("{}: {e}", self.endpoint))),
            (None, None) => Err(lt_err(format!("{}: no translatedText", self.endpoint))),
        }
    }
    fn name(&self) -> &str {
        "LibreTranslate"
    }
}

/// The translation pass, after the batch is stored and indexed (so translation never holds
/// up the ingestion of other documents): a few worker threads translate, this thread loads
/// the documents and writes the translations. The first error of each document and a
/// summary go to the observer.
pub fn translate_stored(
    store: &mut Store,
    translator: &dyn Translator,
    ids: &[i64],
    obs: &dyn Observer,
) -> crate::Result<()> {
    use sitrep_core::translate::{translate_document, Translation};
    let start = Instant::now();
    let workers = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .clamp(1, 4);
    let (mut done, mut bytes, mut failed) = (0usize, 0usize, 0usize);
    let mut untranslated: HashMap<String, usize> = HashMap::new();
    let mut write =
        |store: &mut Store, id: i64, src: String, t: Translation| -> crate::Result<()> {
            for e in t.errors.iter().take(1) {
                obs.message(Level::Warning, &format!("translate {src}: {e}"));
            }
            for (_, lang) in &t.untranslated {
                *untranslated.entry(lang.clone()).or_default() += 1;
            }
            if t.paragraphs.is_empty() {
                failed += usize::from(!t.errors.is_empty());
                return Ok(());
            }
            bytes += t
                .paragraphs
                .iter()
                .map(|(s, _)| s.end - s.start)
                .sum::<usize>();
            done += 1;
            store.add_translation(id, &t)?;
            Ok(())
        };
    let (job_tx, job_rx) = mpsc::sync_channel::<(i64, sitrep_core::Document)>(workers * 2);
    let job_rx = std::sync::Mutex::new(job_rx);
    let (res_tx, res_rx) = mpsc::channel::<(i64, String, Translation)>();
    std::thread::scope(|scope| -> crate::Result<()> {
        for _ in 0..workers {
            let (job_rx, res_tx) = (&job_rx, res_tx.clone());
            scope.spawn(move || loop {
                let job = job_rx.lock().map(|rx| rx.recv());
                let Ok(Ok((id, doc))) = job else { return };
                let t = translate_document(&doc, translator);
                if res_tx.send((id, doc.source, t)).is_err() {
                    return;
                }
            });
        }
        drop(res_tx);
        for &id in ids {
            if let Some(d) = store.db().get(id)? {
                if job_tx.send((id, d.document)).is_err() {
                    break;
                }
            }
            while let Ok((id, src, t)) = res_rx.try_recv() {
                write(store, id, src, t)?;
            }
        }
        drop(job_tx);
        for (id, src, t) in res_rx {
            write(store, id, src, t)?;
        }
        Ok(())
    })?;
    store.sync_index()?;
    let secs = start.elapsed().as_secs_f64();
    obs.message(
        Level::Info,
        &format!(
            "translated {done} documents ({} KB) with {} in {secs:.1} s ({:.1} KB/s){}",
            bytes / 1024,
            translator.name(),
            if secs > 0.0 {
                bytes as f64 / 1024.0 / secs
            } else {
                0.0
            },
            if failed > 0 {
                format!(", {failed} failed")
            } else {
                String::new()
            }
        ),
    );
    let mut langs: Vec<_> = untranslated.into_iter().collect();
    langs.sort();
    for (lang, n) in langs {
        obs.message(
            Level::Info,
            &format!(
                "translate: {n} paragraphs in `{lang}` left untranslated: {} has no {lang}→en",
                translator.name()
            ),
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use std::io::{BufRead, BufReader, Read, Write};
    use std::net::TcpListener;

    /// A LibreTranslate stand-in on 127.0.0.1: `/translate` "translates" a few French words
    /// and leaves everything else (the placeholders included) alone.
    fn fake_server() -> String {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                reader.read_line(&mut line).unwrap();
                let request_line = line.clone();
                let mut len = 0usize;
                loop {
                    line.clear();
                    reader.read_line(&mut line).unwrap();
                    if line.trim().is_empty() {
                        break;
                    }
                    if let Some((k, v)) = line.split_once(':') {
                        if k.eq_ignore_ascii_case("content-length") {
                            len = v.trim().parse().unwrap();
                        }
                    }
                }
                let mut body = vec![0; len];
                reader.read_exact(&mut body).unwrap();
                let (status, answer) = if !request_line.starts_with("POST /translate ") {
                    ("404 Not Found", serde_json::json!({"error": "not found"}))
                } else {
                    let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
                    assert_eq!(v["format"], "text");
                    assert_eq!(v["target"], "en");
                    if v["source"] != "fr" {
                        ("400 Bad Request", serde_json::json!({"error": "fr only"}))
                    } else {
                        let q = v["q"].as_str().unwrap();
                        let mut t = q.to_string();
                        for (fr, en) in [
                            ("Les combattants d'", "The fighters of "),
                            ("Les combattants du", "The fighters of the"),
                            (" tiennent ", " hold "),
                            (" depuis vendredi", " since Friday"),
                            (" et ", " and "),
                        ] {
                            t = t.replace(fr, en);
                        }
                        ("200 OK", serde_json::json!({"translatedText": t}))
                    }
                };
                let body = answer.to_string();
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
            }
        });
        format!("http://{addr}")
    }

    #[test]
    fn translate_config_parses_and_denies_unknown_fields() {
        assert!(TranslateConfig::parse_arg("none").unwrap().is_none());
        assert_eq!(
            TranslateConfig::parse_arg("apertium").unwrap().backend,
            Backend::Apertium
        );
        let c = TranslateConfig::parse_arg("libretranslate=http://127.0.0.1:5000").unwrap();
        assert_eq!(c.url.as_deref(), Some("http://127.0.0.1:5000"));
        assert!(TranslateConfig::parse_arg("libretranslate=").is_err());
        assert!(TranslateConfig::parse_arg("google").is_err());
        let c: TranslateConfig =
            serde_json::from_str(r#"{"backend": "apertium", "timeout_secs": 5}"#).unwrap();
        assert_eq!(c.timeout_secs, 5);
        assert!(serde_json::from_str::<TranslateConfig>(
            r#"{"backend": "apertium", "timeout": 5}"#
        )
        .is_err());
        assert!(TranslateConfig::new(Backend::None).build().is_ok());
        assert!(TranslateConfig::new(Backend::Libretranslate)
            .build()
            .is_err());
        let bad = TranslateConfig {
            apertium: Some("/nonexistent/apertium".into()),
            ..TranslateConfig::new(Backend::Apertium)
        };
        assert!(bad.build().is_err());
    }

    #[test]
    fn translate_libretranslate_against_a_local_server() {
        let url = fake_server();
        let t = TranslateConfig::parse_arg(&format!("libretranslate={url}"))
            .unwrap()
            .build()
            .unwrap();
        assert_eq!(t.name(), "LibreTranslate");
        assert_eq!(
            t.translate("Les combattants du ZZENT0ZZ tiennent Gao", "fr", "en")
                .unwrap(),
            "The fighters of the ZZENT0ZZ hold Gao"
        );
        let e = t.translate("x", "de", "en").unwrap_err().to_string();
        assert!(e.contains("HTTP 400") && e.contains("fr only"), "{e}");

        // A whole document, entity names protected.
        let text = "Les combattants d'Ansar Dine tiennent Tombouctou depuis vendredi.\n\n\
                    Les combattants du Mouvement national de libération de l'Azawad (MNLA) \
                    tiennent Kidal et Gao depuis vendredi.\n";
        let p = sitrep_core::Pipeline::new(sitrep_core::PipelineOptions::default()).unwrap();
        let doc = p
            .process_bytes("fr.txt", text.as_bytes(), "txt")
            .unwrap()
            .remove(0);
        assert_eq!(doc.language, "fr");
        let tr = sitrep_core::translate::translate_document(&doc, t.as_ref());
        assert!(tr.errors.is_empty(), "{:?}", tr.errors);
        assert_eq!(tr.backend, "LibreTranslate fr→en");
        assert_eq!(tr.entities_lost, 0);
        let en = tr.text();
        assert!(
            en.contains("The fighters of Ansar Dine hold Timbuktu since Friday."),
            "{en}"
        );
        assert!(
            en.contains("National Movement for the Liberation of Azawad (MNLA) hold Kidal and Gao"),
            "{en}"
        );
    }
}
