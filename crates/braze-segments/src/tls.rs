//! What depends on the TLS feature (`rustls`, `rustls-ring`, `native-tls`; see the crate's
//! `Cargo.toml`): the crypto provider for `rustls-ring`, and telling a certificate the client
//! cannot trust from other transport failures.
//!
//! | features | backend | untrusted certificate |
//! | --- | --- | --- |
//! | `rustls` (default) | rustls, aws-lc-rs | [`Error::Tls`](crate::Error::Tls), never retried |
//! | `rustls-ring` | rustls, ring | [`Error::Tls`](crate::Error::Tls), never retried |
//! | `native-tls` (alone or with a rustls one) | the platform's | [`Error::Transport`](crate::Error::Transport), retried like a connection error |
//!
//! Under `native-tls` a certificate error is not told apart: `native_tls::Error` carries no
//! portable kind (only platform text), and a failed handshake is not always the certificate's
//! fault, so it stays a transport error whose `source()` chain holds the platform's reason.

/// Called before the SDK builds its own `reqwest::Client`. Under `rustls-ring` alone, reqwest
/// has no crypto provider of its own (`rustls-no-provider`), so ring is installed as the
/// process's default provider unless the program installed one already. A `reqwest::Client`
/// passed to `ClientBuilder::http_client` is built by the caller, who installs a provider first.
pub(crate) fn before_building_http_client() {
    #[cfg(all(feature = "rustls-ring", not(feature = "rustls"), not(feature = "native-tls")))]
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        // Err only when another thread installed a provider in between: that one serves as well.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
}

/// What is wrong with the server's certificate and how to fix it, when rustls refused it.
/// Found by the error's type, not its text.
#[cfg(any(feature = "rustls", feature = "rustls-ring"))]
pub(crate) fn certificate_problem(e: &reqwest::Error) -> Option<String> {
    use rustls::CertificateError as C;
    const TRUST_A_CA: &str = "to trust a private CA, add it to the system's certificate store, or pass \
        ClientBuilder::http_client a reqwest::Client built with .add_root_certificate(…)";
    let cause = rustls_error(e)?;
    let (what, fix) = match cause {
        rustls::Error::InvalidCertificate(C::UnknownIssuer | C::BadSignature) => (
            "it is not signed by a certificate authority this client trusts",
            TRUST_A_CA,
        ),
        rustls::Error::InvalidCertificate(C::NotValidForName | C::NotValidForNameContext { .. }) => (
            "it is not valid for the endpoint's host name",
            "check the endpoint's host, or have the server present a certificate for it",
        ),
        rustls::Error::InvalidCertificate(
            C::Expired | C::ExpiredContext { .. } | C::NotValidYet | C::NotValidYetContext { .. },
        ) => (
            "it has expired or is not valid yet",
            "renew the server's certificate, or check this machine's clock",
        ),
        rustls::Error::InvalidCertificate(_)
        | rustls::Error::InvalidCertRevocationList(_)
        | rustls::Error::NoCertificatesPresented
        | rustls::Error::UnsupportedNameType => ("it was refused", TRUST_A_CA),
        _ => return None,
    };
    Some(format!(
        "the server's certificate is not trusted: {what} ({cause}); {fix}"
    ))
}

/// Without rustls there is no certificate error to recognise (see the module's docs).
#[cfg(not(any(feature = "rustls", feature = "rustls-ring")))]
pub(crate) fn certificate_problem(_: &reqwest::Error) -> Option<String> {
    None
}

/// The rustls error somewhere in `error`'s chain. An `io::Error`'s `source()` skips the error
/// it wraps, so each one met is opened with `get_ref`.
#[cfg(any(feature = "rustls", feature = "rustls-ring"))]
fn rustls_error<'a>(error: &'a (dyn std::error::Error + 'static)) -> Option<&'a rustls::Error> {
    let mut next = Some(error);
    while let Some(e) = next {
        if let Some(tls) = e.downcast_ref::<rustls::Error>() {
            return Some(tls);
        }
        next = match e.downcast_ref::<std::io::Error>().and_then(std::io::Error::get_ref) {
            Some(inner) => Some(inner as &(dyn std::error::Error + 'static)),
            None => e.source(),
        };
    }
    None
}
