//! `segment_details` calls per second: the SDK with its default configuration and a plain
//! reqwest + serde baseline, in alternating rounds against the same server.

use std::time::Instant;

use braze_segments::Client;
use futures::StreamExt as _;

use crate::Args;

#[derive(Debug, serde::Deserialize)]
#[allow(dead_code)]
pub(crate) struct PlainDetails {
    message: String,
    name: Option<String>,
    description: Option<String>,
    text_description: Option<String>,
    tags: Option<Vec<Option<String>>>,
    teams: Option<Vec<String>>,
    created_at: Option<chrono::DateTime<chrono::Utc>>,
    updated_at: Option<chrono::DateTime<chrono::Utc>>,
}

pub(crate) struct Target {
    pub url: String,
    pub key: String,
    pub ids: Vec<String>,
}

pub(crate) fn calls_per_second(rt: &tokio::runtime::Runtime, args: &Args, target: &Target) -> (Vec<f64>, Vec<f64>) {
    let sdk = {
        let _guard = rt.enter();
        Client::builder()
            .api_key(target.key.clone())
            .endpoint(target.url.clone())
            .build()
            .unwrap()
    };
    let plain = reqwest::Client::new();
    let details_url = format!("{}/segments/details", target.url);
    let (concurrency, ids, key) = (
        args.concurrency,
        std::sync::Arc::new(target.ids.clone()),
        target.key.clone(),
    );
    let sdk_round = |n: usize| {
        let (sdk, ids) = (sdk.clone(), ids.clone());
        rt.block_on(rt.spawn(async move {
            let started = Instant::now();
            futures::stream::iter(0..n)
                .map(|i| {
                    let (sdk, ids) = (sdk.clone(), ids.clone());
                    async move { sdk.segment_details(&ids[i % ids.len()]).await.expect("sdk call") }
                })
                .buffer_unordered(concurrency)
                .for_each(|_| async {})
                .await;
            n as f64 / started.elapsed().as_secs_f64()
        }))
        .unwrap()
    };
    let plain_round = |n: usize| {
        let (plain, ids, url, key) = (plain.clone(), ids.clone(), details_url.clone(), key.clone());
        rt.block_on(rt.spawn(async move {
            let started = Instant::now();
            futures::stream::iter(0..n)
                .map(|i| {
                    let (plain, ids, url, key) = (plain.clone(), ids.clone(), url.clone(), key.clone());
                    async move {
                        plain
                            .get(url)
                            .query(&[("segment_id", &ids[i % ids.len()])])
                            .bearer_auth(key)
                            .send()
                            .await
                            .and_then(reqwest::Response::error_for_status)
                            .expect("plain call")
                            .json::<PlainDetails>()
                            .await
                            .expect("plain decode")
                    }
                })
                .buffer_unordered(concurrency)
                .for_each(|_| async {})
                .await;
            n as f64 / started.elapsed().as_secs_f64()
        }))
        .unwrap()
    };
    // Warm both connection pools and code paths first.
    sdk_round(args.requests / 10 + 1);
    plain_round(args.requests / 10 + 1);
    let (mut s, mut p) = (Vec::new(), Vec::new());
    for round in 0..args.rounds {
        // Alternate which goes first, so neither always follows the other.
        if round.is_multiple_of(2) {
            s.push(sdk_round(args.requests));
            p.push(plain_round(args.requests));
        } else {
            p.push(plain_round(args.requests));
            s.push(sdk_round(args.requests));
        }
        println!("  round {}: sdk {:.0}/s, plain {:.0}/s", round + 1, s[round], p[round]);
    }
    (s, p)
}

pub(crate) fn median(values: &[f64]) -> f64 {
    if values.is_empty() {
        return f64::NAN; // not measured (null in the results)
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mid = sorted.len() / 2;
    if sorted.len().is_multiple_of(2) {
        (sorted[mid - 1] + sorted[mid]) / 2.0
    } else {
        sorted[mid]
    }
}
