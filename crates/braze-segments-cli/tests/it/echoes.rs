//! What messages repeat of what they were given: a flag's value that may be a secret pasted in
//! the wrong place is never echoed, and server text (an id) is shown cut to a bounded length.

use crate::common;

use common::{no_rate_limit, RunExpecting, StandIn};

const SECRET: &str = "SEKRETKEY123-0123456789abcdef";

fn bare() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("braze-segments").unwrap();
    cmd.env_clear().env("BRAZE_API_KEY", "k");
    cmd
}

#[test]
fn a_secret_given_as_a_connection_flag_or_endpoint_is_never_echoed() {
    let stand_in = StandIn::start(no_rate_limit());
    let url = stand_in.braze().url().to_owned();
    for flag in [
        "--instance",
        "--max-attempts",
        "--reserve",
        "--budget-share",
        "--endpoint",
    ] {
        for args in [
            vec![flag.to_owned(), SECRET.to_owned(), "list".to_owned()],
            vec!["list".to_owned(), format!("{flag}={SECRET}")],
        ] {
            let mut cmd = bare();
            if flag != "--endpoint" {
                cmd.env("BRAZE_REST_ENDPOINT", &url);
            }
            let (_, stderr) = cmd.args(&args).run_expecting(2);
            assert!(!stderr.contains("SEKRET"), "{args:?} echoed the value: {stderr}");
            assert!(stderr.contains(flag), "{args:?} names the flag: {stderr}");
        }
    }
    let (_, stderr) = bare().env("BRAZE_REST_ENDPOINT", SECRET).arg("list").run_expecting(2);
    assert!(!stderr.contains("SEKRET"), "{stderr}");
    assert!(stderr.contains("BRAZE_REST_ENDPOINT"), "{stderr}");
    // A mistyped instance name is still shown, to be corrected.
    let (_, stderr) = bare().args(["--instance", "US-99", "list"]).run_expecting(2);
    assert!(stderr.contains("\"US-99\"") && stderr.contains("US-03"), "{stderr}");
    assert_eq!(stand_in.braze().counters().total(), 0, "nothing was sent");
}

#[test]
fn a_huge_segment_id_is_shown_cut_with_its_length_said() {
    let id = format!("seg-{}", "x".repeat(100_000));
    let server = httpmock::MockServer::start();
    server.mock(|when, then| {
        when.path("/segments/list").query_param("page", "0");
        then.status(200)
            .json_body(serde_json::json!({"message": "success", "segments": [{"id": id, "name": "n"}]}));
    });
    server.mock(|when, then| {
        when.path("/segments/list");
        then.status(200)
            .json_body(serde_json::json!({"message": "success", "segments": []}));
    });
    server.mock(|when, then| {
        when.path("/segments/details");
        then.status(400)
            .json_body(serde_json::json!({"message": "no such segment"}));
    });
    let (_, stderr) = bare()
        .env("BRAZE_REST_ENDPOINT", server.base_url())
        .args(["--max-attempts", "1", "export", "--out", "-"])
        .run_expecting(1);
    let failed = stderr.lines().find(|l| l.contains("failed: seg-x"));
    let failed = failed.unwrap_or_else(|| panic!("no failed line: {}", &stderr[..stderr.len().min(2000)]));
    assert!(failed.len() < 1_000, "{} bytes: {}…", failed.len(), &failed[..300]);
    assert!(failed.contains("… (100004 characters in all)"), "{failed}");
    assert!(stderr.len() < 4_000, "{} bytes of stderr", stderr.len());
}

#[test]
fn a_huge_object_prefix_is_shown_cut_with_its_length_said() {
    let prefix = format!("p{}", "y".repeat(100_000));
    let server = httpmock::MockServer::start();
    server.mock(|when, then| {
        when.path("/users/export/segment");
        // No link: the files go to the workspace's own bucket, under the prefix Braze names.
        then.status(201)
            .json_body(serde_json::json!({"message": "success", "object_prefix": prefix}));
    });
    let dir = tempfile::tempdir().unwrap();
    let (_, stderr) = bare()
        .env("BRAZE_REST_ENDPOINT", server.base_url())
        .args(["users", "seg-1", "--fields", "external_id", "--out"])
        .arg(dir.path().join("users.jsonl"))
        .run_expecting(3);
    assert!(stderr.contains("pyyy"), "{}", &stderr[..stderr.len().min(2000)]);
    assert!(
        stderr.contains("… (100001 characters in all)"),
        "{}",
        &stderr[..stderr.len().min(2000)]
    );
    assert!(stderr.len() < 4_000, "{} bytes of stderr", stderr.len());
}
