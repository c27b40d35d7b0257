//! Instructions per `segment_details` call, counted by callgrind: a figure that does not move
//! between runs, beside the noisy calls per second. Three variants, each ending with the
//! details' two instants read (`chrono` types in plain's serde struct): the SDK; the generated
//! client alone (`braze-segments-api` with its default execution, the key as a default header,
//! a 30-s timeout, the instants parsed with chrono), the floor every SDK call stands on; plain
//! reqwest + serde with a 30-s timeout.
//! The differences name the two stages: the generated path (generated − plain) and the SDK's
//! own layers (SDK − generated).
//!
//! The stand-in runs as its own process (`braze-segments mock-server`, release), with its
//! default budget (250,000 an hour), so that every answer carries the rate-limit headers the
//! SDK reads, as Braze's do. This binary is
//! run once per variant under `valgrind --tool=callgrind --collect-atstart=no
//! --toggle-collect=*counted_<variant>*`: it warms up (connection, first calls: not counted),
//! then makes the calls one after another on a current-thread runtime inside
//! `counted_sdk`/`counted_generated`/`counted_plain`, so callgrind counts exactly those calls' instructions, the
//! client's work only.

use std::path::Path;
use std::process::{Command, Stdio};

use braze_segments::Client;

/// Calls counted per variant (after the warm-up).
pub const CALLS: usize = 2_000;
const WARM_UP: usize = 200;

/// Instructions per call of each variant.
pub struct Counted {
    pub sdk: f64,
    pub generated: f64,
    pub plain: f64,
}

/// How the segment ids reach the child: listed by the parent, so that no variant's process runs
/// another variant's code first (glibc's allocator takes different paths after another history:
/// plain reqwest's count moved by 1,300 instructions a call with the SDK's listing before it).
const IDS_VAR: &str = "BENCH_SEGMENT_IDS";

/// The ids the parent listed (in the child).
pub fn ids_from_env() -> Vec<String> {
    let ids = std::env::var(IDS_VAR).expect("--count-calls needs BENCH_SEGMENT_IDS");
    ids.split(',').map(str::to_owned).collect()
}

/// Runs in the child: `variant` ("sdk", "generated" or "plain") against `url` with `key`, on one thread.
pub fn run_variant(variant: &str, url: &str, key: &str, ids: &[String]) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    match variant {
        "sdk" => {
            let client = {
                let _guard = rt.enter();
                Client::builder().api_key(key).endpoint(url).build().unwrap()
            };
            sdk_calls(&rt, &client, ids, WARM_UP);
            counted_sdk(&rt, &client, ids, CALLS);
        }
        "generated" => {
            let mut auth = reqwest::header::HeaderValue::from_str(&format!("Bearer {key}")).unwrap();
            auth.set_sensitive(true);
            let http = reqwest::Client::builder()
                .default_headers([(reqwest::header::AUTHORIZATION, auth)].into_iter().collect())
                .timeout(std::time::Duration::from_secs(30))
                .build()
                .unwrap();
            let client = braze_segments_api::Client::new_with_client(url, http, braze_segments_api::Inner::default());
            generated_calls(&rt, &client, ids, WARM_UP);
            counted_generated(&rt, &client, ids, CALLS);
        }
        "plain" => {
            let client = reqwest::Client::new();
            let details = format!("{url}/segments/details");
            plain_calls(&rt, &client, &details, key, ids, WARM_UP);
            counted_plain(&rt, &client, &details, key, ids, CALLS);
        }
        other => panic!("no variant {other}"),
    }
}

// Each variant ends with the details' two instants read, as plain's serde types hold them: the
// SDK reads a timestamp's text when it is first asked for, the generated client leaves it text.

fn sdk_calls(rt: &tokio::runtime::Runtime, client: &Client, ids: &[String], n: usize) {
    rt.block_on(async {
        for i in 0..n {
            let details = client.segment_details(&ids[i % ids.len()]).await.expect("sdk call");
            let instant = |t: Option<&braze_segments::Timestamp>| t.and_then(braze_segments::Timestamp::at);
            std::hint::black_box((
                instant(details.created_at.as_ref()),
                instant(details.updated_at.as_ref()),
            ));
        }
    });
}

