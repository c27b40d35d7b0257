//! A listing always ends, whatever the pages say, and a listed segment without a usable id is
//! reported rather than silently dropped: the list stream and the export against hostile
//! `/segments/list` answers (cycling pages, endless new ids, blank ids) on loopback.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

use braze_segments::{Client, Error, ExportOptions, SortDirection, MAX_LIST_PAGES};
use braze_segments_tests::raw::RawServer;
use futures::StreamExt as _;

/// What page `n` of `/segments/list` lists: `(id, name)` items (`None`: the id left out).
type Pages = fn(u32) -> Vec<(Option<String>, String)>;

/// A Braze whose list pages come from `pages` and whose details calls all succeed.
struct Braze {
    client: Client,
    /// How many list requests it served.
    list_requests: Arc<AtomicU32>,
    _server: RawServer,
}

async fn braze(pages: Pages) -> Braze {
    let list_requests = Arc::new(AtomicU32::new(0));
    let counter = list_requests.clone();
    let server = RawServer::answering(move |target| {
        let body = if target.starts_with("/segments/list") {
            counter.fetch_add(1, Ordering::SeqCst);
            let page: u32 = target
                .split(['?', '&'])
                .find_map(|p| p.strip_prefix("page="))
                .and_then(|p| p.parse().ok())
                .unwrap_or(0);
            let segments: Vec<_> = pages(page)
                .into_iter()
                .map(|(id, name)| match id {
                    Some(id) => serde_json::json!({"id": id, "name": name}),
                    None => serde_json::json!({"name": name}),
                })
                .collect();
            serde_json::json!({"message": "success", "segments": segments})
        } else {
            serde_json::json!({"message": "success", "name": "fine"})
        };
        RawServer::response(
            200,
            &[("content-type", "application/json")],
            body.to_string().as_bytes(),
        )
    })
    .await;
    let client = Client::builder()
        .api_key(braze_segments_tests::KEY)
        .endpoint(server.url())
        .retry(braze_segments_tests::fast_policy())
        .build()
        .unwrap();
    Braze {
        client,
        list_requests,
        _server: server,
    }
}

fn full_page(prefix: &str) -> Vec<(Option<String>, String)> {
    (0..100)
        .map(|i| (Some(format!("{prefix}-{i}")), format!("{prefix}-{i}")))
        .collect()
}

/// Pages 0, 2, 4, … list the same 100 segments, pages 1, 3, 5, … another 100.
fn period_two(page: u32) -> Vec<(Option<String>, String)> {
    full_page(&format!("c{}", page % 2))
}

/// Every page full: one new segment and 99 listed on every page.
fn one_new_id_a_page(page: u32) -> Vec<(Option<String>, String)> {
    let mut items = full_page("same");
    items[0] = (Some(format!("new-{page}")), format!("new-{page}"));
    items
}

fn assert_not_advancing(error: &Error) {
    assert!(matches!(error, Error::Api { status: 200, .. }), "{error:?}");
    assert!(error.to_string().contains("pagination is not advancing"), "{error}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_cycling_with_period_two_end_the_list_stream_with_an_error() {
    let Braze {
        client,
        list_requests,
        _server,
    } = braze(period_two).await;
    let items: Vec<_> = client.segments().collect().await;
    assert_eq!(items.len(), 201, "two pages of segments, then the error");
    assert!(items[..200].iter().all(Result::is_ok));
    let error = items[200].as_ref().unwrap_err();
    assert_not_advancing(error);
    assert!(error.to_string().contains("page 2 "), "{error}");
    assert_eq!(list_requests.load(Ordering::SeqCst), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_cycling_with_period_two_end_the_export_as_a_listing_failure() {
    let Braze {
        client,
        list_requests,
        _server,
    } = braze(period_two).await;
    let mut stream = client.export_segments(ExportOptions::default());
    let (mut written, mut listing_failures) = (0, Vec::new());
    while let Some(item) = stream.next().await {
        match item {
            Ok(_) => written += 1,
            Err(e) => {
                assert!(e.segment.is_none(), "{e}");
                listing_failures.push(e);
            }
        }
    }
    assert_eq!(written, 200);
    assert_eq!(listing_failures.len(), 1);
    assert_not_advancing(&listing_failures[0].error);
    assert!(listing_failures[0].to_string().starts_with("listing segments: "));
    assert!(!stream.listing_verified());
    assert_eq!(list_requests.load(Ordering::SeqCst), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn full_pages_that_keep_adding_an_id_stop_at_the_page_bound_with_an_error() {
    let Braze {
        client,
        list_requests,
        _server,
    } = braze(one_new_id_a_page).await;
    let items: Vec<_> = client.segments_sorted(SortDirection::Desc).collect().await;
    let (ok, errors): (Vec<_>, Vec<_>) = items.iter().partition(|i| i.is_ok());
    assert_eq!(errors.len(), 1);
    assert!(items.last().unwrap().is_err(), "the error ends the stream");
    let error = errors[0].as_ref().unwrap_err();
    assert_not_advancing(error);
    assert!(error.to_string().contains("after 1000 pages"), "{error}");
    assert_eq!(list_requests.load(Ordering::SeqCst), MAX_LIST_PAGES);
    // Every page's segments were yielded before the error (the 99 repeats among them).
    assert_eq!(ok.len(), MAX_LIST_PAGES as usize * 100);
}

/// Page 0: one segment with an id and three without a usable one; then nothing.
fn odd_ids(page: u32) -> Vec<(Option<String>, String)> {
    if page > 0 {
        return Vec::new();
    }
    vec![
        (Some(String::new()), "empty".to_owned()),
        (Some("ok-1".to_owned()), "fine".to_owned()),
        (Some(" \t".to_owned()), "blank".to_owned()),
        (None, "missing".to_owned()),
    ]
}

fn names(segments: &[braze_segments::SegmentSummary]) -> Vec<(&str, &str)> {
    segments
        .iter()
        .map(|s| (s.id.as_str(), s.name.as_deref().unwrap_or("")))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_list_stream_keeps_the_segments_listed_without_a_usable_id() {
    let Braze { client, _server, .. } = braze(odd_ids).await;
    let mut list = client.segments();
    let mut ids = Vec::new();
    while let Some(item) = list.next().await {
        ids.push(item.unwrap().id);
    }
    assert_eq!(ids, ["ok-1"]);
    assert_eq!(
        names(list.without_id()),
        [("", "empty"), (" \t", "blank"), ("", "missing")]
    );
    let debug = format!("{list:?}");
    assert!(
        debug.contains("listed: 1") && debug.contains("without_id: 3"),
        "{debug}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_export_reports_the_segments_listed_without_a_usable_id_once() {
    let Braze { client, _server, .. } = braze(odd_ids).await;
    let mut stream = client.export_segments(ExportOptions::default());
    let mut written = Vec::new();
    while let Some(item) = stream.next().await {
        written.push(item.unwrap().summary.id);
    }
    assert_eq!(written, ["ok-1"]);
    assert_eq!(stream.passes(), 2, "listed twice");
    assert!(stream.listing_verified());
    assert_eq!(
        names(stream.without_id()),
        [("", "empty"), (" \t", "blank"), ("", "missing")],
        "the passes each listed them: reported once"
    );
    assert_eq!((stream.gone(), stream.undetermined()), (0, 0));
}
