//! Every command that writes its results to stdout fails, before anything is sent, when stdout
//! is closed (`>&-`): the results would otherwise be lost while the command said it succeeded.
#![cfg(target_os = "linux")]

use crate::common;

use common::{no_rate_limit, StandIn, README_ID};

#[test]
fn a_command_whose_results_go_to_a_closed_stdout_fails_before_anything_is_sent() {
    let stand_in = StandIn::start(no_rate_limit());
    let runs: [&[&str]; 6] = [
        &["list"],
        &["list", "-o", "json"],
        &["details", README_ID],
        &["details", README_ID, "-o", "json"],
        &["data-series", README_ID, "--days", "3"],
        &["export", "--out", "-"],
    ];
    for args in runs {
        // `>&-`: Rust's runtime puts /dev/null there before main, where every write succeeds.
        let output = std::process::Command::new("sh")
            .arg("-c")
            .arg(r#"exec "$0" "$@" >&-"#)
            .arg(assert_cmd::cargo::cargo_bin("braze-segments"))
            .args(args)
            .env_clear()
            .env("BRAZE_API_KEY", stand_in.braze().api_key())
            .env("BRAZE_REST_ENDPOINT", stand_in.braze().url())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(stderr.contains("stdout is closed"), "{args:?}: {stderr}");
        assert_eq!(stand_in.braze().counters().total(), 0, "{args:?}: nothing was sent");
    }
}
