//! What a users export is: the request that starts one ([`UsersExport`]) and the started job
//! ([`UsersExportJob`]). Starting and cancelling it are in [`super::start`].

use std::fmt;

use braze_segments_api::types as api;

use crate::Error;
use crate::users::ArchiveFormat;

/// What to export of a segment's users: the request of
/// [`Client::start_users_export`](crate::Client::start_users_export). Checked before any request is sent.
///
/// ```
/// use braze_segments::UsersExport;
/// let export = UsersExport::new("6d68ea15-26c4-4109-835a-65b81773a5e2", ["external_id", "email"]);
/// assert_eq!(export.fields(), ["external_id", "email"]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsersExport {
    segment_id: String,
    fields: Vec<String>,
    callback_endpoint: Option<String>,
    output_format: Option<ArchiveFormat>,
}

impl UsersExport {
    /// The users of `segment_id`, with `fields` (Braze's field names: `external_id`, `email`,
    /// `custom_attributes`, ...). At least one field is needed.
    pub fn new(segment_id: impl Into<String>, fields: impl IntoIterator<Item = impl Into<String>>) -> Self {
        Self {
            segment_id: segment_id.into(),
            fields: fields.into_iter().map(Into::into).collect(),
            callback_endpoint: None,
            output_format: None,
        }
    }

    /// An `https://` URL Braze posts to when the export is ready.
    pub fn callback_endpoint(mut self, url: impl Into<String>) -> Self {
        self.callback_endpoint = Some(url.into());
        self
    }

    /// The archive Braze writes (only with the workspace's own bucket; `zip` by default).
    pub fn output_format(mut self, format: ArchiveFormat) -> Self {
        self.output_format = Some(format);
        self
    }

    /// The segment.
    pub fn segment_id(&self) -> &str {
        &self.segment_id
    }

    /// The fields asked for.
    pub fn fields(&self) -> &[String] {
        &self.fields
    }

    /// What a start would refuse before sending anything (the segment id, the fields, the
    /// callback), checked now.
    pub fn check(&self) -> Result<(), Error> {
        self.body().map(drop)
    }

    /// The request body, or what is wrong with it.
    pub(super) fn body(&self) -> Result<api::UsersExportSegmentRequest, Error> {
        let segment_id = crate::operations::check_segment_id(&self.segment_id)?;
        if self.fields.is_empty() {
            return Err(Error::invalid("fields_to_export", "is empty: name at least one field"));
        }
        let mut fields = Vec::with_capacity(self.fields.len());
        for (i, field) in self.fields.iter().enumerate() {
            let trimmed = field.trim();
            if trimmed.is_empty() {
                return Err(Error::invalid("fields_to_export", format!("field {} is blank", i + 1)));
            }
            if trimmed.len() > 256 || trimmed.chars().any(char::is_control) {
                return Err(Error::invalid(
                    "fields_to_export",
                    format!(
                        "field {} is not a field name (control characters, or longer than 256 bytes)",
                        i + 1
                    ),
                ));
            }
            fields.push(
                api::UsersExportSegmentRequestFieldsToExportItem::try_from(trimmed.to_owned())
                    .map_err(|e| Error::invalid("fields_to_export", format!("field {}: {e}", i + 1)))?,
            );
        }
        let callback_endpoint = self.callback_endpoint.as_deref().map(check_callback).transpose()?;
        Ok(api::UsersExportSegmentRequest {
            segment_id: segment_id
                .to_owned()
                .try_into()
                .map_err(|e| Error::invalid("segment_id", format!("{e}")))?,
            fields_to_export: fields,
            callback_endpoint,
            output_format: self.output_format.map(api::UsersExportOutputFormat::from),
        })
    }
}

impl From<ArchiveFormat> for api::UsersExportOutputFormat {
    fn from(format: ArchiveFormat) -> Self {
        match format {
            ArchiveFormat::Zip => api::UsersExportOutputFormat::Zip,
            ArchiveFormat::Gzip => api::UsersExportOutputFormat::Gzip,
        }
    }
}

