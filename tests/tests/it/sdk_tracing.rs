//! Which spans the SDK makes, under the filters users write: a span made only when something
//! listens must still be made when a filter names it alone.

use std::sync::{Arc, Mutex};

use braze_segments_httpmock::MockServerExt;
use braze_segments_tests::{client, full_details_json, SEGMENT_ID};
use httpmock::MockServer;
use tracing::span::{Attributes, Id, Record};
use tracing::subscriber::Interest;
use tracing::{Event, Metadata, Subscriber};

/// Enables only the spans named `name` (what `EnvFilter` does with `[name]=debug`: its level
/// hint becomes debug, and nothing else is enabled), and records the names of the spans made.
struct OnlySpan {
    name: &'static str,
    made: Arc<Mutex<Vec<String>>>,
}

impl Subscriber for OnlySpan {
    fn register_callsite(&self, meta: &'static Metadata<'static>) -> Interest {
        if self.enabled(meta) {
            Interest::always()
        } else {
            Interest::never()
        }
    }
    fn enabled(&self, meta: &Metadata<'_>) -> bool {
        meta.is_span() && meta.name() == self.name
    }
    fn max_level_hint(&self) -> Option<tracing::level_filters::LevelFilter> {
        Some(tracing::level_filters::LevelFilter::DEBUG)
    }
    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let mut made = self.made.lock().unwrap();
        made.push(span.metadata().name().to_owned());
        Id::from_u64(made.len() as u64)
    }
    fn record(&self, _: &Id, _: &Record<'_>) {}
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, _: &Event<'_>) {}
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

#[tokio::test(flavor = "current_thread")]
async fn a_filter_naming_the_attempt_span_alone_gets_it() {
    let server = MockServer::start_async().await;
    let details: braze_segments_api::types::SegmentDetails = serde_json::from_value(full_details_json()).unwrap();
    server.get_segment_details(|when, then| {
        when.segment_id(&SEGMENT_ID.parse().unwrap());
        then.ok(&details);
    });
    let sdk = client(&server);
    let made = Arc::new(Mutex::new(Vec::new()));
    let _default = tracing::subscriber::set_default(OnlySpan {
        name: "braze.attempt",
        made: made.clone(),
    });
    sdk.segment_details(SEGMENT_ID).await.unwrap();
    assert_eq!(
        *made.lock().unwrap(),
        ["braze.attempt"],
        "the attempt's span, and not the call's"
    );
}
