//! Polite HTTP fetching: a user agent, robots.txt, a per-host rate limit, timeouts, a size
//! limit, and no loopback, private or link-local addresses unless asked (checked on every
//! resolution, redirects included).

use std::collections::HashMap;
use std::io::Read;
use std::net::{SocketAddr, ToSocketAddrs};
use std::time::{Duration, Instant};

use sitrep_store::Validators;
use url::Url;

/// The User-Agent header sent with every request.
pub const USER_AGENT: &str = "sitrep/0.1 (+https://example.org/sitrep)";

/// The product token matched against robots.txt groups.
const ROBOTS_TOKEN: &str = "sitrep";

const MAX_REDIRECTS: usize = 5;

/// Fetching options.
#[derive(Debug, Clone)]
pub struct FetchOptions {
    /// Allow loopback, private and link-local addresses.
    pub allow_private: bool,
    /// Whole-request timeout.
    pub timeout: Duration,
    /// Largest body accepted.
    pub max_bytes: u64,
    /// Least time between two requests to the same host.
    pub host_delay: Duration,
    /// Hosts (`name` or `name:port`, as written in URLs) fetched even when they resolve to
    /// a non-public address; every other host, redirect targets included, is still checked.
    pub allow_hosts: Vec<String>,
}

/// True when `host:port` is on the allow list (`host` alone allows every port).
fn host_allowed(allow: &[String], host: &str, port: u16) -> bool {
    let host = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_ascii_lowercase();
    allow.iter().any(|a| {
        let a = a.to_ascii_lowercase();
        let (h, p) = match a.rsplit_once(':') {
            Some((h, p)) if !h.ends_with(':') && p.parse::<u16>().is_ok() => (h, Some(p)),
            _ => (a.as_str(), None),
        };
        h.trim_start_matches('[').trim_end_matches(']') == host
            && p.is_none_or(|p| p == port.to_string())
    })
}

/// The fetcher's resolver: the guarded resolver, except for the hosts allowed by name.
struct FetchResolver {
    guarded: GuardedResolver,
    allow_hosts: Vec<String>,
}

impl ureq::Resolver for FetchResolver {
    fn resolve(&self, netloc: &str) -> std::io::Result<Vec<SocketAddr>> {
        if let Some((host, port)) = netloc.rsplit_once(':') {
            if let Ok(port) = port.parse::<u16>() {
                if host_allowed(&self.allow_hosts, host, port) {
                    return resolve_checked(host, port, true);
                }
            }
        }
        ureq::Resolver::resolve(&self.guarded, netloc)
    }
}

/// A fetched resource.
pub struct Fetched {
    /// The URL after redirects.
    pub url: String,
    /// The body.
    pub bytes: Vec<u8>,
    /// The Content-Type header.
    pub content_type: Option<String>,
    /// The `ETag` and `Last-Modified` headers, to make the next request conditional.
    pub validators: Validators,
}

/// What a conditional request gave.
pub enum Conditional {
    /// The resource changed (or the server ignores validators): its new body.
    Changed(Fetched),
    /// `304 Not Modified`: the copy fetched last time is still current.
    NotModified,
}

pub use crate::address::is_non_public;

/// Resolves a host and port, refusing non-public addresses unless allowed.
fn resolve_checked(host: &str, port: u16, allow_private: bool) -> std::io::Result<Vec<SocketAddr>> {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let addrs: Vec<SocketAddr> = (host, port).to_socket_addrs()?.collect();
    if addrs.is_empty() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            format!("{host}: no address"),
        ));
    }
    if !allow_private {
        if let Some(a) = addrs.iter().find(|a| is_non_public(a.ip())) {
            return Err(std::io::Error::new(
                std::io::ErrorKind::PermissionDenied,
                format!(
                    "refused: {host} resolves to the private/loopback/link-local address {} (use --allow-private)",
                    a.ip()
                ),
            ));
        }
    }
    Ok(addrs)
}

/// The resolver ureq connects through: every connection, redirects included, is checked.
pub struct GuardedResolver {
    /// Allow loopback, private and link-local addresses.
    pub allow_private: bool,
}

impl ureq::Resolver for GuardedResolver {
    fn resolve(&self, netloc: &str) -> std::io::Result<Vec<SocketAddr>> {
        let (host, port) = netloc.rsplit_once(':').ok_or_else(|| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!("{netloc}: no port"),
            )
        })?;
        let port: u16 = port.parse().map_err(|_| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!("{netloc}: bad port"),
            )
        })?;
        resolve_checked(host, port, self.allow_private)
    }
}

