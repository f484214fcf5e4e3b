//! Request-level protections shared by pages, server functions and the API.

use axum::extract::Request;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::api::ApiError;

/// Refuses state-changing requests that a browser sent from another origin (CSRF): the
/// `Origin` header, when present, must name the host the request was sent to, and
/// `Sec-Fetch-Site` must not say `cross-site`. Clients that are not browsers send neither
/// and authenticate with a bearer token, which another site cannot attach.
pub async fn same_origin(request: Request, next: Next) -> Response {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if !safe && is_cross_origin(&request) {
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
/// other sites, keep `<base>`, form targets and plugins to this site. The policy does not
/// restrict scripts: the islands' hydration runs an inline script.
pub async fn security_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    for (name, value) in [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "strict-origin-when-cross-origin"),
        (
            header::CONTENT_SECURITY_POLICY,
            "frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'",
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
