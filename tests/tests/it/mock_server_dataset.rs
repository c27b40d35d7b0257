//! The stand-in's dataset changes while it serves as Braze's does: a created segment is the
//! newest, an archived one leaves the list and answers as an unknown id, and pages shift.

use braze_segments_api::types;
use braze_segments_mock_server::{MockBraze, MockConfig, PAGE_SIZE};

async fn start(segments: usize) -> MockBraze {
    MockBraze::start(MockConfig {
        segments,
        rate_limit: None,
        ..MockConfig::default()
    })
    .await
    .unwrap()
}

async fn get(braze: &MockBraze, path_and_query: &str) -> reqwest::Response {
    reqwest::Client::new()
        .get(format!("{}{path_and_query}", braze.url()))
        .bearer_auth(braze.api_key())
        .send()
        .await
        .unwrap()
}

async fn page(braze: &MockBraze, page: u32, sort: &str) -> Vec<String> {
    let response = get(braze, &format!("/segments/list?page={page}&sort_direction={sort}")).await;
    assert_eq!(response.status().as_u16(), 200);
    let list: types::SegmentList = response.json().await.unwrap();
    list.segments.unwrap().into_iter().map(|s| s.id.unwrap()).collect()
}

fn ids(braze: &MockBraze) -> Vec<String> {
    braze.segments().into_iter().map(|s| s.id).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_archive_between_pages_shifts_later_pages_back_as_on_braze() {
    let braze = start(250).await;
    let before = ids(&braze);
    let archived = before[10].clone();
    let handle = archived.clone();
    braze.before_list_page(1, move |dataset| {
        assert!(dataset.archive_segment(&handle));
    });
    assert_eq!(page(&braze, 0, "asc").await, before[..PAGE_SIZE]);
    // The archive happens as page 1 is asked for: every later segment moves one place back, so
    // page 1 starts with what was the second segment of page 1, and before[100] is now on page 0.
    assert_eq!(page(&braze, 1, "asc").await, before[PAGE_SIZE + 1..2 * PAGE_SIZE + 1]);
    assert_eq!(page(&braze, 2, "asc").await, before[2 * PAGE_SIZE + 1..]);
    assert_eq!(page(&braze, 0, "asc").await[PAGE_SIZE - 1], before[PAGE_SIZE]);
    // The action ran once: asking for page 1 again archives nothing more.
    assert_eq!(page(&braze, 1, "asc").await, before[PAGE_SIZE + 1..2 * PAGE_SIZE + 1]);
    assert_eq!(braze.segments().len(), 249);
    assert!(!ids(&braze).contains(&archived));

    // An archived segment answers as an unknown id does, on both endpoints that name one.
    let unknown = get(&braze, "/segments/details?segment_id=no-such-segment").await;
    let (unknown_status, unknown_body) = (unknown.status(), unknown.text().await.unwrap());
    for path in [
        format!("/segments/details?segment_id={archived}"),
        format!("/segments/data_series?segment_id={archived}&length=3"),
    ] {
        let response = get(&braze, &path).await;
        assert_eq!(response.status(), unknown_status, "{path}");
        assert_eq!(response.text().await.unwrap(), unknown_body, "{path}");
    }
    assert_eq!(unknown_status.as_u16(), 400);
    assert!(!braze.archive_segment(&archived), "already archived");
    assert!(!braze.archive_segment("no-such-segment"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn created_segments_are_the_newest_in_both_directions() {
    let braze = start(197).await;
    let before = ids(&braze);
    let (tx, rx) = std::sync::mpsc::channel();
    braze.before_list_page(1, move |dataset| {
        for name in ["new one", "new two", "new three"] {
            tx.send(dataset.create_segment(name)).unwrap();
        }
    });
    assert_eq!(page(&braze, 0, "desc").await.len(), PAGE_SIZE);
    assert!(rx.try_recv().is_err(), "page 0 runs no page-1 action");
    // Newest first: the three new segments push every other one three places down, so the
    // last page of a descending walk repeats three segments it had already served on page 0.
    let page1 = page(&braze, 1, "desc").await;
    let created: Vec<String> = rx.try_iter().collect();
    assert_eq!(created.len(), 3);
    let mut oldest_first = before.clone();
    oldest_first.extend(created.iter().cloned());
    let newest_first: Vec<String> = oldest_first.iter().rev().cloned().collect();
    assert_eq!(page1, newest_first[PAGE_SIZE..]);
    assert_eq!(
        page(&braze, 0, "desc").await[..3],
        [created[2].clone(), created[1].clone(), created[0].clone()]
    );
    assert_eq!(page(&braze, 1, "asc").await, oldest_first[PAGE_SIZE..]);
    assert_eq!(ids(&braze), oldest_first);

    let id = braze.create_segment("made by the test");
    let response = get(&braze, &format!("/segments/details?segment_id={id}")).await;
    assert_eq!(response.status().as_u16(), 200);
    let details: types::SegmentDetails = response.json().await.unwrap();
    assert_eq!(details.name.as_deref(), Some("made by the test"));
    assert_eq!(page(&braze, 0, "desc").await[0], id);
    assert_eq!(ids(&braze).last(), Some(&id));
    let series = get(&braze, &format!("/segments/data_series?segment_id={id}&length=2")).await;
    assert_eq!(series.status().as_u16(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dataset_reaching_past_now_still_gets_created_segments_last() {
    // 20,000 generated segments, up to three days apart from 2019, reach decades ahead.
    let braze = start(20_000).await;
    let newest = braze.segments().last().unwrap().created_at;
    assert!(newest > chrono::Utc::now(), "the premise: the dataset reaches past now");
    let id = braze.create_segment("after the future");
    let all = braze.segments();
    assert_eq!(all.last().unwrap().id, id);
    assert!(all.windows(2).all(|w| w[0].created_at < w[1].created_at));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_million_segments_are_served_from_first_page_to_last() {
    let braze = start(braze_segments_mock_server::MAX_SEGMENTS).await;
    let dataset = braze.dataset();
    assert_eq!(dataset.len(), 1_000_000);
    let first = page(&braze, 0, "asc").await;
    assert_eq!(first.len(), PAGE_SIZE);
    assert_eq!(first[0], braze_segments_mock_server::EXAMPLE_ID);
    let first_made: Vec<String> = dataset.first(PAGE_SIZE).into_iter().map(|s| s.id).collect();
    assert_eq!(first, first_made, "the first page is the dataset's first hundred");
    let last = page(&braze, 9_999, "asc").await;
    assert_eq!(last.len(), PAGE_SIZE);
    assert!(page(&braze, 10_000, "asc").await.is_empty());
    assert_eq!(page(&braze, 0, "desc").await.last(), last.first());
    // The newest segment answers, its creation still a four-digit year.
    let newest = &last[PAGE_SIZE - 1];
    let response = get(&braze, &format!("/segments/details?segment_id={newest}")).await;
    assert_eq!(response.status().as_u16(), 200);
    let details: types::SegmentDetails = response.json().await.unwrap();
    let created = details.created_at.unwrap();
    assert!(
        created.as_bytes()[..4].iter().all(u8::is_ascii_digit) && created.as_bytes()[4] == b'-',
        "{created}"
    );
    // Archiving deep in the list shifts the last page, as on Braze.
    assert!(braze.archive_segment(&last[0]));
    assert_eq!(page(&braze, 9_999, "asc").await, last[1..]);
    assert_eq!(
        get(&braze, &format!("/segments/details?segment_id={}", last[0]))
            .await
            .status()
            .as_u16(),
        400
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn more_segments_than_the_cap_are_refused_with_the_reason() {
    let err = MockBraze::start(MockConfig {
        segments: braze_segments_mock_server::MAX_SEGMENTS + 1,
        ..MockConfig::default()
    })
    .await
    .unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
    assert_eq!(
        err.to_string(),
        "1000001 segments asked for: the stand-in holds at most 1000000"
    );
}
