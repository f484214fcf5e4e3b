//! Request-level protections shared by pages, server functions and the API: who the client
//! is (behind trusted proxies), which origins may change data, and the headers every answer
//! carries.

use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;
use std::sync::Arc;

use app::request::ClientAddr;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::api::ApiError;

/// What the deployment tells the server about the network in front of it.
#[derive(Clone, Debug, Default)]
pub struct WebPolicy {
    /// Proxies whose `X-Forwarded-For` is believed (`C2M_TRUSTED_PROXIES`): a request from
    /// one of them is the client's that the header names, read from the right and skipping
    /// the trusted hops. From anyone else the header is ignored: a client cannot pick the
    /// address its limits are counted under.
    pub trusted_proxies: Vec<Network>,
    /// Origins besides the request's own host that may send state-changing requests
    /// (`C2M_ALLOWED_ORIGINS`, e.g. `https://shop.example.com` when the proxy rewrites
    /// `Host`); lower case, without a trailing slash.
    pub allowed_origins: Vec<String>,
}

impl WebPolicy {
    /// The client of a request that arrived from `peer` with these headers.
    pub fn client_of(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let peer = peer.to_canonical();
        if !self.trusts(peer) {
            return peer;
        }
        let mut client = peer;
        let hops = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .collect::<Vec<_>>();
        for hop in hops.iter().rev() {
            match hop.trim().parse::<IpAddr>() {
                Ok(ip) => {
                    client = ip.to_canonical();
                    if !self.trusts(client) {
                        return client;
                    }
                }
                // Garbage before a trusted hop: the trusted hop is the best we know.
                Err(_) => return client,
            }
        }
        client
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        self.trusted_proxies.iter().any(|n| n.contains(ip))
    }

    fn allows_origin(&self, origin: &str) -> bool {
        let origin = origin.trim_end_matches('/');
        self.allowed_origins
            .iter()
            .any(|allowed| allowed.eq_ignore_ascii_case(origin))
    }
}

/// An address block: `10.0.0.0/8`, `fd00::/8`, or one address (`192.0.2.7`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Network {
    addr: IpAddr,
    prefix: u8,
}

impl Network {
    /// Whether `ip` is in the block.
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr, ip.to_canonical()) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                masked(u128::from(u32::from(net)), 32, self.prefix)
                    == masked(u128::from(u32::from(ip)), 32, self.prefix)
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                masked(u128::from(net), 128, self.prefix)
                    == masked(u128::from(ip), 128, self.prefix)
            }
            _ => false,
        }
    }
}

/// The top `prefix` bits of a `width`-bit address.
fn masked(bits: u128, width: u32, prefix: u8) -> u128 {
    let drop = width - u32::from(prefix);
    if drop >= 128 {
        0
    } else {
        bits >> drop
    }
}

impl FromStr for Network {
    type Err = String;

    fn from_str(text: &str) -> Result<Network, String> {
        let text = text.trim();
        let (addr, prefix) = match text.split_once('/') {
            Some((addr, prefix)) => (addr, Some(prefix)),
            None => (text, None),
        };
        let addr: IpAddr = addr
            .parse()
            .map_err(|_| format!("`{text}` is not an address or address/prefix"))?;
        let addr = addr.to_canonical();
        let width = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => width,
            Some(p) => p
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= width)
                .ok_or_else(|| format!("`{text}`: the prefix is 0 to {width}"))?,
        };
        Ok(Network { addr, prefix })
    }
}

/// Records who the client is ([`ClientAddr`]) for the limits that count per client: the peer,
/// or behind a trusted proxy the address it names (see [`WebPolicy::client_of`]).
pub async fn client_address(
    State(policy): State<Arc<WebPolicy>>,
    mut request: Request,
    next: Next,
) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    if let Some(peer) = peer {
        let client = policy.client_of(peer, request.headers());
        request.extensions_mut().insert(ClientAddr(client));
    }
    next.run(request).await
}

/// Refuses state-changing requests that a browser sent from another origin (CSRF): the
/// `Origin` header, when present, must name the host the request was sent to or an allowed
/// origin, and `Sec-Fetch-Site` must not say `cross-site` (unless the origin is allowed).
/// Clients that are not browsers send neither and authenticate with a bearer token, which
/// another site cannot attach.
pub async fn same_origin(
    State(policy): State<Arc<WebPolicy>>,
    request: Request,
    next: Next,
) -> Response {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    let allowed = request
        .headers()
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|origin| policy.allows_origin(origin));
    if !safe && !allowed && is_cross_origin(&request) {
        return ApiError::new(
            StatusCode::FORBIDDEN,
            "cross_origin",
            "requests that change data must come from this site",
        )
        .into_response();
    }
    next.run(request).await
}

