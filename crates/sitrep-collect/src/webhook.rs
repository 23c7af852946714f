//! Watchlist webhooks: after a batch (`sitrep ingest`, a `sitrep watch` round, a queue
//! worker's batch, a report sent to the server's `POST /api/v1/ingest`) has stored
//! documents, every watchlist with a webhook whose search matches some of them gets one
//! JSON POST listing them. The POST goes through the same address guard as fetching (no
//! loopback, private or link-local address unless allowed), follows no redirect, has a
//! timeout, and its failure is reported but never fails the ingest. The outcome is kept in
//! the store (`webhook_deliveries`), where the server shows it.
//!
//! Three steps, so that a caller which shares its store (the server) holds it only while
//! reading and recording: [`plan`] reads the watchlists and builds the payloads, [`deliver`]
//! POSTs them without the store, [`record`] writes the outcomes. [`notify`] does all three.

use std::time::Duration;

use serde_json::json;
use sitrep_store::{SearchFilters, Store, Watchlist, WebhookDelivery};

use crate::fetch::{GuardedResolver, USER_AGENT};
use crate::observer::{Level, Observer};

/// Most documents listed in one payload (`count` gives the full number).
pub const MAX_MATCHES: usize = 100;

/// How webhooks are called.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Allow loopback, private and link-local targets.
    pub allow_private: bool,
    /// Whole-request timeout.
    pub timeout: Duration,
    /// Base URL of the web interface, for links to documents (no trailing slash).
    pub server_url: String,
}

/// Checks a webhook URL: absolute http(s) with a host, no user name or password, at most
/// 2,048 bytes. Whether its address may be reached is decided when it is called.
pub fn check_webhook(url: &str) -> Result<String, String> {
    let url = url.trim();
    if url.len() > 2048 {
        return Err("webhook URL longer than 2048 bytes".into());
    }
    let u = url::Url::parse(url).map_err(|e| format!("webhook `{url}` is not a URL: {e}"))?;
    if !matches!(u.scheme(), "http" | "https") {
        return Err(format!(
            "webhook must be an http(s) URL, not `{}:`",
            u.scheme()
        ));
    }
    if u.host_str().is_none_or(str::is_empty) {
        return Err("webhook URL has no host".into());
    }
    if !u.username().is_empty() || u.password().is_some() {
        return Err("webhook URL must not carry a user name or password".into());
    }
    Ok(u.to_string())
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
    let checked = check_webhook(url)?;
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

/// One webhook call to make: the watchlist, its matching documents and the body to send.
#[derive(Debug, Clone)]
pub struct Call {
    /// The watchlist's id.
    pub watchlist_id: u64,
    /// The watchlist's name.
    pub name: String,
    /// The webhook URL.
    pub url: String,
    /// How many new documents match.
    pub matches: usize,
    /// The JSON body.
    pub body: String,
}

/// The outcome of one [`Call`].
#[derive(Debug, Clone)]
pub struct Delivered {
    /// The call made.
    pub call: Call,
    /// `Ok(status line)` on a 2xx answer, `Err(reason)` otherwise.
    pub result: Result<String, String>,
    /// When it was made (RFC 3339).
    pub at: String,
}

/// The calls to make for the documents `new_ids`: one per watchlist with a webhook whose
/// search matches some of them. Problems (watchlists that cannot be read, a search that
/// fails) are told to the observer and leave those watchlists out.
pub fn plan(store: &mut Store, new_ids: &[i64], s: &Settings, obs: &dyn Observer) -> Vec<Call> {
    if new_ids.is_empty() {
        return Vec::new();
    }
    let lists = match store.watchlists() {
        Ok(l) => l,
        Err(e) => {
            obs.message(
                Level::Warning,
                &format!("watchlists not read, no webhook called: {e}"),
            );
            return Vec::new();
        }
    };
    let mut calls = Vec::new();
    for w in lists.iter().filter(|w| w.webhook.is_some()) {
        let ids = match matches(store, w, new_ids) {
            Ok(ids) => ids,
            Err(e) => {
                obs.message(
                    Level::Warning,
                    &format!(
                        "watchlist {} ({}): its search failed: {e}; fix the watchlist",
                        w.id, w.name
                    ),
                );
                continue;
            }
        };
        if ids.is_empty() {
            continue;
        }
        calls.push(Call {
            watchlist_id: w.id,
            name: w.name.clone(),
            url: w.webhook.clone().unwrap_or_default(),
            matches: ids.len(),
            body: payload(store, w, &ids, &s.server_url).to_string(),
        });
    }
    calls
}

/// POSTs every call (no store needed), telling the observer how each went.
pub fn deliver(calls: Vec<Call>, s: &Settings, obs: &dyn Observer) -> Vec<Delivered> {
    if calls.is_empty() {
        return Vec::new();
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
    calls
        .into_iter()
        .map(|call| {
            let result = post(&agent, &call.url, &call.body);
            let target = origin(&call.url);
            match &result {
                Ok(st) => obs.message(
                    Level::Info,
                    &format!(
                        "webhook: watchlist {} ({}): {} new matches sent to {target} ({st})",
                        call.watchlist_id, call.name, call.matches
                    ),
                ),
                Err(reason) => obs.message(
                    Level::Warning,
                    &format!(
                        "webhook of watchlist {} ({}) to {target} not delivered: {reason}",
                        call.watchlist_id, call.name
                    ),
                ),
            }
            Delivered {
                call,
                result,
                at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            }
        })
        .collect()
}

/// Records each outcome in the store (`webhook_deliveries`). Returns how many succeeded.
pub fn record(store: &mut Store, delivered: &[Delivered], obs: &dyn Observer) -> usize {
    let mut ok_count = 0;
    for d in delivered {
        let (ok, status) = match &d.result {
            Ok(st) => (true, st.clone()),
            Err(reason) => (false, reason.clone()),
        };
        ok_count += usize::from(ok);
        let row = WebhookDelivery {
            watchlist_id: d.call.watchlist_id,
            target: origin(&d.call.url),
            ok,
            status,
            matches: d.call.matches as u64,
            at: d.at.clone(),
        };
        if let Err(e) = store.db_mut().record_webhook_delivery(&row) {
            obs.message(
                Level::Warning,
                &format!(
                    "recording the webhook delivery of watchlist {}: {e}",
                    d.call.watchlist_id
                ),
            );
        }
    }
    ok_count
}

/// Calls the webhook of every watchlist that matches some of the documents `new_ids`, once
/// per watchlist, and records each outcome. Returns how many POSTs succeeded. Problems are
/// told to the observer, never returned: the documents are stored whatever the webhooks do.
pub fn notify(store: &mut Store, new_ids: &[i64], s: &Settings, obs: &dyn Observer) -> usize {
    let calls = plan(store, new_ids, s, obs);
    let delivered = deliver(calls, s, obs);
    record(store, &delivered, obs)
}
