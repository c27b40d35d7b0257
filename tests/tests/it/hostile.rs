//! Malformed and hostile responses, each over a real loopback connection: every one maps to its
//! expected typed error (or a tolerant success), and none panics.

use std::time::Duration;

use braze_segments::{Client, Error};
use braze_segments_tests::raw::{RawReply, RawServer};

#[derive(Debug, Clone, Copy, PartialEq)]
enum Expect {
    Ok,
    Decode(&'static str),
    Api(u16),
    RateLimited,
    Transport,
    TooLarge,
}

const JSON: (&str, &str) = ("content-type", "application/json");
const LIMIT: usize = 64 * 1024;

fn ok(body: &str) -> RawReply {
    RawServer::response(200, &[JSON], body.as_bytes())
}

/// A response with these framing headers whose body (past the cap) is chunked or runs to the
/// connection's close.
fn framed(status: u16, framing: &str, chunked: bool) -> RawReply {
    let mut out = format!("HTTP/1.1 {status} X\r\ncontent-type: application/json\r\n{framing}\r\n").into_bytes();
    let piece = vec![b' '; 4096];
    for _ in 0..(2 * LIMIT / piece.len()) {
        if chunked {
            out.extend_from_slice(format!("{:x}\r\n", piece.len()).as_bytes());
            out.extend_from_slice(&piece);
            out.extend_from_slice(b"\r\n");
        } else {
            out.extend_from_slice(&piece);
        }
    }
    if chunked {
        out.extend_from_slice(b"0\r\n\r\n");
    }
    RawReply::Bytes(out)
}

/// An error whose message and details are each almost the whole body cap.
fn huge_error(status: u16) -> RawReply {
    let big = "e".repeat(LIMIT / 4);
    let body = format!(r#"{{"message":"{big}","errors":["{big}",{{"detail":"{big}"}}]}}"#);
    RawServer::response(status, &[JSON], body.as_bytes())
}

/// The longest an error's text may be, whatever the server sent.
const MAX_ERROR_TEXT: usize = 8 * 1024;

fn cases() -> Vec<(&'static str, RawReply, Expect)> {
    let deep = format!(
        r#"{{"message":"success","x":{}{}}}"#,
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let long_name = format!(r#"{{"message":"success","name":"{}"}}"#, "n".repeat(LIMIT / 2));
    let past_cap = format!(r#"{{"message":"success","name":"{}"}}"#, "n".repeat(LIMIT * 2));
    let many_nulls = format!(r#"{{"message":"success","tags":[{}null]}}"#, "null,".repeat(10_000));
    let mut invalid_utf8 = br#"{"message":"success","name":""#.to_vec();
    invalid_utf8.extend_from_slice(&[0xff, 0xfe, 0x80]);
    invalid_utf8.extend_from_slice(br#""}"#);
    let in_two_hours = (std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 7200)
        .to_string();
    let chunked_past_cap = {
        let mut out =
            b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n".to_vec();
        for _ in 0..40 {
            let chunk = vec![b' '; 4096];
            out.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
            out.extend_from_slice(&chunk);
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(b"0\r\n\r\n");
        RawReply::Bytes(out)
    };
    vec![
        // wrong types at each field
        (
            "message is a number",
            ok(r#"{"message":42}"#),
            Expect::Decode("message"),
        ),
        ("message is null", ok(r#"{"message":null}"#), Expect::Decode("message")),
        (
            "name is a number",
            ok(r#"{"message":"success","name":7}"#),
            Expect::Decode("name"),
        ),
        (
            "description is an array",
            ok(r#"{"message":"success","description":["a"]}"#),
            Expect::Decode("description"),
        ),
        (
            "text_description is an object",
            ok(r#"{"message":"success","text_description":{}}"#),
            Expect::Decode("text_description"),
        ),
        (
            "tags is a string",
            ok(r#"{"message":"success","tags":"vip"}"#),
            Expect::Decode("tags"),
        ),
        (
            "a tag is a number",
            ok(r#"{"message":"success","tags":["a",1]}"#),
            Expect::Decode("tags[1]"),
        ),
        // nulls inside every array are dropped, the record kept
        (
            "a team is null",
            ok(r#"{"message":"success","teams":["a",null]}"#),
            Expect::Ok,
        ),
        (
            "nulls in every array",
            ok(r#"{"message":"success","tags":[null],"teams":[null,null,"t"]}"#),
            Expect::Ok,
        ),
        (
            "teams is an object",
            ok(r#"{"message":"success","teams":{"a":1}}"#),
            Expect::Decode("teams"),
        ),
        (
            "created_at is a number",
            ok(r#"{"message":"success","created_at":1721915447}"#),
            Expect::Decode("created_at"),
        ),
        // a timestamp that cannot be read keeps its raw text and the record
        (
            "created_at is not a date",
            ok(r#"{"message":"success","created_at":"yesterday"}"#),
            Expect::Ok,
        ),
        (
            "updated_at is out of range",
            ok(r#"{"message":"success","updated_at":"2024-13-45T99:00:00Z"}"#),
            Expect::Ok,
        ),
        (
            "created_at is empty",
            ok(r#"{"message":"success","created_at":""}"#),
            Expect::Ok,
        ),
        (
            "created_at is a date alone",
            ok(r#"{"message":"success","created_at":"2021-02-23"}"#),
            Expect::Ok,
        ),
        (
            "timestamps in loose ISO 8601",
            ok(
                r#"{"message":"success","created_at":"2021-02-23 13:50:47+0000","updated_at":"2021-02-23T13:50:47.1-5:00"}"#,
            ),
            Expect::Ok,
        ),
        // broken JSON
        ("truncated JSON", ok(r#"{"message":"success","na"#), Expect::Decode("?")),
        ("empty 200 body", ok(""), Expect::Decode(".")),
        ("null document", ok("null"), Expect::Decode(".")),
        ("array document", ok("[]"), Expect::Decode(".")),
        ("string document", ok(r#""success""#), Expect::Decode(".")),
        (
            "trailing garbage",
            ok(r#"{"message":"success"} xyz"#),
            Expect::Decode("."),
        ),
        (
            "byte-order mark",
            ok("\u{feff}{\"message\":\"success\"}"),
            Expect::Decode("."),
        ),
        (
            "duplicate key",
            ok(r#"{"message":"success","name":"a","name":"b"}"#),
            Expect::Decode("."),
        ),
        (
            "number past f64",
            ok(r#"{"message":"success","x":1e999}"#),
            Expect::Decode("x"),
        ),
        ("10,000 levels of nesting", ok(&deep), Expect::Decode("x[0][0]")),
        (
            "invalid UTF-8",
            RawServer::response(200, &[JSON], &invalid_utf8),
            Expect::Decode("name"),
        ),
        (
            "HTML with 200",
            RawServer::response(200, &[("content-type", "text/html")], b"<html>hi</html>"),
            Expect::Decode("."),
        ),
        // tolerated
        (
            "huge integer in an unknown field",
            ok(r#"{"message":"success","x":123456789012345678901234567890}"#),
            Expect::Ok,
        ),
        (
            "wrong content type, valid JSON",
            RawServer::response(200, &[("content-type", "text/plain")], br#"{"message":"success"}"#),
            Expect::Ok,
        ),
        (
            "no content type",
            RawServer::response(200, &[], br#"{"message":"success"}"#),
            Expect::Ok,
        ),
        (
            "unknown nested fields",
            ok(r#"{"message":"success","new":{"deep":[1,{"x":null}]}}"#),
            Expect::Ok,
        ),
        ("10,000 null tags", ok(&many_nulls), Expect::Ok),
        ("a long name under the cap", ok(&long_name), Expect::Ok),
        (
            "garbage rate-limit headers",
            RawServer::response(
                200,
                &[
                    JSON,
                    ("x-ratelimit-remaining", "-5"),
                    ("x-ratelimit-reset", "soon"),
                    ("X-RateLimit-Limit", "1e400"),
                ],
                br#"{"message":"success"}"#,
            ),
            Expect::Ok,
        ),
        (
            "empty rate-limit headers",
            RawServer::response(
                200,
                &[JSON, ("x-ratelimit-remaining", ""), ("x-ratelimit-reset", "")],
                br#"{"message":"success"}"#,
            ),
            Expect::Ok,
        ),
        // a message other than success
        ("message queued", ok(r#"{"message":"queued"}"#), Expect::Api(200)),
        ("message empty", ok(r#"{"message":""}"#), Expect::Api(200)),
        // error statuses with odd bodies
        (
            "HTML 500",
            RawServer::response(500, &[("content-type", "text/html")], b"<h1>oops</h1>"),
            Expect::Api(500),
        ),
        (
            "HTML 404",
            RawServer::response(404, &[("content-type", "text/html")], b"<h1>Not Found</h1>"),
            Expect::Api(404),
        ),
        ("empty 401", RawServer::response(401, &[], b""), Expect::Api(401)),
        (
            "400 with mixed errors",
            RawServer::response(400, &[JSON], br#"{"message":"bad","errors":["x",{"y":1},3]}"#),
            Expect::Api(400),
        ),
        (
            "400 with errors as a string",
            RawServer::response(400, &[JSON], br#"{"message":"bad","errors":"x"}"#),
            Expect::Api(400),
        ),
        (
            "400 with a numeric message",
            RawServer::response(400, &[JSON], br#"{"message":5}"#),
            Expect::Api(400),
        ),
        (
            "202 queued",
            RawServer::response(202, &[JSON], br#"{"message":"queued"}"#),
            Expect::Api(202),
        ),
        ("204 no content", RawServer::response(204, &[], b""), Expect::Api(204)),
        (
            "302 to another host",
            RawServer::response(302, &[("location", "http://example.invalid/x")], b""),
            Expect::Api(302),
        ),
        (
            "301 without a location",
            RawServer::response(301, &[], b""),
            Expect::Api(301),
        ),
        (
            "503 with a huge Retry-After",
            RawServer::response(503, &[("retry-after", "99999999")], b""),
            Expect::Api(503),
        ),
        (
            "429 without headers",
            RawServer::response(429, &[], b""),
            Expect::RateLimited,
        ),
        (
            "429 with a garbage reset",
            RawServer::response(429, &[("x-ratelimit-reset", "tomorrow")], b"{}"),
            Expect::RateLimited,
        ),
        (
            "429 with a reset in year 5138",
            RawServer::response(
                429,
                &[("x-ratelimit-remaining", "0"), ("x-ratelimit-reset", "99999999999")],
                b"{}",
            ),
            Expect::RateLimited,
        ),
        // sizes and broken connections
        ("a body past the cap", ok(&past_cap), Expect::TooLarge),
        ("a chunked body past the cap", chunked_past_cap, Expect::TooLarge),
        // a Content-Length beside a Transfer-Encoding is not the framing: the cap must hold
        (
            "Content-Length: 10 with chunked past the cap",
            framed(200, "content-length: 10\r\ntransfer-encoding: chunked\r\n", true),
            Expect::TooLarge,
        ),
        (
            "a 500 with Content-Length: 10 and chunked past the cap",
            framed(500, "content-length: 10\r\ntransfer-encoding: chunked\r\n", true),
            Expect::TooLarge,
        ),
        (
            "Content-Length: 10 with Transfer-Encoding: identity past the cap",
            framed(200, "content-length: 10\r\ntransfer-encoding: identity\r\n", false),
            Expect::TooLarge,
        ),
        (
            "a close-delimited body past the cap",
            framed(200, "connection: close\r\n", false),
            Expect::TooLarge,
        ),
        (
            "a close-delimited 503 past the cap",
            framed(503, "connection: close\r\n", false),
            Expect::TooLarge,
        ),
        // server strings of any size make errors of bounded size
        ("a 400 with a huge message", huge_error(400), Expect::Api(400)),
        (
            "a 200 whose huge message is not success",
            ok(&format!(r#"{{"message":"{}"}}"#, "m".repeat(LIMIT - 100))),
            Expect::Api(200),
        ),
        (
            "a huge string where an array belongs",
            ok(&format!(
                r#"{{"message":"success","tags":"{}"}}"#,
                "t".repeat(LIMIT - 100)
            )),
            Expect::Decode("tags"),
        ),
        (
            "Content-Length larger than the body",
            RawReply::Bytes(b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n{\"message\"".to_vec()),
            Expect::Transport,
        ),
        (
            "garbage instead of HTTP",
            RawReply::Bytes(b"SSH-2.0-OpenSSH_9.6\r\n\r\n".to_vec()),
            Expect::Transport,
        ),
        ("connection closed at once", RawReply::Close, Expect::Transport),
        (
            "a status line only",
            RawReply::Bytes(b"HTTP/1.1 200 OK\r\n".to_vec()),
            Expect::Transport,
        ),
        // last: a plausible spent window closes the client's gate for what follows
        (
            "429 resetting in two hours",
            RawServer::response(
                429,
                &[("x-ratelimit-remaining", "0"), ("x-ratelimit-reset", &in_two_hours)],
                b"{}",
            ),
            Expect::RateLimited,
        ),
    ]
}

fn matches(expect: Expect, result: &Result<braze_segments::SegmentDetails, Error>) -> bool {
    match (expect, result) {
        (Expect::Ok, Ok(_)) => true,
        (Expect::Decode(path), Err(Error::Decode { path: got, .. })) => {
            got == path || (path.len() > 1 && got.starts_with(path))
        }
        (Expect::Api(status), Err(Error::Api { status: got, .. })) => *got == status,
        (Expect::RateLimited, Err(Error::RateLimited { .. })) => true,
        (Expect::Transport, Err(Error::Transport { .. })) => true,
        (Expect::TooLarge, Err(Error::BodyTooLarge { limit, .. })) => *limit == LIMIT,
        _ => false,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_hostile_response_maps_to_its_typed_error() {
    let cases = cases();
    assert!(cases.len() >= 40, "{} cases", cases.len());
    let server = RawServer::start(RawReply::Close).await;
    let client = Client::builder()
        .api_key(braze_segments_tests::KEY)
        .endpoint(server.url())
        .max_body_bytes(LIMIT)
        .timeout(Duration::from_secs(5))
        .retry(braze_segments_tests::fast_policy().max_attempts(2))
        .build()
        .unwrap();
    let mut wrong = Vec::new();
    for (name, reply, expect) in cases {
        server.set(reply);
        let result = client.segment_details(braze_segments_tests::SEGMENT_ID).await;
        if !matches(expect, &result) {
            wrong.push(format!("{name}: expected {expect:?}, got {result:?}"));
        }
        if let Err(e) = &result {
            // Every error says something, and never the key.
            let text = e.to_string();
            assert!(
                !text.is_empty() && !text.contains(braze_segments_tests::KEY),
                "{name}: {text}"
            );
            // ... in bounded size, however much the server sent.
            let debug = format!("{e:?}");
            assert!(
                text.len() <= MAX_ERROR_TEXT && debug.len() <= MAX_ERROR_TEXT,
                "{name}: an error of {} bytes ({} in Debug)",
                text.len(),
                debug.len()
            );
        }
    }
    assert!(
        wrong.is_empty(),
        "{} case(s) mapped wrongly:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}
