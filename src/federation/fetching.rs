//! The HTTP client federation fetches actors and delivers activities with: redirects are not
//! followed (the crate handles one itself, and checks it), requests give up after 10 seconds,
//! and names are resolved by [`PublicOnly`], which refuses a host whose addresses are private,
//! loopback, link-local or otherwise not on the public Internet: a remote "server" named in an
//! activity must not make this one a proxy into its own network. Addresses written as IP
//! literals never reach the resolver; `policy::PolicyVerifier` refuses them.
//!
//! `federation.allow_http` (tests on one machine, refused in production) lets loopback and
//! private addresses through.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// How long a fetch or a delivery may take, connecting included.
const TIMEOUT: Duration = Duration::from_secs(10);

/// The client for the crate's configuration.
pub fn client(allow_private: bool) -> anyhow::Result<reqwest::Client> {
    Ok(reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(TIMEOUT)
        .connect_timeout(TIMEOUT)
        .dns_resolver(Arc::new(PublicOnly { allow_private }))
        .build()?)
}

/// Resolves with the system's resolver, then keeps only public addresses (all of them when
/// `allow_private`); a name left with none is an error.
#[derive(Debug, Clone, Copy)]
pub struct PublicOnly {
    pub allow_private: bool,
}

impl Resolve for PublicOnly {
    fn resolve(&self, name: Name) -> Resolving {
        let allow_private = self.allow_private;
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let found: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await?
                .filter(|a| allow_private || is_public(a.ip()))
                .collect();
            if found.is_empty() {
                return Err(format!("{host} has no public address").into());
            }
            let addrs: Addrs = Box::new(found.into_iter());
            Ok(addrs)
        })
    }
}

/// Whether an address is on the public Internet (not private, loopback, link-local, shared,
/// documentation, benchmarking, multicast, broadcast or unspecified; an IPv4 address mapped in
/// IPv6 is judged as IPv4).
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => is_public_v4(v4),
            None => is_public_v6(v6),
        },
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    !(ip.is_private()
        || ip.is_loopback()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_documentation()
        || ip.is_multicast()
        || a == 0
        // Shared address space (carrier-grade NAT), 100.64.0.0/10.
        || (a == 100 && (64..128).contains(&b))
        // Benchmarking, 198.18.0.0/15.
        || (a == 198 && (b == 18 || b == 19))
        // Reserved, 240.0.0.0/4.
        || a >= 240)
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    !(ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        // Unique local, fc00::/7.
        || (first & 0xfe00) == 0xfc00
        // Link-local, fe80::/10.
        || (first & 0xffc0) == 0xfe80
        // Documentation, 2001:db8::/32.
        || (first == 0x2001 && ip.segments()[1] == 0x0db8))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_addresses_are_public() {
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fd00::1",
            "fe80::1",
            "::ffff:192.168.1.1",
            "2001:db8::1",
        ] {
            let ip: IpAddr = private.parse().expect("address");
            assert!(!is_public(ip), "{private} is not public");
        }
        for public in ["93.184.216.34", "2a01:4f8::1", "::ffff:93.184.216.34"] {
            let ip: IpAddr = public.parse().expect("address");
            assert!(is_public(ip), "{public} is public");
        }
    }

    #[tokio::test]
    async fn a_name_of_the_local_machine_is_refused_unless_allowed() {
        let name: Name = "localhost".parse().expect("name");
        let refused = PublicOnly {
            allow_private: false,
        }
        .resolve(name)
        .await;
        assert!(refused.is_err(), "localhost must not resolve");
        let name: Name = "localhost".parse().expect("name");
        let allowed = PublicOnly {
            allow_private: true,
        }
        .resolve(name)
        .await
        .expect("resolves when allowed");
        assert!(allowed.into_iter().all(|a| a.ip().is_loopback()));
    }
}