/// A robots.txt group: its user agents and its (allow, path pattern) rules.
type Group = (Vec<String>, Vec<(bool, String)>);

/// One response, read whole.
struct Response {
    status: u16,
    location: Option<String>,
    content_type: Option<String>,
    validators: Validators,
    body: Vec<u8>,
}

/// robots.txt rules of one group.
#[derive(Debug, Default, Clone)]
pub struct Robots {
    rules: Vec<(bool, String)>,
}

impl Robots {
    /// Parses robots.txt, keeping the group for `sitrep` or, failing that, for `*`.
    pub fn parse(text: &str) -> Robots {
        let mut groups: Vec<Group> = Vec::new();
        let mut in_agents = false;
        for line in text.lines() {
            let line = line.split('#').next().unwrap_or("").trim();
            let Some((k, v)) = line.split_once(':') else {
                continue;
            };
            let (k, v) = (k.trim().to_ascii_lowercase(), v.trim());
            match k.as_str() {
                "user-agent" => {
                    if !in_agents || groups.is_empty() {
                        groups.push((Vec::new(), Vec::new()));
                    }
                    in_agents = true;
                    if let Some(g) = groups.last_mut() {
                        g.0.push(v.to_ascii_lowercase());
                    }
                }
                "allow" | "disallow" => {
                    in_agents = false;
                    if let Some(g) = groups.last_mut() {
                        if !v.is_empty() {
                            g.1.push((k == "allow", v.to_string()));
                        }
                    }
                }
                _ => {}
            }
        }
        let pick = |pred: &dyn Fn(&str) -> bool| {
            groups
                .iter()
                .filter(|g| g.0.iter().any(|a| pred(a)))
                .flat_map(|g| g.1.clone())
                .collect::<Vec<_>>()
        };
        let mine = pick(&|a| a == ROBOTS_TOKEN || a.starts_with("sitrep/"));
        let rules = if groups.iter().any(|g| {
            g.0.iter()
                .any(|a| a == ROBOTS_TOKEN || a.starts_with("sitrep/"))
        }) {
            mine
        } else {
            pick(&|a| a == "*")
        };
        Robots { rules }
    }

    /// Whether a path (with its query) may be fetched: the longest matching rule wins,
    /// Allow on ties.
    pub fn allowed(&self, path: &str) -> bool {
        let mut best: Option<(usize, bool)> = None;
        for (allow, pat) in &self.rules {
            if pattern_matches(pat, path) {
                let len = pat.len();
                match best {
                    Some((l, a)) if l > len || (l == len && a) => {}
                    _ => best = Some((len, *allow)),
                }
            }
        }
        best.is_none_or(|(_, a)| a)
    }
}

/// robots.txt path patterns: a prefix, `*` for any run of characters, `$` for the end.
fn pattern_matches(pat: &str, path: &str) -> bool {
    // Linear in |pattern| x |path|: a hostile robots.txt (`/*a*a*a*a*a*a*a*b`) must not make
    // the matcher backtrack exponentially. `*` is any run of bytes, a final `$` anchors the
    // end, and otherwise the pattern is a prefix.
    let (p, anchored) = match pat.strip_suffix('$') {
        Some(x) => (x.as_bytes(), true),
        None => (pat.as_bytes(), false),
    };
    let s = path.as_bytes();
    // reach[j]: the pattern read so far can end just before path[j]
    let mut reach = vec![false; s.len() + 1];
    reach[0] = true;
    for &c in p {
        let mut next = vec![false; s.len() + 1];
        if c == b'*' {
            let mut any = false;
            for (j, r) in reach.iter().enumerate() {
                any |= *r;
                next[j] = any;
            }
        } else {
            for j in 0..s.len() {
                if reach[j] && s[j] == c {
                    next[j + 1] = true;
                }
            }
        }
        reach = next;
    }
    if anchored {
        reach[s.len()]
    } else {
        reach.iter().any(|&r| r)
    }
}

#[cfg(test)]
mod robots_pattern_tests {
    use super::pattern_matches;

    #[test]
    fn wildcards_anchors_and_prefixes() {
        assert!(pattern_matches("/private", "/private/x"));
        assert!(!pattern_matches("/private", "/public"));
        assert!(pattern_matches("/*.pdf$", "/docs/a.pdf"));
        assert!(!pattern_matches("/*.pdf$", "/docs/a.pdf?x=1"));
        assert!(pattern_matches("/a*b", "/axxbyy"));
        assert!(pattern_matches("/a$b", "/a$bc"));
    }

