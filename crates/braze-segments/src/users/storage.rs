//! What a storage host's answer to the download link means (S3, Google Cloud Storage or Azure
//! pre-signed links): ready, not ready yet, expired, refused for good, or worth another try.
//! Pure functions, tested on their own.

use std::time::{Duration, SystemTime};

use chrono::{DateTime, NaiveDateTime, Utc};

use crate::redact::Redactor;

/// The most of a refusal's message (or body) an error shows, in characters.
const MAX_MESSAGE_CHARS: usize = 300;
/// The most of a refusal's code an error shows, in characters.
const MAX_CODE_CHARS: usize = 100;

/// One answer of the storage host, classified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Answer {
    /// 200 (or 206 for a range): the archive follows.
    Ready,
    /// The file is not written yet (404 `NoSuchKey`, or 403 `AccessDenied` from a bucket that
    /// hides missing keys): poll again.
    NotReady,
    /// The link expired (403 "Request has expired", 410, or a past expiry in the link).
    Expired,
    /// Refused for good (a broken signature, a bad request): polling again cannot help.
    Refused { code: Option<String>, message: String },
    /// A server or throttling error (408, 429, 5xx): poll again.
    Transient,
    /// A redirect to follow (without any credentials).
    Redirect,
}

/// S3 error codes that say the link itself is wrong: polling again cannot help.
const BROKEN_LINK_CODES: [&str; 5] = [
    "SignatureDoesNotMatch",
    "InvalidAccessKeyId",
    "AuthorizationQueryParametersError",
    "InvalidArgument",
    "InvalidRequest",
];

/// What `status` with `body` (the start of it: an S3 XML error, or anything) means. A refusal's
/// texts go through `redactor` (which knows the link: a host may echo it, signature and all).
pub(crate) fn classify(status: u16, body: &[u8], redactor: &Redactor) -> Answer {
    let text = String::from_utf8_lossy(body);
    let code = xml_text(&text, "Code");
    let message = xml_text(&text, "Message");
    let says_expired = message
        .as_deref()
        .or(code.as_deref())
        .is_some_and(|m| m.to_ascii_lowercase().contains("expired"));
    match status {
        200 | 206 => Answer::Ready,
        // Accepted, no content, ...: the file is not there yet.
        201..=299 => Answer::NotReady,
        301 | 302 | 303 | 307 | 308 => Answer::Redirect,
        410 => Answer::Expired,
        // S3 answers an expired link's ExpiredToken as 400 or 403.
        400 | 403 if says_expired => Answer::Expired,
        404 => Answer::NotReady,
        403 if code.as_deref().is_some_and(|c| BROKEN_LINK_CODES.contains(&c)) => {
            refused(code, message, &text, redactor)
        }
        403 => Answer::NotReady,
        408 | 425 | 429 | 500..=599 => Answer::Transient,
        _ => refused(code, message, &text, redactor),
    }
}

fn refused(code: Option<String>, message: Option<String>, text: &str, redactor: &Redactor) -> Answer {
    Answer::Refused {
        code: code.map(|c| redactor.text(c, MAX_CODE_CHARS)),
        message: redactor.text(message.as_deref().unwrap_or(text), MAX_MESSAGE_CHARS),
    }
}

/// The text of the first `<tag>…</tag>` in `xml`, trimmed, if any.
fn xml_text(xml: &str, tag: &str) -> Option<String> {
    let open = format!("<{tag}>");
    let close = format!("</{tag}>");
    let start = xml.find(&open)? + open.len();
    let len = xml[start..].find(&close)?;
    let text = xml[start..start + len].trim();
    (!text.is_empty()).then(|| text.to_owned())
}

/// When a pre-signed link expires, if it says: S3 (`X-Amz-Date` + `X-Amz-Expires`), Google
/// Cloud Storage (`X-Goog-Date` + `X-Goog-Expires`), S3's and GCS's older form (`Expires`, epoch
/// seconds) or Azure (`se`, ISO 8601).
pub(crate) fn link_expiry(url: &url::Url) -> Option<SystemTime> {
    let mut signed_at = None;
    let mut lasts = None;
    let mut expires = None;
    for (name, value) in url.query_pairs() {
        match name.to_ascii_lowercase().as_str() {
            "x-amz-date" | "x-goog-date" => signed_at = compact_utc(&value),
            "x-amz-expires" | "x-goog-expires" => lasts = value.trim().parse::<u64>().ok(),
            "expires" => expires = value.trim().parse::<u64>().ok().and_then(epoch),
            "se" => {
                expires = DateTime::parse_from_rfc3339(value.trim())
                    .ok()
                    .map(|t| t.with_timezone(&Utc).into())
            }
            _ => {}
        }
    }
    let amz = signed_at
        .zip(lasts)
        .and_then(|(at, secs)| at.checked_add(Duration::from_secs(secs)));
    amz.or(expires)
}

/// `at` as a UTC date-time, when chrono can hold it (a link may name any year: converting with
/// `From` panics outside chrono's range).
pub(crate) fn utc(at: SystemTime) -> Option<DateTime<Utc>> {
    let since = at.duration_since(SystemTime::UNIX_EPOCH).ok()?;
    DateTime::from_timestamp(i64::try_from(since.as_secs()).ok()?, since.subsec_nanos())
}

