//! Which client sent a request. Behind a load balancer or reverse proxy the peer is the proxy,
//! so the client's address is taken from `X-Forwarded-For` — but only when the peer is one of
//! the configured trusted proxies (`--trusted-proxy CIDR`); from anyone else the header is
//! ignored, or a client could name any address it likes and escape its limits.

use std::net::IpAddr;

use ipnet::IpNet;

/// The client's address: the peer's, or, when the peer is a trusted proxy, the right-most address
/// of the `X-Forwarded-For` chain that is not itself a trusted proxy (each proxy appends the
/// address it saw, so addresses to the left of the first untrusted one could be made up).
pub fn client_address<'a>(
    peer: IpAddr,
    forwarded_for: impl IntoIterator<Item = &'a str>,
    trusted: &[IpNet],
) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(&canonical(*ip)));
    if !is_trusted(&peer) {
        return canonical(peer);
    }
    let chain: Vec<IpAddr> = forwarded_for
        .into_iter()
        .flat_map(|header| header.split(','))
        .map_while(|part| part.trim().parse::<IpAddr>().ok())
        .collect();
    chain.into_iter().rev().find(|ip| !is_trusted(ip)).map_or(canonical(peer), canonical)
}

/// An IPv4 address written as IPv6 (`::ffff:192.0.2.1`) is the IPv4 address.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4),
        v4 @ IpAddr::V4(_) => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap_or_else(|_| panic!("{text} is an address"))
    }

    fn nets(list: &[&str]) -> Vec<IpNet> {
        list.iter().map(|net| net.parse().unwrap_or_else(|_| panic!("{net} is a network"))).collect()
    }

    #[test]
    fn the_header_counts_only_from_a_trusted_proxy() {
        let trusted = nets(&["10.0.0.0/8", "fd00::/8"]);
        let table: [(&str, &[&str], &str); 9] = [
            // No proxy configured for this peer: the header is ignored.
            ("198.51.100.9", &["203.0.113.7"], "198.51.100.9"),
            // From the proxy: the client it saw.
            ("10.1.2.3", &["203.0.113.7"], "203.0.113.7"),
            // A made-up address to the left of the proxy's own entry does not count.
            ("10.1.2.3", &["192.0.2.66, 203.0.113.7"], "203.0.113.7"),
            // Two proxies in a row: the first untrusted from the right.
            ("10.1.2.3", &["203.0.113.7, 10.9.9.9"], "203.0.113.7"),
            // Headers given twice read as one list.
            ("10.1.2.3", &["192.0.2.66", "203.0.113.7"], "203.0.113.7"),
            // No header, or nothing readable at its right end: the proxy itself.
            ("10.1.2.3", &[], "10.1.2.3"),
            ("10.1.2.3", &["unknown"], "10.1.2.3"),
            ("fd00::1", &["2001:db8::7"], "2001:db8::7"),
            ("::ffff:198.51.100.9", &["203.0.113.7"], "198.51.100.9"),
        ];
        for (peer, headers, expected) in table {
            assert_eq!(
                client_address(ip(peer), headers.iter().copied(), &trusted),
                ip(expected),
                "{peer} {headers:?}"
            );
        }
    }

    #[test]
    fn without_trusted_proxies_the_peer_is_the_client() {
        assert_eq!(client_address(ip("127.0.0.1"), ["203.0.113.7"], &[]), ip("127.0.0.1"));
    }
}
