//! Waiting for a users export's link to serve the archive, then streaming it to a temporary
//! file. The link is on a storage host, not Braze's API: requests go through the client's
//! HTTP stack (its pool, TLS and proxies) but never through the generated client, so they never
//! carry the key; redirects are followed here, by the same rules as the link itself.

use std::time::{Duration, Instant, SystemTime};

use futures_util::StreamExt as _;
use reqwest::header::{CONTENT_LENGTH, CONTENT_RANGE, LOCATION, RANGE};
use reqwest::{Response, StatusCode};

use crate::Client;
use crate::rate_limit::server_date;
use crate::users::archive_file::{Sink, UsersArchive};
use crate::users::job::redacted;
use crate::users::storage::{Answer, classify, link_expiry};
use crate::users::{DownloadError, DownloadOptions, DownloadProgress, UsersExportJob};

/// The most redirects followed from one request.
const MAX_REDIRECTS: usize = 5;
/// The most times a download broken mid-way is resumed (or restarted).
const MAX_RESUMES: u32 = 3;
/// Polls in a row without any answer (a connection refused, a name that does not resolve, a
/// time-out) before the host is given up as unreachable.
const MAX_UNANSWERED: u32 = 5;
/// The most bytes of a refusal's body read, to classify it.
const ERROR_BODY_BYTES: usize = 8 * 1024;
/// The most of a refused link an error shows, in characters.
const MAX_LINK_CHARS: usize = 300;
/// Progress is reported at most once per this many bytes.
const PROGRESS_STEP: u64 = 256 * 1024;

impl Client {
    /// Waits until the export's link serves the archive (polling with growing, jittered
    /// intervals, up to [`DownloadOptions::max_wait`]), then downloads it to a temporary file,
    /// resuming a broken download up to three times. `progress` hears each wait and the bytes
    /// so far. Drop the future to cancel: the partial file is removed.
    ///
    /// The link's host never receives the API key; a link (or a redirect) that is not
    /// `https://` is refused, except plain `http://` when the Braze endpoint itself is plain
    /// loopback http (the stand-in).
    pub async fn download_users_export(
        &self,
        job: &UsersExportJob,
        options: &DownloadOptions,
        mut progress: impl FnMut(DownloadProgress),
    ) -> Result<UsersArchive, DownloadError> {
        let link = job.download_url().ok_or(DownloadError::OwnBucket)?;
        let link = self.check_link(link, None)?;
        let http = progenitor_client::ClientInfo::client(&self.shared.api);
        let started = Instant::now();
        let (first, longest) = options.get_poll_interval();
        let mut interval = first;
        let mut polls = 0u32;
        // The storage host's clock minus ours, once it said (links expire on its clock).
        let mut skew = Duration::ZERO;
        let mut ahead = true;
        // Polls in a row that got no answer at all, and why the last did not.
        let mut unanswered = 0u32;
        loop {
            if let Some(expiry) = link_expiry(&link) {
                let now = SystemTime::now();
                let their_now = if ahead {
                    now.checked_add(skew)
                } else {
                    now.checked_sub(skew)
                };
                if their_now.is_some_and(|t| t >= expiry) {
                    return Err(DownloadError::Expired {
                        expired_at: super::storage::utc(expiry),
                    });
                }
            }
            polls += 1;
            let fetched = self.fetch(http, &link, 0, options).await;
            if fetched.is_ok() {
                unanswered = 0;
            }
            match fetched {
                Ok((response, Answer::Ready)) => {
                    return self.save(http, &link, response, options, &mut progress).await;
                }
                Ok((response, answer)) => {
                    if let Some(date) = server_date(response.headers()) {
                        let now = SystemTime::now();
                        (skew, ahead) = match date.duration_since(now) {
                            Ok(d) => (d, true),
                            Err(e) => (e.duration(), false),
                        };
                    }
                    match answer {
                        Answer::NotReady | Answer::Transient => {}
                        Answer::Expired => return Err(DownloadError::Expired { expired_at: None }),
                        Answer::Refused { code, message } => {
                            return Err(DownloadError::Refused {
                                status: response.status().as_u16(),
                                code,
                                message,
                            });
                        }
                        // `fetch` answers these itself.
                        Answer::Ready | Answer::Redirect => {}
                    }
                }
                // A connection that failed or timed out: the host may be busy, poll again, but
                // not for hours: a host that never answers is not an export being prepared.
                Err(Fetch::Transient(e)) => {
                    unanswered += 1;
                    tracing::info!(error = %e, unanswered, "polling the export's link failed");
                    if unanswered >= MAX_UNANSWERED {
                        return Err(unreachable(unanswered, e.to_string(), Box::new(e)));
                    }
                }
                Err(Fetch::TimedOut(after)) => {
                    unanswered += 1;
                    tracing::info!(?after, unanswered, "the export's link did not answer");
                    if unanswered >= MAX_UNANSWERED {
                        let reason = format!("no answer within {after:?}");
                        return Err(unreachable(unanswered, reason.clone(), reason.into()));
                    }
                }
                Err(Fetch::Fatal(e)) => return Err(e),
            }
            let waited = started.elapsed();
            // Each wait drawn in the upper half of the interval, so clients spread out.
            let half = interval / 2;
            let wait = half + Duration::from_nanos(fastrand::u64(0..=u64::try_from(half.as_nanos()).unwrap_or(0)));
            if waited.saturating_add(wait) > options.get_max_wait() {
                return Err(DownloadError::NotReady { waited, polls });
            }
            progress(DownloadProgress::Waiting {
                polls,
                waited,
                next_poll: wait,
            });
            tokio::time::sleep(wait).await;
            interval = interval.mul_f64(1.5).min(longest);
        }
    }

