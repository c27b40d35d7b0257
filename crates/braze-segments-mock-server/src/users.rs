//! Users exports: `POST /users/export/segment` and `POST /export/segment/cancel`, for a request
//! already authenticated and within budget, and the storage host that serves the archives.
//!
//! A body is read up to 64 KiB, within [`crate::MockConfig::header_read_timeout`], and checked
//! as Braze checks it; anything else gets 400 with Braze's `{"message": …}`.

use std::time::Duration;

use braze_segments_api::types;
use http_body_util::{BodyExt as _, Limited};
use hyper::body::Incoming;
use hyper::StatusCode;
use serde_json::{Map, Value};

use crate::reply::{self, json, Reply};
use crate::State;

mod archive;
mod fields;
mod jobs;
mod json;
mod log;
mod people;
pub(crate) mod storage;

pub use archive::ServedArchive;
pub use jobs::MAX_USERS_PER_SEGMENT;
pub use log::StorageRequest;

/// The largest body read.
const MAX_BODY: usize = 64 * 1024;

/// The users exports' state.
pub(crate) struct Users {
    pub(crate) jobs: jobs::Jobs,
    cache: archive::Cache,
    pub(crate) log: log::Log,
    /// The storage host's origin, e.g. `http://127.0.0.1:40123`.
    storage_url: String,
}

impl Users {
    pub(crate) fn new(config: &crate::MockConfig, storage_url: String) -> Users {
        Users {
            jobs: jobs::Jobs::new(config),
            cache: archive::Cache::default(),
            log: log::Log::default(),
            storage_url,
        }
    }

    pub(crate) fn storage_url(&self) -> &str {
        &self.storage_url
    }
}

const UNKNOWN_SEGMENT: &str = "segment_id must be a string of the Segment api identifier";
const BAD_FIELDS: &str = "fields_to_export must be a non-empty array of strings";

/// `POST /users/export/segment`.
pub(crate) async fn export(state: &State, body: Incoming) -> Reply {
    let object = match read_object(body, state.config.header_read_timeout).await {
        Ok(object) => object,
        Err(message) => return bad(&message),
    };
    let Some(segment_id) = segment_id(state, &object) else {
        return bad(UNKNOWN_SEGMENT);
    };
    let fields = match object.get("fields_to_export") {
        Some(Value::Array(names)) if !names.is_empty() => names,
        _ => return bad(BAD_FIELDS),
    };
    let Some(fields) = fields.iter().map(Value::as_str).collect::<Option<Vec<&str>>>() else {
        return bad(BAD_FIELDS);
    };
    if fields.iter().any(|name| name.trim().is_empty()) {
        return bad("fields_to_export must not hold a blank field name");
    }
    match object.get("callback_endpoint") {
        None | Some(Value::Null) => {}
        Some(Value::String(callback)) if is_https(callback) => {}
        Some(_) => return bad("callback_endpoint must be an https URL"),
    }
    match object.get("output_format") {
        None | Some(Value::Null) => {}
        Some(Value::String(format)) if format == "zip" || format == "gzip" => {
            if !state.config.own_bucket {
                return bad("output_format is only accepted when the workspace has its own storage bucket");
            }
        }
        Some(_) => return bad("output_format must be zip or gzip"),
    }
    // What is left to refuse (a field the spec does not know, a null where a value must be).
    if let Err(e) = serde_json::from_value::<types::UsersExportSegmentRequest>(Value::Object(object.clone())) {
        return bad(&format!("Invalid request body: {e}"));
    }
    if state.dataset.read().get(segment_id).is_none() {
        return bad(UNKNOWN_SEGMENT);
    }
    let started = match state.users.jobs.start(&state.config, segment_id, &fields) {
        Ok(started) => started,
        // As other clients recorded it: a 429, although no rate limit is spent.
        Err(jobs::Refused::Busy) => {
            return reply::error(
                StatusCode::TOO_MANY_REQUESTS,
                "An export is already in progress for this segment. Wait for it to complete before trying again.",
            )
        }
        Err(jobs::Refused::TooMany) => {
            return bad(&format!(
                "{} segment exports are already in progress. Wait for one to complete before trying again.",
                jobs::MAX_RUNNING
            ))
        }
    };
    json(
        StatusCode::CREATED,
        &types::UsersExportSegmentResponse {
            message: "success".into(),
            object_prefix: Some(started.prefix),
            url: started
                .path_and_query
                .map(|pq| format!("{}{pq}", state.users.storage_url)),
            extra: Default::default(),
        },
    )
}

/// `POST /export/segment/cancel`.
pub(crate) async fn cancel(state: &State, body: Incoming) -> Reply {
    let object = match read_object(body, state.config.header_read_timeout).await {
        Ok(object) => object,
        Err(message) => return bad(&message),
    };
    let Some(segment_id) = segment_id(state, &object) else {
        return bad(UNKNOWN_SEGMENT);
    };
    if let Err(e) = serde_json::from_value::<types::ExportSegmentCancelRequest>(Value::Object(object.clone())) {
        return bad(&format!("Invalid request body: {e}"));
    }
    if !state.dataset.read().is_known(segment_id) {
        return bad(UNKNOWN_SEGMENT);
    }
    if !state.users.jobs.cancel(&state.config, segment_id) {
        return bad("No export in progress for this segment.");
    }
    json(
        StatusCode::OK,
        &types::ExportSegmentCancelResponse {
            message: "success".into(),
            extra: Default::default(),
        },
    )
}

fn bad(message: &str) -> Reply {
    reply::error(StatusCode::BAD_REQUEST, message)
}

/// The body as a JSON object, or what the 400 says.
async fn read_object(body: Incoming, timeout: Duration) -> Result<Map<String, Value>, String> {
    let bytes = match tokio::time::timeout(timeout, Limited::new(body, MAX_BODY).collect()).await {
        Err(_) => return Err("The request body did not arrive in time".into()),
        Ok(Err(e)) if e.is::<http_body_util::LengthLimitError>() => {
            return Err(format!("The request body is larger than {MAX_BODY} bytes"))
        }
        Ok(Err(_)) => return Err("The request body could not be read".into()),
        Ok(Ok(collected)) => collected.to_bytes(),
    };
    match serde_json::from_slice::<Value>(&bytes) {
        Ok(Value::Object(object)) => Ok(object),
        Ok(_) => Err("The request body must be a JSON object".into()),
        Err(_) => Err("The request body is not valid JSON".into()),
    }
}

/// The body's `segment_id` (a non-blank string), counted when the dataset holds or held it.
fn segment_id<'a>(state: &State, object: &'a Map<String, Value>) -> Option<&'a str> {
    match object.get("segment_id") {
        Some(Value::String(id)) if !id.trim().is_empty() => {
            if state.dataset.read().is_known(id) {
                state.counters.count_known_segment(id);
            }
            Some(id)
        }
        _ => None,
    }
}

/// Whether `text` is an absolute `https://` URL with a host.
fn is_https(text: &str) -> bool {
    url::Url::parse(text).is_ok_and(|url| url.scheme() == "https" && url.host().is_some())
}
