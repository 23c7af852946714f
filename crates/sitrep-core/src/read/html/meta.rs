//! Page metadata by trust: JSON-LD (`NewsArticle`, `Article`, `BlogPosting`...), then
//! OpenGraph and `article:*` meta, other `<meta>` names, `<time datetime>`, then what the
//! article's own lines say (its headline, byline).

use scraper::{Html, Selector};
use serde_json::Value;

/// What the page's head and structured data say about it.
#[derive(Debug, Clone, Default)]
pub(super) struct PageMeta {
    /// Headline from JSON-LD.
    pub ld_headline: Option<String>,
    /// `og:title` or `twitter:title`.
    pub og_title: Option<String>,
    /// The `<title>` element.
    pub title_tag: Option<String>,
    /// Publication day, `YYYY-MM-DD`.
    pub published: Option<String>,
    /// Last modification day, `YYYY-MM-DD`.
    pub modified: Option<String>,
    /// Author names.
    pub author: Option<String>,
    /// Publisher or site name.
    pub outlet: Option<String>,
    /// Canonical URL.
    pub url: Option<String>,
    /// The JSON-LD `articleBody`, when the page gives one.
    pub article_body: Option<String>,
}

fn sel(s: &str) -> Option<Selector> {
    Selector::parse(s).ok()
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn first_attr(doc: &Html, selector: &str, attr: &str) -> Option<String> {
    let s = sel(selector)?;
    doc.select(&s)
        .filter_map(|e| e.value().attr(attr).map(collapse))
        .find(|v| !v.is_empty())
}

fn first_text(doc: &Html, selector: &str) -> Option<String> {
    let s = sel(selector)?;
    doc.select(&s)
        .map(|e| collapse(&e.text().collect::<String>()))
        .find(|t| !t.is_empty())
}

/// The `<meta>` content for the first of `names` (matched on `name`, `property` or
/// `itemprop`, case-insensitively) that the page has.
fn meta_content(metas: &[(String, String)], names: &[&str]) -> Option<String> {
    names.iter().find_map(|n| {
        metas
            .iter()
            .find(|(k, v)| k == n && !v.is_empty())
            .map(|(_, v)| v.clone())
    })
}

const ARTICLE_TYPES: &[&str] = &[
    "newsarticle",
    "article",
    "blogposting",
    "reportagenewsarticle",
    "analysisnewsarticle",
    "opinionnewsarticle",
    "backgroundnewsarticle",
    "reviewnewsarticle",
    "scholarlyarticle",
    "techarticle",
    "report",
    "liveblogposting",
    "posting",
    "socialmediaposting",
];

fn types(v: &Value) -> Vec<String> {
    match v.get("@type") {
        Some(Value::String(s)) => vec![s.to_ascii_lowercase()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|x| x.as_str().map(str::to_ascii_lowercase))
            .collect(),
        _ => Vec::new(),
    }
}

/// Every JSON object in the value (arrays and `@graph` included), depth-first.
fn objects<'a>(v: &'a Value, out: &mut Vec<&'a Value>, depth: usize) {
    if depth > 6 {
        return;
    }
    match v {
        Value::Array(a) => a.iter().for_each(|x| objects(x, out, depth + 1)),
        Value::Object(m) => {
            out.push(v);
            if let Some(g) = m.get("@graph") {
                objects(g, out, depth + 1);
            }
        }
        _ => {}
    }
}

fn string_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(collapse(s)).filter(|s| !s.is_empty()),
        Value::Object(m) => m.get("name").and_then(string_of),
        Value::Array(a) => {
            let names: Vec<String> = a.iter().filter_map(string_of).collect();
            (!names.is_empty()).then(|| names.join(", "))
        }
        _ => None,
    }
}

fn is_url(s: &str) -> bool {
    s.starts_with("http://") || s.starts_with("https://") || s.starts_with('/')
}