/// A callback must be an absolute `https://` URL with a host (Braze posts the download link to
/// it). Its text is not echoed: it may carry a token.
fn check_callback(url: &str) -> Result<String, Error> {
    let parsed = url::Url::parse(url.trim())
        .map_err(|_| Error::invalid("callback_endpoint", "is not a URL (an https:// URL is needed)"))?;
    if parsed.scheme() != "https" || parsed.host_str().is_none_or(str::is_empty) {
        return Err(Error::invalid(
            "callback_endpoint",
            "must be an https:// URL with a host",
        ));
    }
    Ok(parsed.into())
}

/// A started users export: where its files go.
///
/// It serializes (serde) so that a service can keep it — in a database, a queue, a file — and
/// download the export later, from another process: `{"segment_id", "object_prefix", "url",
/// "started_at"}`. The serialized value holds the link, a secret while it lives (anyone with it
/// can download the users): store it as you would the API key. `Debug` leaves it out.
///
/// ```
/// use braze_segments::UsersExportJob;
///
/// let job = UsersExportJob::from_parts("seg-1", Some("p".into()), Some("https://bucket.example.com/p.zip?X-Amz-Signature=s".into()));
/// let kept = serde_json::to_string(&job).unwrap();
/// let back: UsersExportJob = serde_json::from_str(&kept).unwrap();
/// assert_eq!(back, job);
/// assert!(!format!("{back:?}").contains("X-Amz-Signature"));
/// ```
#[derive(Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct UsersExportJob {
    segment_id: String,
    #[serde(default)]
    object_prefix: Option<String>,
    #[serde(default, rename = "url")]
    download: Option<String>,
    #[serde(default)]
    started_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl UsersExportJob {
    /// The job of an export started elsewhere (for example by another process that saved the
    /// link), to download with [`Client::download_users_export`](crate::Client::download_users_export).
    pub fn from_parts(segment_id: impl Into<String>, object_prefix: Option<String>, url: Option<String>) -> Self {
        Self {
            segment_id: segment_id.into(),
            object_prefix,
            download: url,
            started_at: None,
        }
    }

    /// The job with the time its export was started (Braze's answer came).
    pub fn with_started_at(mut self, at: chrono::DateTime<chrono::Utc>) -> Self {
        self.started_at = Some(at);
        self
    }

    /// The job Braze's answer describes (a blank prefix or link is none). Public for `cargo
    /// xtask check`, which runs the spec's examples through it.
    #[doc(hidden)]
    pub fn from_response(segment_id: &str, response: api::UsersExportSegmentResponse) -> Self {
        Self {
            segment_id: segment_id.to_owned(),
            object_prefix: response.object_prefix.filter(|p| !p.trim().is_empty()),
            download: response.url.filter(|u| !u.trim().is_empty()),
            started_at: Some(chrono::Utc::now()),
        }
    }

    /// The segment exported.
    pub fn segment_id(&self) -> &str {
        &self.segment_id
    }

    /// The prefix of the export's files, as Braze named it.
    pub fn object_prefix(&self) -> Option<&str> {
        self.object_prefix.as_deref()
    }

    /// The pre-signed link to the archive, or `None` when the files go to the workspace's own
    /// storage bucket. Anyone holding the link can download the users until it expires: it is
    /// kept out of this type's `Debug` and out of every error and log.
    pub fn download_url(&self) -> Option<&str> {
        self.download.as_deref()
    }

    /// True when Braze writes the files to the workspace's own bucket (no link to download).
    pub fn goes_to_own_bucket(&self) -> bool {
        self.download.is_none()
    }

    /// When the export was started (Braze's answer came), when known: set by
    /// [`Client::start_users_export`](crate::Client::start_users_export) and
    /// [`with_started_at`](Self::with_started_at).
    pub fn started_at(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.started_at
    }

    /// When the link stops working, as the link itself says (the expiry of an S3, GCS or Azure
    /// pre-signed link), on the storage host's clock; `None` when it says nothing, or there is
    /// no link. A download refuses an expired link; check this before waiting on an old job.
    pub fn link_expires_at(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        let url = url::Url::parse(self.download.as_deref()?.trim()).ok()?;
        super::storage::link_expiry(&url).and_then(super::storage::utc)
    }
}

impl fmt::Debug for UsersExportJob {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UsersExportJob")
            .field("segment_id", &self.segment_id)
            .field("object_prefix", &self.object_prefix)
            .field("download", &self.download.as_deref().map(redacted))
            .field("started_at", &self.started_at)
            .finish()
    }
}