fn is_cross_origin(request: &Request) -> bool {
    let headers = request.headers();
    if headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == "cross-site")
    {
        return true;
    }
    let Some(origin) = headers.get(header::ORIGIN) else {
        return false;
    };
    let Ok(origin) = origin.to_str() else {
        return true;
    };
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .or_else(|| request.uri().authority().map(|a| a.as_str()));
    let origin_host = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"));
    match (origin_host, host) {
        (Some(o), Some(h)) => !o.eq_ignore_ascii_case(h),
        _ => true,
    }
}

/// What a browser may do with our answers, on every answer (pages, server functions, API,
/// files): never sniff a type, never frame a page (clickjacking), send only the origin to
/// other sites. Pages set their own Content-Security-Policy with a fresh nonce for their
/// scripts (`app::shell`); every other answer gets one that allows nothing to run or load.
pub async fn security_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    for (name, value) in [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "strict-origin-when-cross-origin"),
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
        ),
    ] {
        headers
            .entry(name)
            .or_insert_with(|| HeaderValue::from_static(value));
    }
    response
}

/// HSTS, when the server is reached over TLS (cookies `Secure`): browsers keep to HTTPS for a
/// year.
pub async fn strict_transport(mut response: Response) -> Response {
    response.headers_mut().insert(
        header::STRICT_TRANSPORT_SECURITY,
        HeaderValue::from_static("max-age=31536000; includeSubDomains"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(proxies: &[&str]) -> WebPolicy {
        WebPolicy {
            trusted_proxies: proxies.iter().map(|p| p.parse().unwrap()).collect(),
            allowed_origins: vec!["https://shop.example.com".into()],
        }
    }

    fn forwarded(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for v in values {
            headers.append("x-forwarded-for", HeaderValue::from_str(v).unwrap());
        }
        headers
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn networks_parse_and_contain() {
        let net: Network = "10.0.0.0/8".parse().unwrap();
        assert!(net.contains(ip("10.200.1.2")));
        assert!(
            net.contains(ip("::ffff:10.1.1.1")),
            "IPv4-mapped counts as IPv4"
        );
        assert!(!net.contains(ip("11.0.0.1")));
        let one: Network = "192.0.2.7".parse().unwrap();
        assert!(one.contains(ip("192.0.2.7")) && !one.contains(ip("192.0.2.8")));
        let v6: Network = "fd00::/8".parse().unwrap();
        assert!(v6.contains(ip("fd12::1")) && !v6.contains(ip("fe80::1")));
        let all: Network = "0.0.0.0/0".parse().unwrap();
        assert!(all.contains(ip("203.0.113.9")));
        for bad in ["10.0.0.0/33", "proxy", "10.0.0/8", "::/129"] {
            assert!(bad.parse::<Network>().is_err(), "{bad}");
        }
    }

    #[test]
    fn the_forwarded_address_counts_only_from_a_trusted_proxy() {
        let p = policy(&["10.0.0.0/8"]);
        let spoofed = forwarded(&["198.51.100.1"]);
        assert_eq!(p.client_of(ip("203.0.113.9"), &spoofed), ip("203.0.113.9"));
        assert_eq!(p.client_of(ip("10.0.0.2"), &spoofed), ip("198.51.100.1"));
        // The client prepends a lie; the proxy appends the truth: read from the right.
        let chain = forwarded(&["1.2.3.4, 198.51.100.1", "10.0.0.3"]);
        assert_eq!(p.client_of(ip("10.0.0.2"), &chain), ip("198.51.100.1"));
        // Garbage or nothing: the nearest trusted hop.
        assert_eq!(
            p.client_of(ip("10.0.0.2"), &forwarded(&["nonsense"])),
            ip("10.0.0.2")
        );
        assert_eq!(
            p.client_of(ip("10.0.0.2"), &HeaderMap::new()),
            ip("10.0.0.2")
        );
        // No trusted proxies (the default): the header is ignored.
        assert_eq!(
            WebPolicy::default().client_of(ip("10.0.0.2"), &spoofed),
            ip("10.0.0.2")
        );
    }

    #[test]
    fn allowed_origins_match_exactly() {
        let p = policy(&[]);
        assert!(p.allows_origin("https://shop.example.com"));
        assert!(p.allows_origin("HTTPS://SHOP.example.com/"));
        assert!(!p.allows_origin("https://shop.example.com.evil.test"));
        assert!(!p.allows_origin("http://shop.example.com"));
    }
}
