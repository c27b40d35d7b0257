//! Helpers of the stand-in's users export tests: plain reqwest over loopback, never the SDK.

#![allow(dead_code)]

use std::io::{BufRead as _, Cursor, Read as _};

use braze_segments_mock_server::{MockBraze, MockConfig};
use serde_json::{json, Map, Value};

pub const EXPORT: &str = "/users/export/segment";
pub const CANCEL: &str = "/export/segment/cancel";

/// A stand-in and a plain HTTP client.
pub struct StandIn {
    pub braze: MockBraze,
    pub http: reqwest::Client,
}

/// An answer: status, content type, body.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub content_type: String,
    pub headers: reqwest::header::HeaderMap,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.text()))
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The `<Code>` of an S3 XML error.
    pub fn s3_code(&self) -> String {
        assert_eq!(self.content_type, "application/xml", "{}", self.text());
        let text = self.text();
        let start = text.find("<Code>").expect("a Code") + 6;
        text[start..start + text[start..].find("</Code>").unwrap()].to_owned()
    }
}

impl StandIn {
    pub async fn start(config: MockConfig) -> StandIn {
        StandIn {
            braze: MockBraze::start(config).await.unwrap(),
            http: reqwest::Client::new(),
        }
    }

    /// The first listed segment's id.
    pub fn segment(&self, n: usize) -> String {
        self.braze.segments()[n].id.clone()
    }

    /// POSTs `body` (sent as is) to Braze's `path` with the key.
    pub async fn post_raw(&self, path: &str, body: impl Into<reqwest::Body>) -> Answer {
        let request = self
            .http
            .post(format!("{}{path}", self.braze.url()))
            .bearer_auth(self.braze.api_key())
            .header("content-type", "application/json")
            .body(body);
        answer(request).await
    }

    pub async fn post(&self, path: &str, body: &Value) -> Answer {
        self.post_raw(path, body.to_string()).await
    }

    /// Starts an export of `segment` with `fields`; asserts it started.
    pub async fn export(&self, segment: &str, fields: &[&str]) -> Value {
        let answer = self
            .post(EXPORT, &json!({"segment_id": segment, "fields_to_export": fields}))
            .await;
        assert_eq!(answer.status, 201, "{}", answer.text());
        answer.json()
    }

    /// The URL of an export started with [`StandIn::export`].
    pub async fn export_url(&self, segment: &str, fields: &[&str]) -> String {
        let started = self.export(segment, fields).await;
        started["url"].as_str().expect("a url").to_owned()
    }

    pub async fn get(&self, url: &str) -> Answer {
        answer(self.http.get(url)).await
    }
}

pub async fn answer(request: reqwest::RequestBuilder) -> Answer {
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let content_type = headers
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let body = response.bytes().await.unwrap().to_vec();
    Answer {
        status,
        content_type,
        headers,
        body,
    }
}

/// The members of a ZIP archive in order: name and users (each line a JSON object).
pub fn members(zip_bytes: &[u8]) -> Vec<(String, Vec<Map<String, Value>>)> {
    let mut archive = zip::ZipArchive::new(Cursor::new(zip_bytes)).unwrap();
    (0..archive.len())
        .map(|n| {
            let mut member = archive.by_index(n).unwrap();
            let mut text = Vec::new();
            member.read_to_end(&mut text).unwrap();
            (member.name().to_owned(), users(&text))
        })
        .collect()
}

/// Newline-delimited JSON objects.
pub fn users(text: &[u8]) -> Vec<Map<String, Value>> {
    text.lines()
        .map(|line| match serde_json::from_str(&line.unwrap()).unwrap() {
            Value::Object(user) => user,
            other => panic!("a line that is not an object: {other}"),
        })
        .collect()
}