    #[test]
    fn hostile_wildcards_are_fast() {
        // exponential before: eight stars over a 60-byte path did not finish in 60 s
        // (a regression would hang here rather than fail)
        let path = format!("/{}", "a".repeat(200));
        assert!(!pattern_matches("/*a*a*a*a*a*a*a*a*a*a*a*a*b", &path));
        assert!(pattern_matches("/*a*a*a*a*a*a*a*a*a*a*a*a*a", &path));
    }
}

/// An HTTP client that fetches one URL at a time, politely.
pub struct Fetcher {
    agent: ureq::Agent,
    opts: FetchOptions,
    last: HashMap<String, Instant>,
    robots: HashMap<String, Robots>,
}

impl Fetcher {
    /// A fetcher with these options.
    pub fn new(opts: FetchOptions) -> Self {
        let agent = ureq::AgentBuilder::new()
            .resolver(FetchResolver {
                guarded: GuardedResolver {
                    allow_private: opts.allow_private,
                },
                allow_hosts: opts.allow_hosts.clone(),
            })
            .redirects(0)
            .timeout_connect(opts.timeout.min(Duration::from_secs(10)))
            .timeout(opts.timeout)
            .user_agent(USER_AGENT)
            .build();
        Fetcher {
            agent,
            opts,
            last: HashMap::new(),
            robots: HashMap::new(),
        }
    }

