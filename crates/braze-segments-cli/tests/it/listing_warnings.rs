//! `list` and `export` never drop a listed segment silently, and never list forever: segments
//! listed without a usable id are counted and named in a warning; pages that cycle end the
//! listing as a failure.

use crate::common;

use assert_cmd::Command;
use common::{cli_for, text};

/// A Braze listing one segment with an id and two without a usable one; details all succeed.
fn odd_ids() -> httpmock::MockServer {
    let server = httpmock::MockServer::start();
    server.mock(|when, then| {
        when.path("/segments/list").query_param("page", "0");
        then.status(200).json_body(serde_json::json!({
            "message": "success",
            "segments": [{"id": "", "name": "empty"}, {"id": "good-1", "name": "a"}, {"id": "  ", "name": "blank"}]
        }));
    });
    server.mock(|when, then| {
        when.path("/segments/list");
        then.status(200)
            .json_body(serde_json::json!({"message": "success", "segments": []}));
    });
    server.mock(|when, then| {
        when.path("/segments/details");
        then.status(200)
            .json_body(serde_json::json!({"message": "success", "name": "fine"}));
    });
    server
}

#[test]
fn list_warns_of_segments_listed_without_a_usable_id() {
    let server = odd_ids();
    let out = cli_for(&server).args(["list"]).assert().code(0).get_output().clone();
    let stderr = text(&out.stderr);
    assert!(stderr.contains("1 segment(s)"), "{stderr}");
    assert!(
        stderr.contains("warning: 2 more listed segment(s) have no usable id"),
        "{stderr}"
    );
    assert!(stderr.contains("without id: empty (id \"\")"), "{stderr}");
    assert!(stderr.contains("without id: blank (id \"  \")"), "{stderr}");
}

#[test]
fn export_warns_of_segments_listed_without_a_usable_id() {
    let server = odd_ids();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.jsonl");
    let out = cli_for(&server)
        .args(["export", "--out"])
        .arg(&path)
        .assert()
        .code(0)
        .get_output()
        .clone();
    let stderr = text(&out.stderr);
    assert!(stderr.contains("export: 1 written"), "{stderr}");
    assert!(
        stderr.contains("warning: 2 listed segment(s) have no usable id (missing or blank) and cannot be exported"),
        "{stderr}"
    );
    assert!(stderr.contains("without id: empty (id \"\")"), "{stderr}");
    assert_eq!(
        stderr.matches("without id: ").count(),
        2,
        "once, not once a pass: {stderr}"
    );
}

#[test]
fn export_of_pages_that_cycle_ends_as_an_incomplete_listing() {
    let server = httpmock::MockServer::start();
    // Even pages list one 100 segments, odd pages another 100: a cycle of period 2.
    let mut lists = Vec::new();
    for (parity, digits) in [("even", "[02468]$"), ("odd", "[13579]$")] {
        let page: Vec<_> = (0..100)
            .map(|i| serde_json::json!({"id": format!("{parity}-{i}")}))
            .collect();
        lists.push(server.mock(|when, then| {
            when.path("/segments/list").query_param_matches("^page$", digits);
            then.status(200)
                .json_body(serde_json::json!({"message": "success", "segments": page}));
        }));
    }
    server.mock(|when, then| {
        when.path("/segments/details");
        then.status(200)
            .json_body(serde_json::json!({"message": "success", "name": "fine"}));
    });
    let out = cli_for(&server)
        .args(["export", "--out", "-"])
        .assert()
        .code(1)
        .get_output()
        .clone();
    let stderr = text(&out.stderr);
    assert!(stderr.contains("export: 200 written"), "{stderr}");
    assert!(stderr.contains("listing failed, the export is incomplete"), "{stderr}");
    assert!(stderr.contains("pagination is not advancing"), "{stderr}");
    assert_eq!((lists[0].calls(), lists[1].calls()), (2, 1), "pages 0, 1 and 2");
}

/// A Braze whose list changes during every pass: each request for page 0 creates a segment
/// `new-N` after 150 others, and the details call of a `new-` segment archives it (answered
/// 400). Served from a thread, one connection at a time.
fn churning_braze() -> String {
    use std::io::Write as _;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        let mut listed: Vec<String> = (0..150).map(|i| format!("seg-{i:03}")).collect();
        let mut passes = 0;
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let head = common::read_request_head(&mut stream);
            let target = head.split(' ').nth(1).unwrap_or("/").to_owned();
            let param = |name: &str| {
                target
                    .split(['?', '&'])
                    .find_map(|p| p.strip_prefix(name))
                    .unwrap_or_default()
                    .to_owned()
            };
            let (status, body) = if target.starts_with("/segments/list") {
                let page: usize = param("page=").parse().unwrap_or(0);
                if page == 0 {
                    passes += 1;
                    listed.push(format!("new-{passes}"));
                }
                let segments: Vec<_> = listed
                    .iter()
                    .skip(page * 100)
                    .take(100)
                    .map(|id| serde_json::json!({"id": id}))
                    .collect();
                (200, serde_json::json!({"message": "success", "segments": segments}))
            } else {
                let id = param("segment_id=");
                if id.starts_with("new-") || !listed.contains(&id) {
                    listed.retain(|l| *l != id);
                    (
                        400,
                        serde_json::json!({"message": "segment_id must be a string of the Segment api identifier"}),
                    )
                } else {
                    (200, serde_json::json!({"message": "success", "name": id}))
                }
            };
            let body = body.to_string();
            let _ = write!(
                stream,
                "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    url
}

#[test]
fn export_lists_a_segment_no_later_listing_could_judge_apart_and_exits_0() {
    let url = churning_braze();
    let out = Command::cargo_bin("braze-segments")
        .unwrap()
        .env_clear()
        .env("BRAZE_API_KEY", "k")
        .env("BRAZE_REST_ENDPOINT", url)
        .args(["export", "--out", "-", "--concurrency", "1"])
        .assert()
        .code(0)
        .get_output()
        .clone();
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("export: 150 written, 0 skipped (already in stdout), 4 gone (archived during the export), 1 undetermined (maybe archived), 0 failed"),
        "{stderr}"
    );
    assert!(
        stderr.contains("could not tell whether archived: new-5: Braze answered 400"),
        "{stderr}"
    );
    assert!(
        stderr.contains("warning: Braze answered 1 segment(s) as unknown"),
        "{stderr}"
    );
    assert!(!stderr.contains("failed:"), "{stderr}");
}