fn epoch(secs: u64) -> Option<SystemTime> {
    SystemTime::UNIX_EPOCH.checked_add(Duration::from_secs(secs))
}

/// `20240725T135047Z` (the signing time of S3 and GCS links).
fn compact_utc(text: &str) -> Option<SystemTime> {
    let at = NaiveDateTime::parse_from_str(text.trim(), "%Y%m%dT%H%M%SZ").ok()?;
    Some(at.and_utc().into())
}

#[cfg(test)]
mod tests {
    use super::*;

    const NO_SUCH_KEY: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>"#;
    const EXPIRED: &str = "<Error><Code>AccessDenied</Code><Message>Request has expired</Message><Expires>2024-07-25T17:50:47Z</Expires></Error>";
    const DENIED: &str = "<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>";
    const BAD_SIGNATURE: &str = "<Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match</Message></Error>";

    #[test]
    fn answers_are_classified() {
        assert_eq!(classify(200, b"PK", &Redactor::generic()), Answer::Ready);
        assert_eq!(classify(206, b"", &Redactor::generic()), Answer::Ready);
        assert_eq!(classify(202, b"", &Redactor::generic()), Answer::NotReady);
        assert_eq!(classify(204, b"", &Redactor::generic()), Answer::NotReady);
        assert_eq!(
            classify(404, NO_SUCH_KEY.as_bytes(), &Redactor::generic()),
            Answer::NotReady
        );
        assert_eq!(classify(404, b"", &Redactor::generic()), Answer::NotReady);
        assert_eq!(classify(403, DENIED.as_bytes(), &Redactor::generic()), Answer::NotReady);
        assert_eq!(classify(403, EXPIRED.as_bytes(), &Redactor::generic()), Answer::Expired);
        let token = b"<Error><Code>ExpiredToken</Code><Message>The provided token has expired.</Message></Error>";
        for status in [400, 403] {
            assert_eq!(
                classify(status, token, &Redactor::generic()),
                Answer::Expired,
                "{status}"
            );
        }
        assert_eq!(classify(410, b"", &Redactor::generic()), Answer::Expired);
        assert_eq!(classify(307, b"", &Redactor::generic()), Answer::Redirect);
        for status in [408, 429, 500, 502, 503, 504] {
            assert_eq!(
                classify(status, b"<html>", &Redactor::generic()),
                Answer::Transient,
                "{status}"
            );
        }
        match classify(403, BAD_SIGNATURE.as_bytes(), &Redactor::generic()) {
            Answer::Refused { code, message } => {
                assert_eq!(code.as_deref(), Some("SignatureDoesNotMatch"));
                assert!(message.starts_with("The request signature"), "{message}");
            }
            other => panic!("{other:?}"),
        }
        match classify(400, b"not xml at all", &Redactor::generic()) {
            Answer::Refused { code, message } => {
                assert_eq!(code, None);
                assert_eq!(message, "not xml at all");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_hostile_body_gives_a_bounded_message() {
        let body = format!("<Message>{}</Message>", "x".repeat(100_000));
        match classify(400, body.as_bytes(), &Redactor::generic()) {
            Answer::Refused { message, .. } => assert!(message.len() < 400, "{}", message.len()),
            other => panic!("{other:?}"),
        }
        // An unterminated tag is no text.
        assert_eq!(xml_text("<Code>abc", "Code"), None);
        assert_eq!(xml_text("<Code> </Code>", "Code"), None);
    }

    #[test]
    fn expiry_is_read_from_each_kind_of_link() {
        let at = |text: &str| -> SystemTime { DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&Utc).into() };
        let url = |text: &str| url::Url::parse(text).unwrap();
        assert_eq!(
            link_expiry(&url(
                "https://b.s3.amazonaws.com/p.zip?X-Amz-Date=20240725T135047Z&X-Amz-Expires=14400&X-Amz-Signature=ab"
            )),
            Some(at("2024-07-25T17:50:47Z"))
        );
        assert_eq!(
            link_expiry(&url(
                "https://storage.googleapis.com/b/p.zip?X-Goog-Date=20240725T000000Z&X-Goog-Expires=60"
            )),
            Some(at("2024-07-25T00:01:00Z"))
        );
        assert_eq!(
            link_expiry(&url("https://b.s3.amazonaws.com/p.zip?Expires=1721919600&Signature=x")),
            Some(at("2024-07-25T15:00:00Z"))
        );
        assert_eq!(
            link_expiry(&url(
                "https://a.blob.core.windows.net/c/p.zip?se=2024-07-25T15%3A00%3A00Z&sig=x"
            )),
            Some(at("2024-07-25T15:00:00Z"))
        );
        assert_eq!(link_expiry(&url("https://example.com/p.zip")), None);
        assert_eq!(
            link_expiry(&url("https://example.com/p.zip?X-Amz-Date=garbage&X-Amz-Expires=5")),
            None
        );
        // A huge lifetime is no panic.
        let far = url(&format!(
            "https://example.com/p?X-Amz-Date=20240725T000000Z&X-Amz-Expires={}&Expires={}",
            u64::MAX,
            u64::MAX
        ));
        let _ = link_expiry(&far);
    }
}
