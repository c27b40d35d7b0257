//! Checking the endpoint a client is given: https (http only on loopback), no credentials,
//! query or fragment; an instance name or a URL from the environment.

use std::net::IpAddr;

use crate::error::ConfigError;
use crate::{Error, Instance};

/// The environment variable holding the REST endpoint: a URL or an instance name (`US-03`).
pub const ENV_REST_ENDPOINT: &str = "BRAZE_REST_ENDPOINT";

/// Reads `BRAZE_REST_ENDPOINT`: a URL, or an instance name. A value that is neither is not
/// echoed (the two variables swapped would put the key on the screen), except a short word that
/// was plainly meant as an instance name, or a Braze host name missing its scheme.
pub(crate) fn endpoint_from_env_value(value: &str) -> Result<String, Error> {
    if value.contains("://") {
        return Ok(value.to_owned());
    }
    value.parse::<Instance>().map(|i| i.rest_url().to_owned()).map_err(|_| {
        let shown = if looks_like_instance_name(value) {
            format!(" ({value:?})")
        } else {
            String::new()
        };
        let hint = if looks_like_braze_host(value) {
            format!("; did you mean https://{value}?")
        } else {
            String::new()
        };
        ConfigError::endpoint(format!(
            "{ENV_REST_ENDPOINT}{shown} is neither a URL nor a Braze instance ({}){hint}{}",
            Instance::names(),
            if shown.is_empty() && hint.is_empty() {
                "; its value is not shown, in case it is a secret"
            } else {
                ""
            }
        ))
    })
}

/// A short word of letters, digits and dashes: an instance name mistyped, never a key.
fn looks_like_instance_name(value: &str) -> bool {
    (1..=8).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// A host name under Braze's domains, as the dashboard shows it (without `https://`).
pub(crate) fn looks_like_braze_host(value: &str) -> bool {
    let value = value.trim_end_matches('/').to_ascii_lowercase();
    value.len() <= 253
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
        && (value.ends_with(".braze.com") || value.ends_with(".braze.eu"))
}

/// Parses and checks an endpoint: https, or http on loopback; no credentials, query or fragment.
/// Errors never echo what they refuse: only the origin (`scheme://host:port`) of a URL that has
/// no credentials, and nothing of a value that is not a URL.
pub(crate) fn check_endpoint(endpoint: &str) -> Result<url::Url, Error> {
    let endpoint = endpoint.trim();
    let url = url::Url::parse(endpoint).map_err(|e| {
        let hint = if looks_like_braze_host(endpoint) {
            format!("; did you mean https://{endpoint}?")
        } else {
            "; it is not shown, in case it is a secret".to_owned()
        };
        ConfigError::endpoint(format!("the endpoint is not a URL ({e}){hint}"))
    })?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(ConfigError::endpoint(
            "the endpoint must not carry credentials (it is not shown): pass the key with .api_key(…)",
        ));
    }
    let origin = url.origin().ascii_serialization();
    if url.query().is_some() || url.fragment().is_some() {
        return Err(ConfigError::endpoint(format!(
            "the endpoint on {origin} must not have a query or fragment (they are not shown)"
        )));
    }
    let loopback = match url.host() {
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => return Err(ConfigError::endpoint("the endpoint has no host: use https://HOST")),
    };
    match url.scheme() {
        "https" => Ok(url),
        "http" if loopback => Ok(url),
        "http" => Err(ConfigError::endpoint(format!(
            "refusing plain http:// to {origin}: the API key would travel unencrypted; use https:// (http is allowed only for loopback hosts)"
        ))),
        _ => Err(ConfigError::endpoint(
            "the endpoint's scheme is not supported: use https:// (http:// only for loopback hosts)",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_must_be_https_unless_loopback() {
        for ok in [
            "https://rest.iad-03.braze.com",
            "https://rest.iad-03.braze.com/",
            "https://proxy.example.com/braze",
            "http://127.0.0.1:4010",
            "http://127.8.9.10",
            "http://[::1]:8080",
            "http://localhost:3000",
        ] {
            assert!(check_endpoint(ok).is_ok(), "{ok}");
        }
        for (bad, why) in [
            ("http://rest.iad-03.braze.com", "refusing plain http://"),
            ("http://10.0.0.1", "refusing plain http://"),
            ("http://localhost.evil.com", "refusing plain http://"),
            ("ftp://rest.iad-03.braze.com", "not supported"),
            ("https://user:pw@rest.iad-03.braze.com", "credentials"),
            ("https://rest.iad-03.braze.com?api_key=x", "query"),
            ("https://rest.iad-03.braze.com/#s3cr3t", "fragment"),
            ("rest.iad-03.braze.com", "did you mean https://rest.iad-03.braze.com?"),
            ("data:text/plain,s3cr3t", "has no host"),
            ("s3cr3t:opaque", "has no host"),
            ("ftp://rest.iad-03.braze.com/s3cr3t", "not supported"),
            ("http://10.0.0.1/s3cr3t", "refusing plain http:// to http://10.0.0.1:"),
            ("0f3e9c2a-5b7d-4e1f-9a6b-1c2d3e4f5a6b", "not shown"),
        ] {
            let err = check_endpoint(bad).unwrap_err().to_string();
            assert!(err.contains(why), "{bad}: {err}");
            for secret in ["pw@", "s3cr3t", "api_key=", "0f3e9c2a"] {
                assert!(!err.contains(secret), "{bad}: {err}");
            }
        }
    }

    #[test]
    fn env_endpoints_take_urls_or_instance_names() {
        assert_eq!(
            endpoint_from_env_value("US-03").unwrap(),
            "https://rest.iad-03.braze.com"
        );
        assert_eq!(
            endpoint_from_env_value("eu-01").unwrap(),
            "https://rest.fra-01.braze.eu"
        );
        assert_eq!(
            endpoint_from_env_value("http://127.0.0.1:1").unwrap(),
            "http://127.0.0.1:1"
        );
        let err = endpoint_from_env_value("mars-01").unwrap_err().to_string();
        assert!(err.contains("BRAZE_REST_ENDPOINT (\"mars-01\")"), "{err}");
        assert!(err.contains("US-01, US-02"), "{err}");
        // The two variables swapped: the key is never echoed.
        let key = "0f3e9c2a-5b7d-4e1f-9a6b-1c2d3e4f5a6b";
        let err = endpoint_from_env_value(key).unwrap_err().to_string();
        assert!(!err.contains("0f3e9c2a") && err.contains("not shown"), "{err}");
        let err = endpoint_from_env_value("rest.iad-01.braze.com")
            .unwrap_err()
            .to_string();
        assert!(err.contains("did you mean https://rest.iad-01.braze.com?"), "{err}");
    }
}