/// Reads the page's metadata.
pub(super) fn read(doc: &Html) -> PageMeta {
    let mut m = PageMeta::default();
    // JSON-LD
    if let Some(s) = sel(r#"script[type="application/ld+json"]"#) {
        for script in doc.select(&s) {
            let raw: String = script.text().collect();
            let Ok(v) = serde_json::from_str::<Value>(raw.trim()) else {
                continue;
            };
            let mut objs = Vec::new();
            objects(&v, &mut objs, 0);
            for o in objs {
                let t = types(o);
                if !t.iter().any(|t| ARTICLE_TYPES.contains(&t.as_str())) {
                    continue;
                }
                if m.ld_headline.is_none() {
                    m.ld_headline = o.get("headline").and_then(string_of);
                }
                if m.published.is_none() {
                    m.published = o
                        .get("datePublished")
                        .and_then(string_of)
                        .and_then(|d| super::iso_day(&d));
                }
                if m.modified.is_none() {
                    m.modified = o
                        .get("dateModified")
                        .and_then(string_of)
                        .and_then(|d| super::iso_day(&d));
                }
                if m.author.is_none() {
                    m.author = o.get("author").and_then(string_of).filter(|a| !is_url(a));
                }
                if m.outlet.is_none() {
                    m.outlet = o
                        .get("publisher")
                        .and_then(string_of)
                        .filter(|a| !is_url(a));
                }
                if m.url.is_none() {
                    m.url = o
                        .get("url")
                        .and_then(string_of)
                        .filter(|u| u.starts_with("http"));
                }
                if m.article_body.is_none() {
                    m.article_body = o.get("articleBody").and_then(string_of);
                }
            }
        }
    }
    // <meta> tags, keyed by lower-case name/property/itemprop
    let mut metas: Vec<(String, String)> = Vec::new();
    if let Some(s) = sel("meta[content]") {
        for e in doc.select(&s) {
            let el = e.value();
            let Some(content) = el.attr("content") else {
                continue;
            };
            for a in ["property", "name", "itemprop"] {
                if let Some(k) = el.attr(a) {
                    metas.push((k.trim().to_ascii_lowercase(), collapse(content)));
                }
            }
        }
    }
    m.og_title = meta_content(&metas, &["og:title", "twitter:title"]);
    m.title_tag = first_text(doc, "title");
    if m.published.is_none() {
        m.published = meta_content(
            &metas,
            &[
                "article:published_time",
                "datepublished",
                "og:published_time",
                "published_time",
                "pubdate",
                "publishdate",
                "publish-date",
                "publication_date",
                "date",
                "dc.date",
                "dc.date.issued",
                "dcterms.date",
                "dcterms.created",
                "sailthru.date",
                "parsely-pub-date",
            ],
        )
        .and_then(|d| super::iso_day(&d))
        .or_else(|| first_attr(doc, "time[datetime]", "datetime").and_then(|d| super::iso_day(&d)));
    }
    if m.modified.is_none() {
        m.modified = meta_content(
            &metas,
            &["article:modified_time", "og:updated_time", "datemodified"],
        )
        .and_then(|d| super::iso_day(&d));
    }
    if m.author.is_none() {
        m.author = meta_content(
            &metas,
            &[
                "author",
                "article:author",
                "dc.creator",
                "byl",
                "parsely-author",
                "sailthru.author",
            ],
        )
        .filter(|a| !is_url(a))
        .or_else(|| first_text(doc, r#"[rel="author"]"#));
    }
    if m.outlet.is_none() {
        m.outlet = meta_content(
            &metas,
            &[
                "og:site_name",
                "application-name",
                "publisher",
                "dc.publisher",
            ],
        );
    }
    if m.url.is_none() {
        m.url = first_attr(doc, r#"link[rel="canonical"]"#, "href")
            .filter(|u| u.starts_with("http"))
            .or_else(|| meta_content(&metas, &["og:url"]).filter(|u| u.starts_with("http")));
    }
    m
}

/// Separators between a headline and the site name in `<title>`.
const TITLE_SEPS: &[&str] = &[" | ", " - ", " – ", " — ", " :: ", " · ", " • ", " » "];

/// Splits `Headline | Site` into the headline and the site; the longer part is the headline.
pub(super) fn split_title(t: &str) -> (String, Option<String>) {
    for sep in TITLE_SEPS {
        if let Some(i) = t.rfind(sep) {
            let (a, b) = (t[..i].trim(), t[i + sep.len()..].trim());
            if a.is_empty() || b.is_empty() {
                continue;
            }
            // the site name is the short part, at either end
            if b.split_whitespace().count() <= 4 && a.len() > b.len() {
                return (a.to_string(), Some(b.to_string()));
            }
            if let Some(j) = t.find(sep) {
                let (a2, b2) = (t[..j].trim(), t[j + sep.len()..].trim());
                if a2.split_whitespace().count() <= 4 && b2.len() > a2.len() {
                    return (b2.to_string(), Some(a2.to_string()));
                }
            }
        }
    }
    (t.to_string(), None)
}

/// The host name of a URL without `www.`, as a last-resort outlet.
pub(super) fn host_of(url: &str) -> Option<String> {
    let rest = url.split("://").nth(1)?;
    let host = rest
        .split(['/', '?', '#', ':'])
        .next()?
        .to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host).to_string();
    (host.contains('.')).then_some(host)
}