/// A link without its query (the signature) or user info: what may be shown of it.
pub(crate) fn redacted(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(parsed) => {
            let query = if parsed.query().is_some() { "?…" } else { "" };
            format!("{}{}{query}", parsed.origin().ascii_serialization(), parsed.path())
        }
        Err(_) => "(not a URL)".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn invalid_field(export: &UsersExport) -> &'static str {
        match export.body() {
            Err(Error::InvalidInput { field, .. }) => field,
            other => panic!("expected InvalidInput, got {other:?}"),
        }
    }

    #[test]
    fn bad_requests_are_refused_before_sending() {
        let empty: [&str; 0] = [];
        assert_eq!(invalid_field(&UsersExport::new("", ["email"])), "segment_id");
        assert_eq!(invalid_field(&UsersExport::new("  ", ["email"])), "segment_id");
        assert_eq!(invalid_field(&UsersExport::new("seg", empty)), "fields_to_export");
        assert_eq!(
            invalid_field(&UsersExport::new("seg", ["email", " "])),
            "fields_to_export"
        );
        assert_eq!(invalid_field(&UsersExport::new("seg", ["a\nb"])), "fields_to_export");
        for callback in [
            "http://example.com/cb",
            "example.com",
            "https://",
            "ftp://x.com",
            "file:///etc",
        ] {
            let export = UsersExport::new("seg", ["email"]).callback_endpoint(callback);
            assert_eq!(invalid_field(&export), "callback_endpoint", "{callback}");
        }
    }

    #[test]
    fn a_good_request_becomes_the_body_braze_reads() {
        let export = UsersExport::new("seg", [" email ", "custom_attributes"])
            .callback_endpoint("https://example.com/done?token=t")
            .output_format(ArchiveFormat::Gzip);
        let body = serde_json::to_value(export.body().unwrap()).unwrap();
        assert_eq!(
            body,
            serde_json::json!({
                "segment_id": "seg",
                "fields_to_export": ["email", "custom_attributes"],
                "callback_endpoint": "https://example.com/done?token=t",
                "output_format": "gzip",
            })
        );
    }

    #[test]
    fn a_kept_job_says_when_it_started_and_when_its_link_ends() {
        let at = chrono::DateTime::parse_from_rfc3339("2024-07-25T13:50:47Z")
            .unwrap()
            .to_utc();
        let link = "https://b.s3.amazonaws.com/p.zip?X-Amz-Date=20240725T135047Z&X-Amz-Expires=14400&X-Amz-Signature=s";
        let job = UsersExportJob::from_parts("seg", None, Some(link.into())).with_started_at(at);
        let kept: UsersExportJob = serde_json::from_str(&serde_json::to_string(&job).unwrap()).unwrap();
        assert_eq!(kept.started_at(), Some(at));
        assert_eq!(kept.link_expires_at(), Some(at + chrono::Duration::hours(4)));
        assert_eq!(UsersExportJob::from_parts("seg", None, None).link_expires_at(), None);
        // Expiries beyond what a date-time holds are no expiry, not a panic.
        for far in [
            "Expires=99999999999999",
            "X-Amz-Date=20240725T135047Z&X-Amz-Expires=9999999999999",
        ] {
            let job = UsersExportJob::from_parts("seg", None, Some(format!("https://b.example.com/p.zip?{far}")));
            assert_eq!(job.link_expires_at(), None, "{far}");
        }
        let bare: UsersExportJob = serde_json::from_str(r#"{"segment_id":"seg"}"#).unwrap();
        assert!(bare.goes_to_own_bucket() && bare.started_at().is_none());
        assert!(
            serde_json::from_str::<UsersExportJob>(r#"{"url":"https://x"}"#).is_err(),
            "no segment"
        );
    }

    #[test]
    fn the_link_is_kept_out_of_debug() {
        let job = UsersExportJob::from_parts(
            "seg",
            Some("p".into()),
            Some("https://u:pw@bucket.example.com/p.zip?X-Amz-Signature=secret".into()),
        );
        let debug = format!("{job:?}");
        assert!(!debug.contains("secret") && !debug.contains("pw"), "{debug}");
        assert!(debug.contains("https://bucket.example.com/p.zip?…"), "{debug}");
        assert_eq!(redacted("not a url"), "(not a URL)");
    }
}
