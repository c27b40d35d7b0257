//! Exports while segments are created and archived: Braze pages `/segments/list` by offset, so
//! the pages shift under the export. Within one run no segment is written twice, every segment
//! that existed throughout is written, and a segment archived mid-run is reported as gone.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use braze_segments::{Client, ExportOptions, ExportStream, SegmentRecord, SortDirection};
use braze_segments_mock_server::{Dataset, Endpoint, MockBraze, MockConfig};
use futures::StreamExt as _;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

async fn stand_in(segments: usize) -> (MockBraze, Client) {
    let braze = MockBraze::start(MockConfig {
        segments,
        rate_limit: None,
        ..MockConfig::default()
    })
    .await
    .unwrap();
    let client = Client::builder()
        .api_key(braze.api_key())
        .endpoint(braze.url())
        .retry(braze_segments_tests::fast_policy())
        .build()
        .unwrap();
    (braze, client)
}

/// What an export yielded, by segment id.
#[derive(Default)]
struct Outcome {
    written: HashMap<String, usize>,
    gone: Vec<String>,
    failed: Vec<String>,
}

async fn run(stream: &mut ExportStream) -> Outcome {
    let mut outcome = Outcome::default();
    while let Some(item) = stream.next().await {
        match item {
            Ok(SegmentRecord { summary, .. }) => *outcome.written.entry(summary.id).or_default() += 1,
            Err(e) if e.is_gone() => {
                // Says so, and keeps Braze's answer as its cause.
                assert!(e.to_string().contains("is gone (archived during the export)"), "{e}");
                assert!(std::error::Error::source(&e).is_some(), "{e:?}");
                outcome.gone.push(e.segment.unwrap().id)
            }
            Err(e) => {
                assert!(std::error::Error::source(&e).is_some(), "{e:?}");
                outcome.failed.push(e.to_string())
            }
        }
    }
    outcome
}