    fn check_host(&self, u: &Url) -> Result<(), String> {
        let host = u.host_str().ok_or_else(|| "no host in URL".to_string())?;
        let port = u.port_or_known_default().unwrap_or(80);
        let allow = self.opts.allow_private || host_allowed(&self.opts.allow_hosts, host, port);
        resolve_checked(host, port, allow)
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    fn wait_turn(&mut self, host: &str) {
        if let Some(t) = self.last.get(host) {
            let next = *t + self.opts.host_delay;
            let now = Instant::now();
            if next > now {
                std::thread::sleep(next - now);
            }
        }
        self.last.insert(host.to_string(), Instant::now());
    }

    /// One request, no redirect following; `cond` makes it conditional.
    fn request(&mut self, u: &Url, cond: Option<&Validators>) -> Result<Response, String> {
        self.check_host(u)?;
        self.wait_turn(u.host_str().unwrap_or(""));
        let mut req = self.agent.get(u.as_str());
        if let Some(v) = cond {
            if let Some(e) = &v.etag {
                req = req.set("If-None-Match", e);
            }
            if let Some(m) = &v.last_modified {
                req = req.set("If-Modified-Since", m);
            }
        }
        let resp = match req.call() {
            Ok(r) => r,
            Err(ureq::Error::Status(code, _)) => return Err(format!("HTTP {code}")),
            Err(ureq::Error::Transport(t)) => {
                let msg = t.to_string();
                return Err(
                    if msg.contains("timed out")
                        || msg.contains("Timeout")
                        || msg.contains("WouldBlock")
                    {
                        format!("timed out after {} s", self.opts.timeout.as_secs_f32())
                    } else {
                        msg
                    },
                );
            }
        };
        let status = resp.status();
        let location = resp.header("location").map(str::to_string);
        let ctype = resp.header("content-type").map(str::to_string);
        let header = |name: &str| {
            resp.header(name)
                .map(str::trim)
                .filter(|v| !v.is_empty() && v.len() <= 512)
                .map(str::to_string)
        };
        let validators = Validators {
            etag: header("etag"),
            last_modified: header("last-modified"),
        };
        if let Some(len) = resp
            .header("content-length")
            .and_then(|l| l.parse::<u64>().ok())
        {
            if len > self.opts.max_bytes {
                return Err(format!(
                    "too large ({len} bytes, limit {})",
                    self.opts.max_bytes
                ));
            }
        }
        let mut body = Vec::new();
        resp.into_reader()
            .take(self.opts.max_bytes + 1)
            .read_to_end(&mut body)
            .map_err(|e| {
                if e.kind() == std::io::ErrorKind::TimedOut
                    || e.kind() == std::io::ErrorKind::WouldBlock
                {
                    format!("timed out after {} s", self.opts.timeout.as_secs_f32())
                } else {
                    format!("reading the body: {e}")
                }
            })?;
        if body.len() as u64 > self.opts.max_bytes {
            return Err(format!("too large (over {} bytes)", self.opts.max_bytes));
        }
        Ok(Response {
            status,
            location,
            content_type: ctype,
            validators,
            body,
        })
    }

    fn robots_allow(&mut self, u: &Url) -> Result<bool, String> {
        let origin = u.origin().ascii_serialization();
        if !self.robots.contains_key(&origin) {
            let robots_url = u.join("/robots.txt").map_err(|e| e.to_string())?;
            let rules = match self.request(&robots_url, None) {
                Ok(r) if r.status == 200 => Robots::parse(&String::from_utf8_lossy(&r.body)),
                Ok(_) => Robots::default(),
                Err(e) if e.starts_with("refused:") => return Err(e),
                Err(_) => Robots::default(),
            };
            self.robots.insert(origin.clone(), rules);
        }
        let mut path = u.path().to_string();
        if let Some(q) = u.query() {
            path.push('?');
            path.push_str(q);
        }
        Ok(self.robots.get(&origin).is_none_or(|r| r.allowed(&path)))
    }

    /// Fetches a URL, following up to five redirects, each checked like the first request.
    pub fn get(&mut self, url: &str) -> Result<Fetched, String> {
        match self.get_conditional(url, None)? {
            Conditional::Changed(f) => Ok(f),
            Conditional::NotModified => Err("HTTP 304 to an unconditional request".into()),
        }
    }

    /// [`Fetcher::get`], sending `cond` (the validators of the last full response) so that
    /// an unchanged resource comes back as [`Conditional::NotModified`] without a body.
    pub fn get_conditional(
        &mut self,
        url: &str,
        cond: Option<&Validators>,
    ) -> Result<Conditional, String> {
        let cond = cond.filter(|v| !v.is_empty());
        let mut u = Url::parse(url).map_err(|e| format!("bad URL: {e}"))?;
        for _ in 0..=MAX_REDIRECTS {
            if !matches!(u.scheme(), "http" | "https") {
                return Err(format!("unsupported scheme `{}`", u.scheme()));
            }
            if !self.robots_allow(&u)? {
                return Err(format!("disallowed by robots.txt ({u})"));
            }
            let Response {
                status,
                location,
                content_type,
                validators,
                body,
            } = self.request(&u, cond)?;
            match status {
                200..=299 => {
                    return Ok(Conditional::Changed(Fetched {
                        url: u.to_string(),
                        bytes: body,
                        content_type,
                        validators,
                    }))
                }
                304 if cond.is_some() => return Ok(Conditional::NotModified),
                300..=399 => {
                    let loc = location.ok_or_else(|| format!("HTTP {status} without Location"))?;
                    u = u
                        .join(&loc)
                        .map_err(|e| format!("bad redirect `{loc}`: {e}"))?;
                }
                _ => return Err(format!("HTTP {status}")),
            }
        }
        Err(format!("more than {MAX_REDIRECTS} redirects"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_addresses() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "192.168.1.1",
            "172.16.0.1",
            "169.254.169.254",
            "::1",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
            "0.0.0.0",
            "100.64.0.1",
        ] {
            assert!(is_non_public(ip.parse().expect("ip")), "{ip}");
        }
        for ip in ["93.184.216.34", "2606:4700::1111", "8.8.8.8"] {
            assert!(!is_non_public(ip.parse().expect("ip")), "{ip}");
        }
    }

    #[test]
    fn allowed_hosts() {
        let allow = vec![
            "127.0.0.1:8080".to_string(),
            "intranet.example".to_string(),
            "[::1]:9".to_string(),
        ];
        assert!(host_allowed(&allow, "127.0.0.1", 8080));
        assert!(!host_allowed(&allow, "127.0.0.1", 8081));
        assert!(!host_allowed(&allow, "localhost", 8080));
        assert!(host_allowed(&allow, "Intranet.Example", 443));
        assert!(host_allowed(&allow, "[::1]", 9));
        assert!(host_allowed(&allow, "::1", 9));
        assert!(!host_allowed(&[], "127.0.0.1", 80));
    }

    #[test]
    fn robots_rules() {
        let r = Robots::parse("User-agent: other\nDisallow: /\n\nUser-agent: *\nDisallow: /private\nAllow: /private/ok\nDisallow: /*.pdf$\n");
        assert!(r.allowed("/page.html"));
        assert!(!r.allowed("/private/x"));
        assert!(r.allowed("/private/ok/y"));
        assert!(!r.allowed("/a/b.pdf"));
        assert!(r.allowed("/a/b.pdf?x=1"));
        let mine =
            Robots::parse("User-agent: *\nDisallow: /\n\nUser-agent: sitrep\nDisallow: /no\n");
        assert!(mine.allowed("/yes"));
        assert!(!mine.allowed("/no/x"));
        assert!(Robots::parse("User-agent: *\nDisallow:\n").allowed("/x"));
    }
}
