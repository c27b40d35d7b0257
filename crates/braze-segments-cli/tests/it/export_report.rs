//! What `export` reports about segments it could not write: a segment archived while the export
//! ran is gone, not failed.

use crate::common;

use std::io::Write;
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use assert_cmd::Command;
use common::RunExpecting;

/// A loopback Braze whose list holds `ids`; asking for the details of `archived_on_details`
/// archives it first (Braze then answers 400 and no longer lists it), as when someone archives
/// a segment while an export runs; `broken` is answered 400 but stays listed. One request per
/// connection.
fn braze_archiving_on_details(ids: &[&str], archived_on_details: &'static str, broken: &'static str) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let listed = Arc::new(Mutex::new(ids.iter().map(|s| s.to_string()).collect::<Vec<_>>()));
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let head = common::read_request_head(&mut stream);
            let target = head.split_whitespace().nth(1).unwrap_or("").to_owned();
            let param = |name: &str| {
                target
                    .split(['?', '&'])
                    .find_map(|kv| kv.strip_prefix(&format!("{name}=")).map(str::to_owned))
            };
            let (status, body) = if target.starts_with("/segments/list") {
                let page: usize = param("page").and_then(|p| p.parse().ok()).unwrap_or(0);
                let listed = listed.lock().unwrap();
                let segments: Vec<_> = listed
                    .iter()
                    .skip(page * 100)
                    .take(100)
                    .map(|id| serde_json::json!({"id": id, "name": format!("name of {id}")}))
                    .collect();
                (200, serde_json::json!({"message": "success", "segments": segments}))
            } else {
                let id = param("segment_id").unwrap_or_default();
                let mut listed = listed.lock().unwrap();
                if id == archived_on_details {
                    listed.retain(|l| *l != id);
                }
                if listed.contains(&id) && id != broken {
                    (
                        200,
                        serde_json::json!({"message": "success", "name": format!("name of {id}")}),
                    )
                } else {
                    let message = "segment_id must be a string of the segment api identifier";
                    (400, serde_json::json!({ "message": message }))
                }
            };
            let body = body.to_string();
            let reason = if status == 200 { "OK" } else { "Bad Request" };
            let _ = write!(
                stream,
                "HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    url
}

#[test]
fn a_segment_archived_during_the_export_is_reported_gone_and_the_export_succeeds() {
    let url = braze_archiving_on_details(&["seg-a", "seg-b", "seg-c"], "seg-b", "");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.jsonl");
    let (_, stderr) = Command::cargo_bin("braze-segments")
        .unwrap()
        .env_clear()
        .env("BRAZE_API_KEY", "k")
        .env("BRAZE_REST_ENDPOINT", &url)
        .args(["export", "--out"])
        .arg(&out)
        .run_expecting(0);
    assert!(
        stderr.contains("export: 2 written, 0 skipped")
            && stderr.contains("1 gone (archived during the export), 0 failed"),
        "{stderr}"
    );
    assert!(
        stderr.contains("  gone (archived during the export): seg-b"),
        "{stderr}"
    );
    assert!(!stderr.contains("failed:"), "{stderr}");
    let content = std::fs::read_to_string(&out).unwrap();
    assert_eq!(content.lines().count(), 2);
    assert!(!content.contains("seg-b"));
}

#[test]
fn a_400_for_a_segment_still_listed_is_a_failure() {
    let url = braze_archiving_on_details(&["seg-a", "seg-b", "seg-c"], "", "seg-b");
    let dir = tempfile::tempdir().unwrap();
    let (_, stderr) = Command::cargo_bin("braze-segments")
        .unwrap()
        .env_clear()
        .env("BRAZE_API_KEY", "k")
        .env("BRAZE_REST_ENDPOINT", &url)
        .args(["export", "--out"])
        .arg(dir.path().join("x.jsonl"))
        .run_expecting(1);
    assert!(stderr.contains("export: 2 written, 0 skipped"), "{stderr}");
    assert!(stderr.contains("  failed: seg-b: Braze answered 400"), "{stderr}");
    assert!(!stderr.contains("gone"), "{stderr}");
}

/// Archives one of `victims` every time list page 1 is served, in every listing pass.
fn archive_on_every_page_1(dataset: &braze_segments_mock_server::Dataset, victims: Arc<Mutex<Vec<String>>>) {
    let next = victims.clone();
    dataset.before_list_page(1, move |d| {
        if let Some(id) = victims.lock().unwrap().pop() {
            d.archive_segment(&id);
        }
        archive_on_every_page_1(d, next);
    });
}

#[test]
fn a_list_that_changed_during_every_pass_is_warned_about_with_resume_suggested() {
    let stand_in = common::StandIn::start(common::no_rate_limit());
    let dir = tempfile::tempdir().unwrap();
    // A list that holds still: no warning.
    let (_, stderr) = stand_in
        .cli()
        .args(["export", "--out"])
        .arg(dir.path().join("still.jsonl"))
        .run_expecting(0);
    assert!(!stderr.contains("warning"), "{stderr}");

    let victims: Vec<String> = stand_in.braze().segments()[..20].iter().map(|s| s.id.clone()).collect();
    archive_on_every_page_1(&stand_in.braze().dataset(), Arc::new(Mutex::new(victims)));
    let out = dir.path().join("churn.jsonl");
    let (_, stderr) = stand_in.cli().args(["export", "--out"]).arg(&out).run_expecting(0);
    let warning = stderr
        .lines()
        .find(|l| l.starts_with("warning:"))
        .unwrap_or_else(|| panic!("no warning: {stderr}"));
    assert!(
        warning.contains("the segment list changed during every listing pass")
            && warning.contains("a segment may be missing")
            && warning.contains("--resume"),
        "{warning}"
    );
}
