//! The storage host: the second origin that serves exports' pre-signed URLs, answering as S3
//! does (its XML errors). It never sees Braze's key check, faults or budget: it is not Braze.
//!
//! In order: every request is recorded; a method other than `GET` or `HEAD` gets 405; a request
//! with an `Authorization` header gets 400 `InvalidArgument` (S3 allows one way to
//! authenticate, and the URL's query is one); an unknown key gets 403 `AccessDenied`; a query
//! that is not the one issued gets 403 `SignatureDoesNotMatch`; an expired URL gets 403
//! `AccessDenied` ("Request has expired"); an export not ready, or cancelled, gets 404
//! `NoSuchKey`; a ready one gets the archive.

use bytes::Bytes;
use chrono::{SecondsFormat, Utc};
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::header::{HeaderValue, ALLOW, CONTENT_TYPE};
use hyper::{Method, Request, Response, StatusCode};

use super::archive::{self, Source};
use super::jobs::Poll;
use crate::reply::{DropConnection, Reply};
use crate::State;

pub(crate) async fn handle(state: &State, request: Request<Incoming>) -> Result<Reply, DropConnection> {
    let users = &state.users;
    users.log.record(&request);
    if request.method() != Method::GET && request.method() != Method::HEAD {
        let mut answer = error(
            StatusCode::METHOD_NOT_ALLOWED,
            "MethodNotAllowed",
            "The specified method is not allowed against this resource.",
            "",
        );
        answer
            .headers_mut()
            .insert(ALLOW, HeaderValue::from_static("GET, HEAD"));
        return Ok(answer);
    }
    if request.headers().contains_key(hyper::header::AUTHORIZATION) {
        return Ok(error(
            StatusCode::BAD_REQUEST,
            "InvalidArgument",
            "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string \
             parameter or the Authorization header should be specified",
            "<ArgumentName>Authorization</ArgumentName>",
        ));
    }
    let query: Vec<(String, String)> = url::form_urlencoded::parse(request.uri().query().unwrap_or("").as_bytes())
        .into_owned()
        .collect();
    let poll = match request.uri().path().strip_prefix("/exports/") {
        Some(file) => users.jobs.poll(&state.config, file, &query),
        None => Poll::Unknown,
    };
    let (key, source, contents) = match poll {
        Poll::Unknown => return Ok(error(StatusCode::FORBIDDEN, "AccessDenied", "Access Denied", "")),
        Poll::BadSignature => {
            return Ok(error(
                StatusCode::FORBIDDEN,
                "SignatureDoesNotMatch",
                "The request signature we calculated does not match the signature you provided. Check your key \
                 and signing method.",
                "",
            ))
        }
        Poll::Expired(at) => {
            let times = format!(
                "<Expires>{}</Expires><ServerTime>{}</ServerTime>",
                at.to_rfc3339_opts(SecondsFormat::Secs, true),
                Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true)
            );
            return Ok(error(
                StatusCode::FORBIDDEN,
                "AccessDenied",
                "Request has expired",
                &times,
            ));
        }
        Poll::NotReady => {
            return Ok(error(
                StatusCode::NOT_FOUND,
                "NoSuchKey",
                "The specified key does not exist.",
                "",
            ))
        }
        Poll::Ready { key, source, contents } => (key, source, contents),
    };
    let content_type = source.content_type();
    let built = match source {
        Source::Bytes(bytes) => Ok(bytes),
        Source::Zip => users.cache.get(&key, move || archive::zip(&contents)).await,
        Source::Gzip => users.cache.get(&key, move || archive::gzip(&contents)).await,
    };
    Ok(match built {
        // hyper sets Content-Length from the body, and leaves the body out for HEAD.
        Ok(bytes) => body(StatusCode::OK, content_type, bytes),
        Err(e) => {
            tracing::warn!(error = %e, "building an export's archive failed");
            error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "InternalError",
                "We encountered an internal error. Please try again.",
                "",
            )
        }
    })
}

fn body(status: StatusCode, content_type: &'static str, bytes: Bytes) -> Reply {
    let mut answer = Response::new(Full::new(bytes));
    *answer.status_mut() = status;
    answer
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    answer
}

/// S3's XML error; `more` is XML of the stand-in's own making (never a request's text).
fn error(status: StatusCode, code: &str, message: &str, more: &str) -> Reply {
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code><Message>{message}</Message>{more}\
         <RequestId>0000000000000000</RequestId></Error>"
    );
    body(status, "application/xml", Bytes::from(xml))
}