fn ids(braze: &MockBraze) -> Vec<String> {
    braze.segments().into_iter().map(|s| s.id).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn desc_five_segments_created_before_page_1_no_segment_is_written_twice() {
    let (braze, client) = stand_in(250).await;
    let before = ids(&braze);
    let created = Arc::new(Mutex::new(Vec::new()));
    let log = created.clone();
    // Five new segments go to the front of a newest-first list: page 1 starts five places
    // earlier, on the last five segments of page 0.
    braze.before_list_page(1, move |d| {
        log.lock()
            .unwrap()
            .extend((0..5).map(|i| d.create_segment(&format!("new {i}"))));
    });
    let mut stream = client.export_segments(ExportOptions::default().sort(SortDirection::Desc));
    let outcome = run(&mut stream).await;

    let twice: Vec<_> = outcome.written.iter().filter(|(_, &n)| n > 1).collect();
    assert!(twice.is_empty(), "written more than once: {twice:?}");
    assert!(
        outcome.failed.is_empty() && outcome.gone.is_empty(),
        "{:?}",
        outcome.failed
    );
    for id in &before {
        assert!(outcome.written.contains_key(id), "{id} missing");
    }
    // The new ones, created mid-run, come with the re-listing.
    let created = created.lock().unwrap().clone();
    assert_eq!(created.len(), 5);
    for id in &created {
        assert!(outcome.written.contains_key(id), "created {id} missing");
    }
    assert_eq!(outcome.written.len(), 255);
    assert_eq!(stream.listed(), 255);
    assert_eq!(stream.relisted(), 5);
    assert!(stream.listing_verified());
    assert_eq!(braze.counters().requests(Endpoint::Details), 255, "each fetched once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn asc_three_segments_archived_before_page_1_every_segment_that_stayed_is_written_once() {
    let (braze, client) = stand_in(250).await;
    let before = ids(&braze);
    // Three segments of page 0 archived: page 1 starts three places later, so the first
    // three segments it would have held slide onto page 0, already served.
    let archived: Vec<String> = before[..3].to_vec();
    let victims = archived.clone();
    braze.before_list_page(1, move |d| {
        for id in &victims {
            assert!(d.archive_segment(id));
        }
    });
    let slid = before[100..103].to_vec();
    let mut stream = client.export_segments(ExportOptions::default().sort(SortDirection::Asc));
    let outcome = run(&mut stream).await;

    assert!(outcome.failed.is_empty(), "{:?}", outcome.failed);
    for id in &before[3..] {
        assert_eq!(outcome.written.get(id), Some(&1), "{id} stayed throughout");
    }
    for id in &slid {
        assert!(outcome.written.contains_key(id), "{id} slid back across page 0's end");
    }
    // The archived ones were listed on page 0 before they went: written or gone, once.
    for id in &archived {
        let times = outcome.written.get(id).copied().unwrap_or(0) + outcome.gone.iter().filter(|g| *g == id).count();
        assert_eq!(times, 1, "{id}");
    }
    assert_eq!(stream.relisted(), 3);
    assert!(stream.listing_verified());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unchanged_list_is_listed_once_more_and_verified() {
    let (braze, client) = stand_in(250).await;
    let mut stream = client.export_segments(ExportOptions::default());
    let outcome = run(&mut stream).await;
    assert_eq!(outcome.written.len(), 250);
    assert!(outcome.written.values().all(|&n| n == 1));
    assert_eq!(stream.passes(), 2);
    assert!(stream.listing_verified());
    assert_eq!(braze.counters().requests(Endpoint::List), 6, "3 pages, twice");
}

/// Archives a segment of page 0 every time page 1 is served, in every pass.
fn archive_on_every_page_1(dataset: &Dataset, victims: Arc<Mutex<Vec<String>>>) {
    let next = victims.clone();
    dataset.before_list_page(1, move |d| {
        if let Some(id) = victims.lock().unwrap().pop() {
            d.archive_segment(&id);
        }
        archive_on_every_page_1(d, next);
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_list_that_changes_during_every_pass_stops_after_five_passes_unverified() {
    let (braze, client) = stand_in(250).await;
    let before = ids(&braze);
    let victims = Arc::new(Mutex::new(before[..20].to_vec()));
    archive_on_every_page_1(&braze.dataset(), victims.clone());
    let mut stream = client.export_segments(ExportOptions::default());
    let outcome = run(&mut stream).await;
    assert_eq!(stream.passes(), 5);
    assert!(!stream.listing_verified());
    assert!(outcome.failed.is_empty(), "{:?}", outcome.failed);
    assert!(outcome.written.values().all(|&n| n == 1));
    let archived: HashSet<_> = before[..20]
        .iter()
        .filter(|id| !victims.lock().unwrap().contains(id))
        .collect();
    assert_eq!(archived.len(), 5, "one archive per pass");
    for id in &before {
        if !archived.contains(id) {
            assert!(outcome.written.contains_key(id), "{id} stayed throughout");
        }
    }
}

/// A scripted Braze: a list of ids (asc, 100 a page), details that archive a segment or answer
/// 400 for it. Each response closes its connection.
struct Scripted {
    listed: Mutex<Vec<String>>,
    /// Archived by their own details call (answered as unknown).
    archive_on_details: HashSet<String>,
    /// Answered 400 although still listed.
    broken: HashSet<String>,
    /// Answered 500 by every details call, and archived by the first.
    failing: HashSet<String>,
    /// Whether every listing pass (each request for page 0) creates a segment `new-N` that its
    /// own details call archives: the list changes during every pass.
    churn: bool,
    passes: Mutex<usize>,
}

impl Default for Scripted {
    fn default() -> Self {
        Self {
            listed: Mutex::new(Vec::new()),
            archive_on_details: HashSet::new(),
            broken: HashSet::new(),
            failing: HashSet::new(),
            churn: false,
            passes: Mutex::new(0),
        }
    }
}

impl Scripted {
    fn reply(&self, path: &str, query: &HashMap<&str, &str>) -> (u16, String) {
        let unknown = r#"{"message":"segment_id must be a string of the Segment api identifier"}"#.to_owned();
        match path {
            "/segments/list" => {
                let page: usize = query.get("page").and_then(|p| p.parse().ok()).unwrap_or(0);
                let mut listed = self.listed.lock().unwrap();
                if self.churn && page == 0 {
                    let mut passes = self.passes.lock().unwrap();
                    *passes += 1;
                    listed.push(format!("new-{passes}"));
                }
                let segments: Vec<_> = listed
                    .iter()
                    .skip(page * 100)
                    .take(100)
                    .map(|id| serde_json::json!({"id": id, "name": id}))
                    .collect();
                (
                    200,
                    serde_json::json!({"message": "success", "segments": segments}).to_string(),
                )
            }
            "/segments/details" => {
                let id = query.get("segment_id").copied().unwrap_or_default();
                let mut listed = self.listed.lock().unwrap();
                let churned = self.churn && id.starts_with("new-");
                if self.archive_on_details.contains(id) || self.failing.contains(id) || churned {
                    listed.retain(|l| l != id);
                }
                if self.failing.contains(id) {
                    return (500, r#"{"message":"internal error"}"#.to_owned());
                }
                if !listed.iter().any(|l| l == id) || self.broken.contains(id) {
                    return (400, unknown);
                }
                (200, serde_json::json!({"message": "success", "name": id}).to_string())
            }
            _ => (404, r#"{"message":"no such path"}"#.to_owned()),
        }
    }
}

async fn scripted(script: Scripted) -> Client {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let script = Arc::new(script);
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let script = script.clone();
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buf = [0u8; 1024];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                let head = String::from_utf8_lossy(&head);
                let target = head.split(' ').nth(1).unwrap_or("/");
                let (path, query) = target.split_once('?').unwrap_or((target, ""));
                let query: HashMap<&str, &str> = query.split('&').filter_map(|p| p.split_once('=')).collect();
                let (status, body) = script.reply(path, &query);
                let response = format!(
                    "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(response.as_bytes()).await;
                let _ = stream.shutdown().await;
            });
        }
    });
    Client::builder()
        .api_key(braze_segments_tests::KEY)
        .endpoint(url)
        .retry(braze_segments_tests::fast_policy())
        .build()
        .unwrap()
}

fn names(prefix: &str, count: usize) -> Vec<String> {
    (0..count).map(|i| format!("{prefix}-{i:03}")).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_segment_archived_between_its_listing_and_its_details_is_gone_and_the_run_completes() {
    let listed = names("seg", 150);
    let client = scripted(Scripted {
        listed: Mutex::new(listed.clone()),
        archive_on_details: HashSet::from(["seg-120".to_owned()]),
        broken: HashSet::new(),
        failing: HashSet::new(),
        ..Scripted::default()
    })
    .await;
    let mut stream = client.export_segments(ExportOptions::default());
    let outcome = run(&mut stream).await;
    assert!(outcome.failed.is_empty(), "{:?}", outcome.failed);
    assert_eq!(outcome.gone, ["seg-120"]);
    assert_eq!(stream.gone(), 1);
    assert_eq!(outcome.written.len(), 149);
    assert!(listed
        .iter()
        .all(|id| id == "seg-120" || outcome.written.get(id) == Some(&1)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_400_for_a_segment_still_listed_is_a_failure_once_a_later_listing_still_has_it() {
    let listed = names("seg", 150);
    let client = scripted(Scripted {
        listed: Mutex::new(listed.clone()),
        archive_on_details: HashSet::new(),
        broken: HashSet::from(["seg-007".to_owned()]),
        failing: HashSet::new(),
        ..Scripted::default()
    })
    .await;
    let mut stream = client.export_segments(ExportOptions::default());
    let outcome = run(&mut stream).await;
    assert!(outcome.gone.is_empty(), "{:?}", outcome.gone);
    assert_eq!(outcome.failed.len(), 1);
    assert!(
        outcome.failed[0].starts_with("segment seg-007: Braze answered 400"),
        "{}",
        outcome.failed[0]
    );
    assert_eq!(stream.gone(), 0);
    assert!(stream.passes() >= 2, "judged against a later listing");
    assert_eq!(outcome.written.len(), 149);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_500_is_a_failure_even_for_a_segment_archived_meanwhile() {
    // Only Braze's "unknown segment" (400, 404) can mean gone; a server error stays a failure.
    let listed = names("seg", 150);
    let client = scripted(Scripted {
        listed: Mutex::new(listed.clone()),
        archive_on_details: HashSet::new(),
        broken: HashSet::new(),
        failing: HashSet::from(["seg-042".to_owned()]),
        ..Scripted::default()
    })
    .await;
    let mut stream = client.export_segments(ExportOptions::default());
    let outcome = run(&mut stream).await;
    assert!(outcome.gone.is_empty(), "{:?}", outcome.gone);
    assert_eq!(outcome.failed.len(), 1, "{:?}", outcome.failed);
    assert!(
        outcome.failed[0].starts_with("segment seg-042: Braze answered 500"),
        "{}",
        outcome.failed[0]
    );
    assert_eq!(stream.gone(), 0);
    assert_eq!(outcome.written.len(), 149);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_segment_unknown_during_the_last_pass_is_undetermined_never_judged_by_that_pass() {
    // Every pass creates a segment that its own details call archives: each is answered 400
    // during the pass that listed it. Passes 1-4 are judged by the next pass (gone); the
    // fifth pass's has no listing after its answer: it may be gone, and is never a failure
    // judged by the pass that started before the 400.
    let listed = names("seg", 150);
    let client = scripted(Scripted {
        listed: Mutex::new(listed.clone()),
        churn: true,
        ..Scripted::default()
    })
    .await;
    let mut stream = client.export_segments(ExportOptions::default());
    let (mut written, mut gone, mut undetermined, mut failed) = (0, Vec::new(), Vec::new(), Vec::new());
    while let Some(item) = stream.next().await {
        match item {
            Ok(_) => written += 1,
            Err(e) if e.is_gone() => gone.push(e.segment.unwrap().id),
            Err(e) if e.is_undetermined() => {
                assert!(!e.is_gone());
                assert!(e.to_string().starts_with("segment new-5 may be gone"), "{e}");
                assert!(e.to_string().contains("Braze answered 400"), "{e}");
                undetermined.push(e.segment.unwrap().id)
            }
            Err(e) => failed.push(e.to_string()),
        }
    }
    assert!(failed.is_empty(), "{failed:?}");
    gone.sort();
    assert_eq!(gone, ["new-1", "new-2", "new-3", "new-4"]);
    assert_eq!(undetermined, ["new-5"]);
    assert_eq!((stream.passes(), stream.gone(), stream.undetermined()), (5, 4, 1));
    assert!(!stream.listing_verified());
    assert_eq!(written, 150);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_subset_keeps_every_guarantee_while_segments_are_archived_under_it() {
    let (braze, client) = stand_in(250).await;
    let before = ids(&braze);
    // Chosen: three segments of page 0 that are archived before page 1 (sliding the next
    // three back onto page 0, already served), those three, a segment of page 2, and an id
    // that is no segment at all; then only those whose name the filter accepts too.
    let archived: Vec<String> = before[..3].to_vec();
    let slid = before[100..103].to_vec();
    let victims = archived.clone();
    braze.before_list_page(1, move |d| {
        for id in &victims {
            assert!(d.archive_segment(id));
        }
    });
    let mut chosen: Vec<String> = archived.iter().chain(&slid).cloned().collect();
    chosen.push(before[220].clone());
    chosen.push("not-a-segment".to_owned());
    let unwanted = before[101].clone();
    let options = ExportOptions::default()
        .only(chosen.clone())
        .filter(move |segment| segment.id != unwanted);
    let mut stream = client.export_segments(options);
    let outcome = run(&mut stream).await;

    assert!(outcome.failed.is_empty(), "{:?}", outcome.failed);
    // Every chosen segment that stayed is written once, the slid ones included.
    for id in [&slid[0], &slid[2], &before[220]] {
        assert_eq!(outcome.written.get(id), Some(&1), "{id}");
    }
    // The archived ones were listed before they went: written or gone, once each.
    for id in &archived {
        let times = outcome.written.get(id).copied().unwrap_or(0) + outcome.gone.iter().filter(|g| *g == id).count();
        assert_eq!(times, 1, "{id}");
    }
    // Nothing else was fetched: not what the filter refused, nor what was not chosen.
    assert!(!outcome.written.contains_key(&slid[1]));
    assert_eq!(
        outcome.written.len() + outcome.gone.len(),
        6,
        "{:?}",
        outcome.written.keys()
    );
    assert!(braze.counters().requests(Endpoint::Details) <= 6 + 3);
    assert_eq!(stream.not_listed(), ["not-a-segment"]);
    assert_eq!(stream.unselected() + 6, stream.listed());
    assert!(stream.listing_verified());
}
