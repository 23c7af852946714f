//! Which network addresses are not public: what collectors and webhooks refuse to reach
//! without `--allow-private`, and what a webhook may not name when a watchlist is made.
//! IPv6 forms that carry an IPv4 address (IPv4-mapped, IPv4-compatible, 6to4, Teredo,
//! NAT64) are judged by the IPv4 address they carry.

use std::net::{IpAddr, Ipv4Addr};

/// True for addresses that must not be reached without `--allow-private`.
pub fn is_non_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || o[0] == 0
                || (o[0] == 100 && (o[1] & 0xc0) == 64) // 100.64.0.0/10, carrier-grade NAT
                || (o[0] == 192 && o[1] == 0 && o[2] == 0) // 192.0.0.0/24
                || (o[0] == 198 && (o[1] & 0xfe) == 18) // 198.18.0.0/15, benchmarking
                || o[0] >= 240
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_non_public(IpAddr::V4(v4));
            }
            let s = v6.segments();
            let v4 = |hi: u16, lo: u16| {
                Ipv4Addr::new((hi >> 8) as u8, hi as u8, (lo >> 8) as u8, lo as u8)
            };
            // IPv4-compatible (::a.b.c.d, deprecated but still routed by some stacks).
            if s[..6].iter().all(|&x| x == 0) && (s[6] != 0 || s[7] > 1) {
                return is_non_public(IpAddr::V4(v4(s[6], s[7])));
            }
            // 6to4: 2002:AABB:CCDD::/48 carries AA.BB.CC.DD.
            if s[0] == 0x2002 && is_non_public(IpAddr::V4(v4(s[1], s[2]))) {
                return true;
            }
            // Teredo: 2001:0::/32, server in bits 32-63, client inverted in the last 32.
            if s[0] == 0x2001
                && s[1] == 0
                && (is_non_public(IpAddr::V4(v4(s[2], s[3])))
                    || is_non_public(IpAddr::V4(v4(!s[6], !s[7]))))
            {
                return true;
            }
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (s[0] & 0xfe00) == 0xfc00 // unique local
                || (s[0] & 0xffc0) == 0xfe80 // link local
                || (s[0] & 0xffc0) == 0xfec0 // site local (deprecated)
                || (s[0] == 0x2001 && s[1] == 0x0db8) // documentation
                || (s[0] == 0x0064 && s[1] == 0xff9b) // NAT64 may reach private v4
        }
    }
}

/// Why the host of `url` is not public, when it says so by itself: an IP literal that is
/// not public, or a `localhost` name. Other names are resolved, and checked, when called.
pub fn non_public_host(url: &url::Url) -> Option<String> {
    match url.host()? {
        url::Host::Ipv4(ip) => is_non_public(IpAddr::V4(ip)).then(|| ip.to_string()),
        url::Host::Ipv6(ip) => is_non_public(IpAddr::V6(ip)).then(|| format!("[{ip}]")),
        url::Host::Domain(d) => {
            let d = d.trim_end_matches('.').to_ascii_lowercase();
            (d == "localhost" || d.ends_with(".localhost")).then_some(d)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_ipv4_forms_are_judged_by_their_ipv4() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "169.254.169.254",
            "::1",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
            "::127.0.0.1",                          // IPv4-compatible
            "::10.0.0.1",                           // IPv4-compatible
            "2002:7f00:1::",                        // 6to4 of 127.0.0.1
            "2002:a9fe:a9fe::1",                    // 6to4 of 169.254.169.254
            "2001:0:4136:e378:8000:63bf:80ff:fffe", // Teredo, client 127.0.0.1
            "64:ff9b::a00:1",
        ] {
            assert!(is_non_public(ip.parse().expect("ip")), "{ip}");
        }
        for ip in [
            "93.184.216.34",
            "2606:4700::1111",
            "2002:5db8:d822::1",                    // 6to4 of 93.184.216.34
            "2001:0:4136:e378:8000:63bf:a247:27dd", // Teredo, client 93.184.216.34
        ] {
            assert!(!is_non_public(ip.parse().expect("ip")), "{ip}");
        }
    }

    #[test]
    fn hosts_that_say_they_are_private() {
        let host = |u: &str| non_public_host(&url::Url::parse(u).expect("url"));
        assert_eq!(host("http://127.0.0.1:9/h").as_deref(), Some("127.0.0.1"));
        assert_eq!(
            host("http://[::ffff:a9fe:a9fe]/h").as_deref(),
            Some("[::ffff:169.254.169.254]")
        );
        assert_eq!(host("http://LocalHost./h").as_deref(), Some("localhost"));
        assert_eq!(host("http://0x7f.1/h").as_deref(), Some("127.0.0.1"));
        assert_eq!(host("https://hooks.example.org/h"), None);
    }
}
