//! Watchlist webhooks: after an ingest (or a `sitrep watch` round) has stored documents,
//! every watchlist with a webhook whose search matches some of them gets one JSON POST
//! listing them. The POST goes through the same address guard as fetching (no loopback,
//! private or link-local address unless `--allow-private`), follows no redirect, has a
//! timeout, and its failure is reported but never fails the ingest. The outcome is kept in
//! the store (`webhook_deliveries`), where the server shows it.

use std::time::Duration;

use serde_json::json;
use sitrep_store::{SearchFilters, Store, Watchlist, WebhookDelivery};

use crate::ingest::fetch::{GuardedResolver, USER_AGENT};
use crate::ingest::CollectOptions;

/// Most documents listed in one payload (`count` gives the full number).
pub const MAX_MATCHES: usize = 100;

/// How webhooks are called.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Allow loopback, private and link-local targets.
    pub allow_private: bool,
    /// Whole-request timeout.
    pub timeout: Duration,
    /// Base URL of the web interface, for links to documents.
    pub server_url: String,
}

impl From<&CollectOptions> for Settings {
    fn from(o: &CollectOptions) -> Self {
        Settings {
            allow_private: o.allow_private,
            timeout: o.timeout(),
            server_url: o.server_url.trim_end_matches('/').to_string(),
        }
    }
}

fn nonempty(s: &Option<String>) -> Option<String> {
    s.as_ref()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

/// The documents among `new_ids` that a watchlist matches.
fn matches(store: &Store, w: &Watchlist, new_ids: &[i64]) -> sitrep_store::Result<Vec<i64>> {
    let filters = SearchFilters {
        entity: nonempty(&w.entity),
        event_type: nonempty(&w.event_type),
        lang: nonempty(&w.lang),
        ..SearchFilters::default()
    };
    store.matching(w.q.as_deref().unwrap_or(""), &filters, new_ids)
}

/// The JSON body sent for a watchlist and its matching documents.
pub fn payload(store: &Store, w: &Watchlist, ids: &[i64], server_url: &str) -> serde_json::Value {
    let docs: Vec<serde_json::Value> = ids
        .iter()
        .take(MAX_MATCHES)
        .filter_map(|&id| store.db().get(id).ok().flatten())
        .map(|d| {
            json!({
                "id": d.id,
                "title": d.title,
                "url": d.url,
                "published": d.published,
                "source": d.source,
                "outlet": d.outlet,
                "language": d.language,
                "link": format!("{server_url}/doc/{}", d.id),
            })
        })
        .collect();
    json!({
        "watchlist": {
            "id": w.id,
            "name": w.name,
            "q": w.q,
            "entity": w.entity,
            "type": w.event_type,
            "lang": w.lang,
            "feed": format!("{server_url}/watch/{}/feed.atom", w.id),
        },
        "count": ids.len(),
        "truncated": ids.len() > MAX_MATCHES,
        "matches": docs,
        "sent_at": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    })
}

fn origin(url: &str) -> String {
    url::Url::parse(url)
        .map(|u| u.origin().ascii_serialization())
        .unwrap_or_else(|_| "(invalid URL)".into())
}

/// POSTs one payload; `Ok(status line)` on a 2xx answer, `Err(reason)` otherwise.
fn post(agent: &ureq::Agent, url: &str, body: &str) -> Result<String, String> {
    let checked = sitrep_server::watch::check_webhook(url)?;
    match agent
        .post(&checked)
        .set("Content-Type", "application/json")
        .send_string(body)
    {
        Ok(r) if (200..300).contains(&r.status()) => Ok(format!("HTTP {}", r.status())),
        Ok(r) if (300..400).contains(&r.status()) => Err(format!(
            "HTTP {} (redirects are not followed: give the final URL)",
            r.status()
        )),
        Ok(r) => Err(format!("HTTP {}", r.status())),
        Err(ureq::Error::Status(code, _)) => Err(format!("HTTP {code}")),
        Err(ureq::Error::Transport(t)) => Err(t.to_string()),
    }
}

/// Calls the webhook of every watchlist that matches some of the documents `new_ids`, once
/// per watchlist, and records each outcome. Returns how many POSTs succeeded. Problems are
/// printed, never returned: the documents are stored whatever the webhooks do.
pub fn notify(store: &mut Store, new_ids: &[i64], s: &Settings) -> usize {
    if new_ids.is_empty() {
        return 0;
    }
    let lists = match store.watchlists() {
        Ok(l) => l,
        Err(e) => {
            eprintln!("sitrep: watchlists not read, no webhook called: {e}");
            return 0;
        }
    };
    let hooked: Vec<&Watchlist> = lists.iter().filter(|w| w.webhook.is_some()).collect();
    if hooked.is_empty() {
        return 0;
    }
    let agent = ureq::AgentBuilder::new()
        .resolver(GuardedResolver {
            allow_private: s.allow_private,
        })
        .redirects(0)
        .timeout_connect(s.timeout.min(Duration::from_secs(10)))
        .timeout(s.timeout)
        .user_agent(USER_AGENT)
        .build();
    let mut delivered = 0;
    for w in hooked {
        let url = w.webhook.as_deref().unwrap_or_default();
        let ids = match matches(store, w, new_ids) {
            Ok(ids) => ids,
            Err(e) => {
                eprintln!(
                    "sitrep: watchlist {} ({}): its search failed: {e}; fix the watchlist",
                    w.id, w.name
                );
                continue;
            }
        };
        if ids.is_empty() {
            continue;
        }
        let body = payload(store, w, &ids, &s.server_url).to_string();
        let result = post(&agent, url, &body);
        let target = origin(url);
        let (ok, status) = match &result {
            Ok(st) => {
                delivered += 1;
                eprintln!(
                    "webhook: watchlist {} ({}): {} new matches sent to {target} ({st})",
                    w.id,
                    w.name,
                    ids.len()
                );
                (true, st.clone())
            }
            Err(reason) => {
                eprintln!(
                    "sitrep: webhook of watchlist {} ({}) to {target} not delivered: {reason}",
                    w.id, w.name
                );
                (false, reason.clone())
            }
        };
        let d = WebhookDelivery {
            watchlist_id: w.id,
            target,
            ok,
            status,
            matches: ids.len() as u64,
            at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        };
        if let Err(e) = store.db_mut().record_webhook_delivery(&d) {
            eprintln!(
                "sitrep: recording the webhook delivery of watchlist {}: {e}",
                w.id
            );
        }
    }
    delivered
}