    /// The link parsed, if it is one the SDK follows. For a redirect, `requested` is the link
    /// that answered with it (whose secrets a hostile host could put in the redirect's path).
    fn check_link(&self, link: &str, requested: Option<&url::Url>) -> Result<url::Url, DownloadError> {
        let unsafe_link = |link: &str, reason| {
            let redactor = match requested {
                Some(requested) => self.redactor().with_link(requested),
                None => self.redactor(),
            };
            DownloadError::UnsafeLink {
                link: redactor.text(redacted(link), MAX_LINK_CHARS),
                reason,
            }
        };
        let url = url::Url::parse(link.trim()).map_err(|_| unsafe_link(link, "it is not a URL"))?;
        let plain_allowed = self.endpoint().starts_with("http://");
        match url.scheme() {
            "https" => Ok(url),
            "http" if plain_allowed => Ok(url),
            "http" => Err(unsafe_link(url.as_str(), "it is plain http (https is needed)")),
            _ => Err(unsafe_link(url.as_str(), "it is not an http(s) URL")),
        }
    }

    /// One GET of the link from byte `from`, following redirects by the link's rules, and what
    /// the final answer means. A ready answer keeps its body unread; any other has been read
    /// (a bounded start of it) to classify it.
    async fn fetch(
        &self,
        http: &reqwest::Client,
        link: &url::Url,
        from: u64,
        options: &DownloadOptions,
    ) -> Result<(Response, Answer), Fetch> {
        let mut url = link.clone();
        let mut redirected = 0;
        for _ in 0..=MAX_REDIRECTS {
            let mut request = http.get(url.clone());
            if from > 0 {
                request = request.header(RANGE, format!("bytes={from}-"));
            }
            // The time limit bounds the wait for the answer's head only (reqwest's own would also
            // bound the whole body, and a large archive takes longer): the body is bounded by
            // its silences instead.
            let response = match tokio::time::timeout(options.get_request_timeout(), request.send()).await {
                Ok(sent) => sent.map_err(|e| self.transport_failure(e))?,
                Err(_) => return Err(Fetch::TimedOut(options.get_request_timeout())),
            };
            let status = response.status().as_u16();
            if matches!(status, 200 | 206) {
                return Ok((response, Answer::Ready));
            }
            if response.status().is_redirection() {
                let location = response
                    .headers()
                    .get(LOCATION)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| url.join(v).ok());
                let Some(next) = location else {
                    return Err(Fetch::Fatal(DownloadError::Refused {
                        status,
                        code: None,
                        message: "a redirect without a usable Location".to_owned(),
                    }));
                };
                url = self.check_link(next.as_str(), Some(&url)).map_err(Fetch::Fatal)?;
                redirected = status;
                continue;
            }
            let mut response = response;
            let mut start = Vec::new();
            while start.len() < ERROR_BODY_BYTES {
                match tokio::time::timeout(options.get_request_timeout(), response.chunk()).await {
                    Ok(Ok(Some(chunk))) => start.extend_from_slice(&chunk[..chunk.len().min(ERROR_BODY_BYTES)]),
                    _ => break,
                }
            }
            // The host may echo the link it was asked for (its signature too) in its refusal.
            let answer = classify(status, &start, &self.redactor().with_link(link).with_link(&url));
            return Ok((response, answer));
        }
        Err(Fetch::Fatal(DownloadError::Refused {
            status: redirected,
            code: None,
            message: format!("it redirected more than {MAX_REDIRECTS} times (a redirect loop?)"),
        }))
    }

    /// A failed request: a certificate error is final, anything else worth another try.
    fn transport_failure(&self, error: reqwest::Error) -> Fetch {
        if let Some(tls) = crate::tls::certificate_problem(&error) {
            return Fetch::Fatal(DownloadError::Transport {
                // It names what the host's certificate says: the host's text too.
                message: self.redactor().text(tls, crate::error::MAX_TEXT_CHARS),
                source: Box::new(error.without_url()),
            });
        }
        Fetch::Transient(error.without_url())
    }

    /// Streams a ready answer to a temporary file; a download broken mid-way is resumed with
    /// a `Range` from the bytes already written (or restarted when the host ignores it).
    async fn save(
        &self,
        http: &reqwest::Client,
        link: &url::Url,
        mut response: Response,
        options: &DownloadOptions,
        progress: &mut impl FnMut(DownloadProgress),
    ) -> Result<UsersArchive, DownloadError> {
        let mut sink = Sink::create(options.get_temp_dir()).await?;
        let limit = options.get_max_archive_bytes();
        let mut resumes = 0u32;
        loop {
            let from = sink.len();
            if response.status() == StatusCode::PARTIAL_CONTENT {
                if !range_starts_at(&response, from) {
                    return Err(DownloadError::Refused {
                        status: 206,
                        code: None,
                        message: format!("a partial answer that does not start at byte {from}"),
                    });
                }
            } else if from > 0 {
                // The host sent the whole file again: start over.
                sink.restart().await?;
            }
            let length = response
                .headers()
                .get(CONTENT_LENGTH)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok());
            let total = length.map(|l| l.saturating_add(sink.len()));
            if total.is_some_and(|t| t > limit) {
                return Err(DownloadError::TooLarge { limit });
            }
            let mut reported = sink.len();
            let mut body = response.bytes_stream();
            let broken = loop {
                match tokio::time::timeout(options.get_request_timeout(), body.next()).await {
                    Ok(Some(Ok(chunk))) => {
                        if sink.len().saturating_add(chunk.len() as u64) > limit {
                            return Err(DownloadError::TooLarge { limit });
                        }
                        sink.write(&chunk).await?;
                        if sink.len() - reported >= PROGRESS_STEP {
                            reported = sink.len();
                            progress(DownloadProgress::Downloading { bytes: reported, total });
                        }
                    }
                    Ok(None) => break None,
                    Ok(Some(Err(e))) => break Some(e.without_url().to_string()),
                    Err(_) => break Some(format!("no data for {:?}", options.get_request_timeout())),
                }
            };
            let Some(reason) = broken else {
                progress(DownloadProgress::Downloading {
                    bytes: sink.len(),
                    total,
                });
                return sink.finish().await;
            };
            resumes += 1;
            if resumes > MAX_RESUMES {
                return Err(DownloadError::Transport {
                    message: format!("the download broke {resumes} times, last: {reason}"),
                    source: reason.into(),
                });
            }
            tracing::info!(bytes = sink.len(), reason = %reason, "the download broke; resuming");
            response = loop {
                match self.fetch(http, link, sink.len(), options).await {
                    Ok((response, Answer::Ready)) => break response,
                    Ok((response, Answer::Expired)) => {
                        let _ = response;
                        return Err(DownloadError::Expired { expired_at: None });
                    }
                    Ok((response, Answer::Refused { code, message })) => {
                        return Err(DownloadError::Refused {
                            status: response.status().as_u16(),
                            code,
                            message,
                        });
                    }
                    Err(Fetch::Fatal(e)) => return Err(e),
                    Ok(_) | Err(Fetch::Transient(_) | Fetch::TimedOut(_)) => {
                        resumes += 1;
                        if resumes > MAX_RESUMES {
                            return Err(DownloadError::Transport {
                                message: format!("the download broke and could not be resumed: {reason}"),
                                source: reason.into(),
                            });
                        }
                        tokio::time::sleep(Duration::from_secs(1)).await;
                    }
                }
            };
        }
    }
}

/// The storage host did not answer `times` polls in a row.
fn unreachable(times: u32, reason: String, source: Box<dyn std::error::Error + Send + Sync>) -> DownloadError {
    DownloadError::Transport {
        message: format!("the storage host did not answer {times} polls in a row (last: {reason})"),
        source,
    }
}

/// True when a 206's `Content-Range` starts at `from` (`bytes from-end/size`).
fn range_starts_at(response: &Response, from: u64) -> bool {
    response
        .headers()
        .get(CONTENT_RANGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().strip_prefix("bytes "))
        .and_then(|v| v.split('-').next())
        .and_then(|v| v.trim().parse::<u64>().ok())
        == Some(from)
}

/// How one fetch failed.
enum Fetch {
    /// Worth another try: a connection failed.
    Transient(reqwest::Error),
    /// Worth another try: no answer within the time limit.
    TimedOut(Duration),
    /// Final.
    Fatal(DownloadError),
}