#[inline(never)]
fn counted_sdk(rt: &tokio::runtime::Runtime, client: &Client, ids: &[String], n: usize) {
    sdk_calls(rt, client, ids, n);
}

fn generated_calls(rt: &tokio::runtime::Runtime, client: &braze_segments_api::Client, ids: &[String], n: usize) {
    rt.block_on(async {
        for i in 0..n {
            let details = client
                .get_segment_details()
                .segment_id(ids[i % ids.len()].as_str())
                .send()
                .await
                .expect("generated call");
            assert_eq!(details.message, "success");
            let instant = |t: &Option<String>| {
                t.as_deref()
                    .and_then(|t| t.parse::<chrono::DateTime<chrono::Utc>>().ok())
            };
            std::hint::black_box((instant(&details.created_at), instant(&details.updated_at)));
        }
    });
}

#[inline(never)]
fn counted_generated(rt: &tokio::runtime::Runtime, client: &braze_segments_api::Client, ids: &[String], n: usize) {
    generated_calls(rt, client, ids, n);
}

fn plain_calls(rt: &tokio::runtime::Runtime, client: &reqwest::Client, url: &str, key: &str, ids: &[String], n: usize) {
    rt.block_on(async {
        for i in 0..n {
            client
                .get(url)
                .query(&[("segment_id", &ids[i % ids.len()])])
                .bearer_auth(key)
                .timeout(std::time::Duration::from_secs(30))
                .send()
                .await
                .and_then(reqwest::Response::error_for_status)
                .expect("plain call")
                .json::<crate::calls::PlainDetails>()
                .await
                .expect("plain decode");
        }
    });
}

#[inline(never)]
fn counted_plain(
    rt: &tokio::runtime::Runtime,
    client: &reqwest::Client,
    url: &str,
    key: &str,
    ids: &[String],
    n: usize,
) {
    plain_calls(rt, client, url, key, ids, n);
}

/// Starts the stand-in process, runs the three variants under callgrind, and returns instructions
/// per call; `None` (said why) without valgrind.
pub fn measure(cli: &Path, bench: &Path, keep: Option<&Path>) -> Option<Counted> {
    if Command::new("valgrind").arg("--version").output().is_err() {
        println!("instructions per call: skipped (valgrind is not installed)");
        return None;
    }
    let mut server = Command::new(cli)
        .args(["mock-server", "--addr", "127.0.0.1:0", "--segments", "100"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("starting the stand-in");
    let (url, key) = crate::stand_in::read_banner(&mut server);
    let ids = crate::stand_in::list_ids(&url, &key).join(",");
    if let Some(dir) = keep {
        std::fs::create_dir_all(dir).unwrap();
    }
    let counted = |variant: &str| -> f64 {
        let temp = tempfile::NamedTempFile::new().unwrap();
        let kept = keep.map(|dir| dir.join(format!("callgrind.{variant}.out")));
        let out = kept.as_deref().unwrap_or(temp.path());
        let status = Command::new("valgrind")
            .args([
                "--tool=callgrind",
                "--collect-atstart=no",
                &format!("--toggle-collect=*counted_{variant}*"),
            ])
            .arg(format!("--callgrind-out-file={}", out.display()))
            .arg(bench)
            .args(["--count-calls", variant, "--endpoint", &url, "--cli"])
            .arg(cli)
            .env("BRAZE_API_KEY", &key)
            .env(IDS_VAR, &ids)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("running valgrind");
        assert!(status.success(), "the {variant} run under callgrind failed");
        let text = std::fs::read_to_string(out).unwrap();
        let total: f64 = text
            .lines()
            .find_map(|l| l.strip_prefix("summary:").or_else(|| l.strip_prefix("totals:")))
            .and_then(|n| n.split_whitespace().next()?.parse().ok())
            .expect("callgrind's total");
        total / CALLS as f64
    };
    let sdk = counted("sdk");
    let generated = counted("generated");
    let plain = counted("plain");
    let _ = server.kill();
    let _ = server.wait();
    Some(Counted { sdk, generated, plain })
}
