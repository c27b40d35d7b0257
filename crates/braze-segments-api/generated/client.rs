// generated from openapi/braze-segments.yaml by `cargo xtask generate`; do not edit.
// Change the spec (or the settings in crates/braze-segments-codegen), then regenerate.

#[allow(unused_imports)]
pub use progenitor_client::{ByteStream, ClientInfo, Error, ResponseValue};
#[allow(unused_imports)]
use progenitor_client::{encode_path, ClientHooks, OperationInfo, RequestBuilderExt};
/// Types used as operation parameters and responses.
#[allow(clippy::all)]
pub mod types {
    ///Braze's error body. `message` says what went wrong; `errors` sometimes adds details.
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    #[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
    pub struct BrazeError {
        ///Further details, each a string or an object.
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        pub errors: ::std::option::Option<::std::vec::Vec<BrazeErrorDetail>>,
        ///The fatal error.
        pub message: ::std::string::String,
        #[serde(flatten)]
        pub extra: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
    }
    impl BrazeError {
        pub fn builder() -> builder::BrazeError {
            Default::default()
        }
    }
    ///One detail of an error, a string or an object.
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    #[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
    #[serde(untagged)]
    pub enum BrazeErrorDetail {
        String(::std::string::String),
        Object(::serde_json::Map<::std::string::String, ::serde_json::Value>),
    }
    impl ::std::convert::From<
        ::serde_json::Map<::std::string::String, ::serde_json::Value>,
    > for BrazeErrorDetail {
        fn from(
            value: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
        ) -> Self {
            Self::Object(value)
        }
    }
    ///The segment's estimated size on one day.
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    #[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
    pub struct DataPoint {
        ///The estimated number of users in the segment on that day.
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        pub size: ::std::option::Option<i64>,
        ///The day, as Braze formats it ("ISO 8601", a date or a date-time; not guaranteed strict).
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        pub time: ::std::option::Option<::std::string::String>,
        #[serde(flatten)]
        pub extra: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
    }
    impl DataPoint {
        pub fn builder() -> builder::DataPoint {
            Default::default()
        }
    }
    ///The segment whose users export to cancel.
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    #[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
    #[serde(deny_unknown_fields)]
    pub struct ExportSegmentCancelRequest {
        ///The segment's API identifier.
        pub segment_id: ExportSegmentCancelRequestSegmentId,
    }
    impl ExportSegmentCancelRequest {
        pub fn builder() -> builder::ExportSegmentCancelRequest {
            Default::default()
        }
    }
    ///The segment's API identifier.
    #[derive(::serde::Serialize, Clone, Debug, Eq, Hash, Ord, PartialEq, PartialOrd)]
    #[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
    #[serde(transparent)]
    pub struct ExportSegmentCancelRequestSegmentId(::std::string::String);
    impl ::std::ops::Deref for ExportSegmentCancelRequestSegmentId {
        type Target = ::std::string::String;
        fn deref(&self) -> &::std::string::String {
            &self.0
        }
    }
    impl ::std::convert::From<ExportSegmentCancelRequestSegmentId>
    for ::std::string::String {
        fn from(value: ExportSegmentCancelRequestSegmentId) -> Self {
            value.0
        }
    }
    impl ::std::str::FromStr for ExportSegmentCancelRequestSegmentId {
        type Err = self::error::ConversionError;
        fn from_str(
            value: &str,
        ) -> ::std::result::Result<Self, self::error::ConversionError> {
            if value.chars().count() < 1usize {
                return Err("shorter than 1 characters".into());
            }
            Ok(Self(value.to_string()))
        }
    }
    impl ::std::convert::TryFrom<&str> for ExportSegmentCancelRequestSegmentId {
        type Error = self::error::ConversionError;
        fn try_from(
            value: &str,
        ) -> ::std::result::Result<Self, self::error::ConversionError> {
            value.parse()
        }
    }
    impl ::std::convert::TryFrom<::std::string::String>
    for ExportSegmentCancelRequestSegmentId {
        type Error = self::error::ConversionError;
        fn try_from(
            value: ::std::string::String,
        ) -> ::std::result::Result<Self, self::error::ConversionError> {
            value.parse()
        }
    }
    impl<'de> ::serde::Deserialize<'de> for ExportSegmentCancelRequestSegmentId {
        fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
        where
            D: ::serde::Deserializer<'de>,
        {
            ::std::string::String::deserialize(deserializer)?
                .parse()
                .map_err(|e: self::error::ConversionError| {
                    <D::Error as ::serde::de::Error>::custom(e.to_string())
                })
        }
    }
    ///A cancelled users export.
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    #[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
    pub struct ExportSegmentCancelResponse {
        ///"success" when the export was cancelled.
        pub message: ::std::string::String,
        #[serde(flatten)]
        pub extra: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
    }
    impl ExportSegmentCancelResponse {
        pub fn builder() -> builder::ExportSegmentCancelResponse {
            Default::default()
        }
    }
    ///`GetSegmentDataSeriesSegmentId`
    #[derive(::serde::Serialize, Clone, Debug, Eq, Hash, Ord, PartialEq, PartialOrd)]
    #[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
    #[serde(transparent)]
    pub struct GetSegmentDataSeriesSegmentId(::std::string::String);
    impl ::std::ops::Deref for GetSegmentDataSeriesSegmentId {
        type Target = ::std::string::String;
        fn deref(&self) -> &::std::string::String {
            &self.0
        }
    }
    impl ::std::convert::From<GetSegmentDataSeriesSegmentId> for ::std::string::String {
        fn from(value: GetSegmentDataSeriesSegmentId) -> Self {
            value.0
        }
    }
    impl ::std::str::FromStr for GetSegmentDataSeriesSegmentId {
        type Err = self::error::ConversionError;
        fn from_str(
            value: &str,
        ) -> ::std::result::Result<Self, self::error::ConversionError> {
            if value.chars().count() < 1usize {
                return Err("shorter than 1 characters".into());
            }
            Ok(Self(value.to_string()))
        }
    }
    impl ::std::convert::TryFrom<&str> for GetSegmentDataSeriesSegmentId {
        type Error = self::error::ConversionError;
        fn try_from(
            value: &str,
        ) -> ::std::result::Result<Self, self::error::ConversionError> {
            value.parse()
        }
    }
    impl ::std::convert::TryFrom<::std::string::String>
    for GetSegmentDataSeriesSegmentId {
        type Error = self::error::ConversionError;
        fn try_from(
            value: ::std::string::String,
        ) -> ::std::result::Result<Self, self::error::ConversionError> {
            value.parse()
        }
    }
    impl<'de> ::serde::Deserialize<'de> for GetSegmentDataSeriesSegmentId {
        fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
        where
            D: ::serde::Deserializer<'de>,
        {
            ::std::string::String::deserialize(deserializer)?
                .parse()
                .map_err(|e: self::error::ConversionError| {
                    <D::Error as ::serde::de::Error>::custom(e.to_string())
                })
        }
    }
    ///`GetSegmentDetailsSegmentId`
    #[derive(::serde::Serialize, Clone, Debug, Eq, Hash, Ord, PartialEq, PartialOrd)]
    #[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
    #[serde(transparent)]
    pub struct GetSegmentDetailsSegmentId(::std::string::String);
    impl ::std::ops::Deref for GetSegmentDetailsSegmentId {
        type Target = ::std::string::String;
        fn deref(&self) -> &::std::string::String {
            &self.0
        }
    }
    impl ::std::convert::From<GetSegmentDetailsSegmentId> for ::std::string::String {
        fn from(value: GetSegmentDetailsSegmentId) -> Self {
            value.0
        }
    }
    impl ::std::str::FromStr for GetSegmentDetailsSegmentId {
        type Err = self::error::ConversionError;
        fn from_str(
            value: &str,
        ) -> ::std::result::Result<Self, self::error::ConversionError> {
            if value.chars().count() < 1usize {
                return Err("shorter than 1 characters".into());
            }
            Ok(Self(value.to_string()))
        }
    }
    impl ::std::convert::TryFrom<&str> for GetSegmentDetailsSegmentId {
        type Error = self::error::ConversionError;
        fn try_from(
            value: &str,
        ) -> ::std::result::Result<Self, self::error::ConversionError> {
            value.parse()
        }
    }
    impl ::std::convert::TryFrom<::std::string::String> for GetSegmentDetailsSegmentId {
        type Error = self::error::ConversionError;
        fn try_from(
            value: ::std::string::String,
        ) -> ::std::result::Result<Self, self::error::ConversionError> {
            value.parse()
        }
    }
    impl<'de> ::serde::Deserialize<'de> for GetSegmentDetailsSegmentId {
        fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
        where
            D: ::serde::Deserializer<'de>,
        {
            ::std::string::String::deserialize(deserializer)?
                .parse()
                .map_err(|e: self::error::ConversionError| {
                    <D::Error as ::serde::de::Error>::custom(e.to_string())
                })
        }
    }
    ///The segment's size over a period, one point a day.
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    #[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
    pub struct SegmentDataSeries {
        ///At most one point a day, up to `length` points (fewer when the segment is younger); Braze documents no order.
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        pub data: ::std::option::Option<::std::vec::Vec<DataPoint>>,
        ///"success" when all went well.
        pub message: ::std::string::String,
        #[serde(flatten)]
        pub extra: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
    }
    impl SegmentDataSeries {
        pub fn builder() -> builder::SegmentDataSeries {
            Default::default()
        }
    }
    ///The details of one segment. Only `message` is guaranteed; Braze adds fields over time.
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    #[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
    pub struct SegmentDetails {
        ///When the segment was created. Braze documents it only as "ISO 8601": expect a date-time with or without a fraction, `Z`, `+00:00` or `+0000`, a space for `T`, a date alone, or an empty string. Left a plain string here so that no shape fails the whole response.
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        pub created_at: ::std::option::Option<::std::string::String>,
        ///A human-readable description of the segment's filters, generated by Braze.
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        pub description: ::std::option::Option<::std::string::String>,
        ///"success" when all went well.
        pub message: ::std::string::String,
        ///The segment's name.
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        pub name: ::std::option::Option<::std::string::String>,
        ///The tag names of the segment. Real responses hold null items.
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        pub tags: ::std::option::Option<
            ::std::vec::Vec<::std::option::Option<::std::string::String>>,
        >,
        ///The names of the teams the segment belongs to (added by Braze in February 2024).
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        pub teams: ::std::option::Option<
            ::std::vec::Vec<::std::option::Option<::std::string::String>>,
        >,
        ///The description a person typed for the segment.
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        pub text_description: ::std::option::Option<::std::string::String>,
        ///When the segment was last updated. Braze documents it only as "ISO 8601": expect a date-time with or without a fraction, `Z`, `+00:00` or `+0000`, a space for `T`, a date alone, or an empty string. Left a plain string here so that no shape fails the whole response.
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        pub updated_at: ::std::option::Option<::std::string::String>,
        #[serde(flatten)]
        pub extra: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
    }
    impl SegmentDetails {
        pub fn builder() -> builder::SegmentDetails {
            Default::default()
        }
    }
    ///A page of `/segments/list`.
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    #[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
    pub struct SegmentList {
        ///"success" when all went well.
        pub message: ::std::string::String,
        ///Up to 100 segments; fewer than 100 means this is the last page.
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        pub segments: ::std::option::Option<::std::vec::Vec<SegmentSummary>>,
        #[serde(flatten)]
        pub extra: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
    }
    impl SegmentList {
        pub fn builder() -> builder::SegmentList {
            Default::default()
        }
    }
    ///One segment as listed by `/segments/list`.
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    #[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
    pub struct SegmentSummary {
        ///Whether the segment has analytics tracking enabled.
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        pub analytics_tracking_enabled: ::std::option::Option<bool>,
        ///The segment's API identifier (a UUID).
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        pub id: ::std::option::Option<::std::string::String>,
        ///The segment's name.
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        pub name: ::std::option::Option<::std::string::String>,
        ///The tags of the segment. Items may be null.
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        pub tags: ::std::option::Option<
            ::std::vec::Vec<::std::option::Option<::std::string::String>>,
        >,
        #[serde(flatten)]
        pub extra: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
    }
    impl SegmentSummary {
        pub fn builder() -> builder::SegmentSummary {
            Default::default()
        }
    }
    ///The order of `/segments/list`, by creation time.
    #[derive(
        ::serde::Deserialize,
        ::serde::Serialize,
        Clone,
        Copy,
        Debug,
        Eq,
        Hash,
        Ord,
        PartialEq,
        PartialOrd
    )]
    #[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
    pub enum SortDirection {
        #[serde(rename = "asc")]
        Asc,
        #[serde(rename = "desc")]
        Desc,
    }
    impl ::std::fmt::Display for SortDirection {
        fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
            match *self {
                Self::Asc => f.write_str("asc"),
                Self::Desc => f.write_str("desc"),
            }
        }
    }
    impl ::std::str::FromStr for SortDirection {
        type Err = self::error::ConversionError;
        fn from_str(
            value: &str,
        ) -> ::std::result::Result<Self, self::error::ConversionError> {
            match value {
                "asc" => Ok(Self::Asc),
                "desc" => Ok(Self::Desc),
                _ => Err("invalid value".into()),
            }
        }
    }
    impl ::std::convert::TryFrom<&str> for SortDirection {
        type Error = self::error::ConversionError;
        fn try_from(
            value: &str,
        ) -> ::std::result::Result<Self, self::error::ConversionError> {
            value.parse()
        }
    }
    impl ::std::convert::TryFrom<::std::string::String> for SortDirection {
        type Error = self::error::ConversionError;
        fn try_from(
            value: ::std::string::String,
        ) -> ::std::result::Result<Self, self::error::ConversionError> {
            value.parse()
        }
    }
    ///The archive Braze writes to the workspace's own bucket (`zip` by default).
    #[derive(
        ::serde::Deserialize,
        ::serde::Serialize,
        Clone,
        Copy,
        Debug,
        Eq,
        Hash,
        Ord,
        PartialEq,
        PartialOrd
    )]
    #[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
    pub enum UsersExportOutputFormat {
        #[serde(rename = "zip")]
        Zip,
        #[serde(rename = "gzip")]
        Gzip,
    }
    impl ::std::fmt::Display for UsersExportOutputFormat {
        fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
            match *self {
                Self::Zip => f.write_str("zip"),
                Self::Gzip => f.write_str("gzip"),
            }
        }
    }
    impl ::std::str::FromStr for UsersExportOutputFormat {
        type Err = self::error::ConversionError;
        fn from_str(
            value: &str,
        ) -> ::std::result::Result<Self, self::error::ConversionError> {
            match value {
                "zip" => Ok(Self::Zip),
                "gzip" => Ok(Self::Gzip),
                _ => Err("invalid value".into()),
            }
        }
    }
    impl ::std::convert::TryFrom<&str> for UsersExportOutputFormat {
        type Error = self::error::ConversionError;
        fn try_from(
            value: &str,
        ) -> ::std::result::Result<Self, self::error::ConversionError> {
            value.parse()
        }
    }
    impl ::std::convert::TryFrom<::std::string::String> for UsersExportOutputFormat {
        type Error = self::error::ConversionError;
        fn try_from(
            value: ::std::string::String,
        ) -> ::std::result::Result<Self, self::error::ConversionError> {
            value.parse()
        }
    }
    ///What to export of a segment's users.
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    #[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
    #[serde(deny_unknown_fields)]
    pub struct UsersExportSegmentRequest {
        ///An https URL Braze posts to when the export is ready.
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        pub callback_endpoint: ::std::option::Option<::std::string::String>,
        ///The user fields to export, for example `external_id`, `braze_id`, `user_aliases`, `email`, `first_name`, `last_name`, `custom_attributes`, `custom_events`, `purchases`, `devices`, `apps`, `created_at`. `custom_events`, `purchases`, `campaigns_received` and `canvases_received` hold the last 90 days only.
        pub fields_to_export: ::std::vec::Vec<
            UsersExportSegmentRequestFieldsToExportItem,
        >,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        pub output_format: ::std::option::Option<UsersExportOutputFormat>,
        ///The segment's API identifier.
        pub segment_id: UsersExportSegmentRequestSegmentId,
    }
    impl UsersExportSegmentRequest {
        pub fn builder() -> builder::UsersExportSegmentRequest {
            Default::default()
        }
    }
    ///A field name.
    #[derive(::serde::Serialize, Clone, Debug, Eq, Hash, Ord, PartialEq, PartialOrd)]
    #[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
    #[serde(transparent)]
    pub struct UsersExportSegmentRequestFieldsToExportItem(::std::string::String);
    impl ::std::ops::Deref for UsersExportSegmentRequestFieldsToExportItem {
        type Target = ::std::string::String;
        fn deref(&self) -> &::std::string::String {
            &self.0
        }
    }
    impl ::std::convert::From<UsersExportSegmentRequestFieldsToExportItem>
    for ::std::string::String {
        fn from(value: UsersExportSegmentRequestFieldsToExportItem) -> Self {
            value.0
        }
    }
    impl ::std::str::FromStr for UsersExportSegmentRequestFieldsToExportItem {
        type Err = self::error::ConversionError;
        fn from_str(
            value: &str,
        ) -> ::std::result::Result<Self, self::error::ConversionError> {
            if value.chars().count() < 1usize {
                return Err("shorter than 1 characters".into());
            }
            Ok(Self(value.to_string()))
        }
    }
    impl ::std::convert::TryFrom<&str> for UsersExportSegmentRequestFieldsToExportItem {
        type Error = self::error::ConversionError;
        fn try_from(
            value: &str,
        ) -> ::std::result::Result<Self, self::error::ConversionError> {
            value.parse()
        }
    }
    impl ::std::convert::TryFrom<::std::string::String>
    for UsersExportSegmentRequestFieldsToExportItem {
        type Error = self::error::ConversionError;
        fn try_from(
            value: ::std::string::String,
        ) -> ::std::result::Result<Self, self::error::ConversionError> {
            value.parse()
        }
    }
    impl<'de> ::serde::Deserialize<'de> for UsersExportSegmentRequestFieldsToExportItem {
        fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
        where
            D: ::serde::Deserializer<'de>,
        {
            ::std::string::String::deserialize(deserializer)?
                .parse()
                .map_err(|e: self::error::ConversionError| {
                    <D::Error as ::serde::de::Error>::custom(e.to_string())
                })
        }
    }
    ///The segment's API identifier.
    #[derive(::serde::Serialize, Clone, Debug, Eq, Hash, Ord, PartialEq, PartialOrd)]
    #[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
    #[serde(transparent)]
    pub struct UsersExportSegmentRequestSegmentId(::std::string::String);
    impl ::std::ops::Deref for UsersExportSegmentRequestSegmentId {
        type Target = ::std::string::String;
        fn deref(&self) -> &::std::string::String {
            &self.0
        }
    }
    impl ::std::convert::From<UsersExportSegmentRequestSegmentId>
    for ::std::string::String {
        fn from(value: UsersExportSegmentRequestSegmentId) -> Self {
            value.0
        }
    }
    impl ::std::str::FromStr for UsersExportSegmentRequestSegmentId {
        type Err = self::error::ConversionError;
        fn from_str(
            value: &str,
        ) -> ::std::result::Result<Self, self::error::ConversionError> {
            if value.chars().count() < 1usize {
                return Err("shorter than 1 characters".into());
            }
            Ok(Self(value.to_string()))
        }
    }
    impl ::std::convert::TryFrom<&str> for UsersExportSegmentRequestSegmentId {
        type Error = self::error::ConversionError;
        fn try_from(
            value: &str,
        ) -> ::std::result::Result<Self, self::error::ConversionError> {
            value.parse()
        }
    }
    impl ::std::convert::TryFrom<::std::string::String>
    for UsersExportSegmentRequestSegmentId {
        type Error = self::error::ConversionError;
        fn try_from(
            value: ::std::string::String,
        ) -> ::std::result::Result<Self, self::error::ConversionError> {
            value.parse()
        }
    }
    impl<'de> ::serde::Deserialize<'de> for UsersExportSegmentRequestSegmentId {
        fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
        where
            D: ::serde::Deserializer<'de>,
        {
            ::std::string::String::deserialize(deserializer)?
                .parse()
                .map_err(|e: self::error::ConversionError| {
                    <D::Error as ::serde::de::Error>::custom(e.to_string())
                })
        }
    }
    ///A started users export.
    #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
    #[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
    pub struct UsersExportSegmentResponse {
        ///"success" when the export started.
        pub message: ::std::string::String,
        ///The prefix of the export's files (in the workspace's bucket, or in the archive).
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        pub object_prefix: ::std::option::Option<::std::string::String>,
        ///The pre-signed link to the ZIP archive, on a storage host (not Braze's REST host): an error until the export is ready, then the archive for a few hours. Missing when the workspace has its own bucket.
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        pub url: ::std::option::Option<::std::string::String>,
        #[serde(flatten)]
        pub extra: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
    }
    impl UsersExportSegmentResponse {
        pub fn builder() -> builder::UsersExportSegmentResponse {
            Default::default()
        }
    }
    /// Types for composing complex structures.
    pub mod builder {
        #[derive(Clone, Debug)]
        pub struct BrazeError {
            errors: ::std::result::Result<
                ::std::option::Option<::std::vec::Vec<super::BrazeErrorDetail>>,
                ::std::string::String,
            >,
            message: ::std::result::Result<::std::string::String, ::std::string::String>,
            extra: ::std::result::Result<
                ::serde_json::Map<::std::string::String, ::serde_json::Value>,
                ::std::string::String,
            >,
        }
        impl ::std::default::Default for BrazeError {
            fn default() -> Self {
                Self {
                    errors: Ok(Default::default()),
                    message: Err("no value supplied for message".to_string()),
                    extra: Err("no value supplied for extra".to_string()),
                }
            }
        }
        impl BrazeError {
            pub fn errors<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::std::option::Option<::std::vec::Vec<super::BrazeErrorDetail>>,
                >,
                T::Error: ::std::fmt::Display,
            {
                self.errors = value
                    .try_into()
                    .map_err(|e| {
                        format!("error converting supplied value for errors: {e}")
                    });
                self
            }
            pub fn message<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::string::String>,
                T::Error: ::std::fmt::Display,
            {
                self.message = value
                    .try_into()
                    .map_err(|e| {
                        format!("error converting supplied value for message: {e}")
                    });
                self
            }
            pub fn extra<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::serde_json::Map<::std::string::String, ::serde_json::Value>,
                >,
                T::Error: ::std::fmt::Display,
            {
                self.extra = value
                    .try_into()
                    .map_err(|e| {
                        format!("error converting supplied value for extra: {e}")
                    });
                self
            }
        }
        impl ::std::convert::TryFrom<BrazeError> for super::BrazeError {
            type Error = super::error::ConversionError;
            fn try_from(
                value: BrazeError,
            ) -> ::std::result::Result<Self, super::error::ConversionError> {
                Ok(Self {
                    errors: value.errors?,
                    message: value.message?,
                    extra: value.extra?,
                })
            }
        }
        impl ::std::convert::From<super::BrazeError> for BrazeError {
            fn from(value: super::BrazeError) -> Self {
                Self {
                    errors: Ok(value.errors),
                    message: Ok(value.message),
                    extra: Ok(value.extra),
                }
            }
        }
        #[derive(Clone, Debug)]
        pub struct DataPoint {
            size: ::std::result::Result<
                ::std::option::Option<i64>,
                ::std::string::String,
            >,
            time: ::std::result::Result<
                ::std::option::Option<::std::string::String>,
                ::std::string::String,
            >,
            extra: ::std::result::Result<
                ::serde_json::Map<::std::string::String, ::serde_json::Value>,
                ::std::string::String,
            >,
        }
        impl ::std::default::Default for DataPoint {
            fn default() -> Self {
                Self {
                    size: Ok(Default::default()),
                    time: Ok(Default::default()),
                    extra: Err("no value supplied for extra".to_string()),
                }
            }
        }
        impl DataPoint {
            pub fn size<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<i64>>,
                T::Error: ::std::fmt::Display,
            {
                self.size = value
                    .try_into()
                    .map_err(|e| {
                        format!("error converting supplied value for size: {e}")
                    });
                self
            }
            pub fn time<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display,
            {
                self.time = value
                    .try_into()
                    .map_err(|e| {
                        format!("error converting supplied value for time: {e}")
                    });
                self
            }
            pub fn extra<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::serde_json::Map<::std::string::String, ::serde_json::Value>,
                >,
                T::Error: ::std::fmt::Display,
            {
                self.extra = value
                    .try_into()
                    .map_err(|e| {
                        format!("error converting supplied value for extra: {e}")
                    });
                self
            }
        }
        impl ::std::convert::TryFrom<DataPoint> for super::DataPoint {
            type Error = super::error::ConversionError;
            fn try_from(
                value: DataPoint,
            ) -> ::std::result::Result<Self, super::error::ConversionError> {
                Ok(Self {
                    size: value.size?,
                    time: value.time?,
                    extra: value.extra?,
                })
            }
        }
        impl ::std::convert::From<super::DataPoint> for DataPoint {
            fn from(value: super::DataPoint) -> Self {
                Self {
                    size: Ok(value.size),
                    time: Ok(value.time),
                    extra: Ok(value.extra),
                }
            }
        }
        #[derive(Clone, Debug)]
        pub struct ExportSegmentCancelRequest {
            segment_id: ::std::result::Result<
                super::ExportSegmentCancelRequestSegmentId,
                ::std::string::String,
            >,
        }
        impl ::std::default::Default for ExportSegmentCancelRequest {
            fn default() -> Self {
                Self {
                    segment_id: Err("no value supplied for segment_id".to_string()),
                }
            }
        }
        impl ExportSegmentCancelRequest {
            pub fn segment_id<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<super::ExportSegmentCancelRequestSegmentId>,
                T::Error: ::std::fmt::Display,
            {
                self.segment_id = value
                    .try_into()
                    .map_err(|e| {
                        format!("error converting supplied value for segment_id: {e}")
                    });
                self
            }
        }
        impl ::std::convert::TryFrom<ExportSegmentCancelRequest>
        for super::ExportSegmentCancelRequest {
            type Error = super::error::ConversionError;
            fn try_from(
                value: ExportSegmentCancelRequest,
            ) -> ::std::result::Result<Self, super::error::ConversionError> {
                Ok(Self {
                    segment_id: value.segment_id?,
                })
            }
        }
        impl ::std::convert::From<super::ExportSegmentCancelRequest>
        for ExportSegmentCancelRequest {
            fn from(value: super::ExportSegmentCancelRequest) -> Self {
                Self {
                    segment_id: Ok(value.segment_id),
                }
            }
        }
        #[derive(Clone, Debug)]
        pub struct ExportSegmentCancelResponse {
            message: ::std::result::Result<::std::string::String, ::std::string::String>,
            extra: ::std::result::Result<
                ::serde_json::Map<::std::string::String, ::serde_json::Value>,
                ::std::string::String,
            >,
        }
        impl ::std::default::Default for ExportSegmentCancelResponse {
            fn default() -> Self {
                Self {
                    message: Err("no value supplied for message".to_string()),
                    extra: Err("no value supplied for extra".to_string()),
                }
            }
        }
        impl ExportSegmentCancelResponse {
            pub fn message<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::string::String>,
                T::Error: ::std::fmt::Display,
            {
                self.message = value
                    .try_into()
                    .map_err(|e| {
                        format!("error converting supplied value for message: {e}")
                    });
                self
            }
            pub fn extra<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::serde_json::Map<::std::string::String, ::serde_json::Value>,
                >,
                T::Error: ::std::fmt::Display,
            {
                self.extra = value
                    .try_into()
                    .map_err(|e| {
                        format!("error converting supplied value for extra: {e}")
                    });
                self
            }
        }
        impl ::std::convert::TryFrom<ExportSegmentCancelResponse>
        for super::ExportSegmentCancelResponse {
            type Error = super::error::ConversionError;
            fn try_from(
                value: ExportSegmentCancelResponse,
            ) -> ::std::result::Result<Self, super::error::ConversionError> {
                Ok(Self {
                    message: value.message?,
                    extra: value.extra?,
                })
            }
        }
        impl ::std::convert::From<super::ExportSegmentCancelResponse>
        for ExportSegmentCancelResponse {
            fn from(value: super::ExportSegmentCancelResponse) -> Self {
                Self {
                    message: Ok(value.message),
                    extra: Ok(value.extra),
                }
            }
        }
        #[derive(Clone, Debug)]
        pub struct SegmentDataSeries {
            data: ::std::result::Result<
                ::std::option::Option<::std::vec::Vec<super::DataPoint>>,
                ::std::string::String,
            >,
            message: ::std::result::Result<::std::string::String, ::std::string::String>,
            extra: ::std::result::Result<
                ::serde_json::Map<::std::string::String, ::serde_json::Value>,
                ::std::string::String,
            >,
        }
        impl ::std::default::Default for SegmentDataSeries {
            fn default() -> Self {
                Self {
                    data: Ok(Default::default()),
                    message: Err("no value supplied for message".to_string()),
                    extra: Err("no value supplied for extra".to_string()),
                }
            }
        }
        impl SegmentDataSeries {
            pub fn data<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::std::option::Option<::std::vec::Vec<super::DataPoint>>,
                >,
                T::Error: ::std::fmt::Display,
            {
                self.data = value
                    .try_into()
                    .map_err(|e| {
                        format!("error converting supplied value for data: {e}")
                    });
                self
            }
            pub fn message<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::string::String>,
                T::Error: ::std::fmt::Display,
            {
                self.message = value
                    .try_into()
                    .map_err(|e| {
                        format!("error converting supplied value for message: {e}")
                    });
                self
            }
            pub fn extra<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::serde_json::Map<::std::string::String, ::serde_json::Value>,
                >,
                T::Error: ::std::fmt::Display,
            {
                self.extra = value
                    .try_into()
                    .map_err(|e| {
                        format!("error converting supplied value for extra: {e}")
                    });
                self
            }
        }
        impl ::std::convert::TryFrom<SegmentDataSeries> for super::SegmentDataSeries {
            type Error = super::error::ConversionError;
            fn try_from(
                value: SegmentDataSeries,
            ) -> ::std::result::Result<Self, super::error::ConversionError> {
                Ok(Self {
                    data: value.data?,
                    message: value.message?,
                    extra: value.extra?,
                })
            }
        }
        impl ::std::convert::From<super::SegmentDataSeries> for SegmentDataSeries {
            fn from(value: super::SegmentDataSeries) -> Self {
                Self {
                    data: Ok(value.data),
                    message: Ok(value.message),
                    extra: Ok(value.extra),
                }
            }
        }
        #[derive(Clone, Debug)]
        pub struct SegmentDetails {
            created_at: ::std::result::Result<
                ::std::option::Option<::std::string::String>,
                ::std::string::String,
            >,
            description: ::std::result::Result<
                ::std::option::Option<::std::string::String>,
                ::std::string::String,
            >,
            message: ::std::result::Result<::std::string::String, ::std::string::String>,
            name: ::std::result::Result<
                ::std::option::Option<::std::string::String>,
                ::std::string::String,
            >,
            tags: ::std::result::Result<
                ::std::option::Option<
                    ::std::vec::Vec<::std::option::Option<::std::string::String>>,
                >,
                ::std::string::String,
            >,
            teams: ::std::result::Result<
                ::std::option::Option<
                    ::std::vec::Vec<::std::option::Option<::std::string::String>>,
                >,
                ::std::string::String,
            >,
            text_description: ::std::result::Result<
                ::std::option::Option<::std::string::String>,
                ::std::string::String,
            >,
            updated_at: ::std::result::Result<
                ::std::option::Option<::std::string::String>,
                ::std::string::String,
            >,
            extra: ::std::result::Result<
                ::serde_json::Map<::std::string::String, ::serde_json::Value>,
                ::std::string::String,
            >,
        }
        impl ::std::default::Default for SegmentDetails {
            fn default() -> Self {
                Self {
                    created_at: Ok(Default::default()),
                    description: Ok(Default::default()),
                    message: Err("no value supplied for message".to_string()),
                    name: Ok(Default::default()),
                    tags: Ok(Default::default()),
                    teams: Ok(Default::default()),
                    text_description: Ok(Default::default()),
                    updated_at: Ok(Default::default()),
                    extra: Err("no value supplied for extra".to_string()),
                }
            }
        }
        impl SegmentDetails {
            pub fn created_at<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display,
            {
                self.created_at = value
                    .try_into()
                    .map_err(|e| {
                        format!("error converting supplied value for created_at: {e}")
                    });
                self
            }
            pub fn description<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display,
            {
                self.description = value
                    .try_into()
                    .map_err(|e| {
                        format!("error converting supplied value for description: {e}")
                    });
                self
            }
            pub fn message<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::string::String>,
                T::Error: ::std::fmt::Display,
            {
                self.message = value
                    .try_into()
                    .map_err(|e| {
                        format!("error converting supplied value for message: {e}")
                    });
                self
            }
            pub fn name<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display,
            {
                self.name = value
                    .try_into()
                    .map_err(|e| {
                        format!("error converting supplied value for name: {e}")
                    });
                self
            }
            pub fn tags<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::std::option::Option<
                        ::std::vec::Vec<::std::option::Option<::std::string::String>>,
                    >,
                >,
                T::Error: ::std::fmt::Display,
            {
                self.tags = value
                    .try_into()
                    .map_err(|e| {
                        format!("error converting supplied value for tags: {e}")
                    });
                self
            }
            pub fn teams<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::std::option::Option<
                        ::std::vec::Vec<::std::option::Option<::std::string::String>>,
                    >,
                >,
                T::Error: ::std::fmt::Display,
            {
                self.teams = value
                    .try_into()
                    .map_err(|e| {
                        format!("error converting supplied value for teams: {e}")
                    });
                self
            }
            pub fn text_description<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display,
            {
                self.text_description = value
                    .try_into()
                    .map_err(|e| {
                        format!(
                            "error converting supplied value for text_description: {e}"
                        )
                    });
                self
            }
            pub fn updated_at<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display,
            {
                self.updated_at = value
                    .try_into()
                    .map_err(|e| {
                        format!("error converting supplied value for updated_at: {e}")
                    });
                self
            }
            pub fn extra<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::serde_json::Map<::std::string::String, ::serde_json::Value>,
                >,
                T::Error: ::std::fmt::Display,
            {
                self.extra = value
                    .try_into()
                    .map_err(|e| {
                        format!("error converting supplied value for extra: {e}")
                    });
                self
            }
        }
        impl ::std::convert::TryFrom<SegmentDetails> for super::SegmentDetails {
            type Error = super::error::ConversionError;
            fn try_from(
                value: SegmentDetails,
            ) -> ::std::result::Result<Self, super::error::ConversionError> {
                Ok(Self {
                    created_at: value.created_at?,
                    description: value.description?,
                    message: value.message?,
                    name: value.name?,
                    tags: value.tags?,
                    teams: value.teams?,
                    text_description: value.text_description?,
                    updated_at: value.updated_at?,
                    extra: value.extra?,
                })
            }
        }
        impl ::std::convert::From<super::SegmentDetails> for SegmentDetails {
            fn from(value: super::SegmentDetails) -> Self {
                Self {
                    created_at: Ok(value.created_at),
                    description: Ok(value.description),
                    message: Ok(value.message),
                    name: Ok(value.name),
                    tags: Ok(value.tags),
                    teams: Ok(value.teams),
                    text_description: Ok(value.text_description),
                    updated_at: Ok(value.updated_at),
                    extra: Ok(value.extra),
                }
            }
        }
        #[derive(Clone, Debug)]
        pub struct SegmentList {
            message: ::std::result::Result<::std::string::String, ::std::string::String>,
            segments: ::std::result::Result<
                ::std::option::Option<::std::vec::Vec<super::SegmentSummary>>,
                ::std::string::String,
            >,
            extra: ::std::result::Result<
                ::serde_json::Map<::std::string::String, ::serde_json::Value>,
                ::std::string::String,
            >,
        }
        impl ::std::default::Default for SegmentList {
            fn default() -> Self {
                Self {
                    message: Err("no value supplied for message".to_string()),
                    segments: Ok(Default::default()),
                    extra: Err("no value supplied for extra".to_string()),
                }
            }
        }
        impl SegmentList {
            pub fn message<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::string::String>,
                T::Error: ::std::fmt::Display,
            {
                self.message = value
                    .try_into()
                    .map_err(|e| {
                        format!("error converting supplied value for message: {e}")
                    });
                self
            }
            pub fn segments<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::std::option::Option<::std::vec::Vec<super::SegmentSummary>>,
                >,
                T::Error: ::std::fmt::Display,
            {
                self.segments = value
                    .try_into()
                    .map_err(|e| {
                        format!("error converting supplied value for segments: {e}")
                    });
                self
            }
            pub fn extra<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::serde_json::Map<::std::string::String, ::serde_json::Value>,
                >,
                T::Error: ::std::fmt::Display,
            {
                self.extra = value
                    .try_into()
                    .map_err(|e| {
                        format!("error converting supplied value for extra: {e}")
                    });
                self
            }
        }
        impl ::std::convert::TryFrom<SegmentList> for super::SegmentList {
            type Error = super::error::ConversionError;
            fn try_from(
                value: SegmentList,
            ) -> ::std::result::Result<Self, super::error::ConversionError> {
                Ok(Self {
                    message: value.message?,
                    segments: value.segments?,
                    extra: value.extra?,
                })
            }
        }
        impl ::std::convert::From<super::SegmentList> for SegmentList {
            fn from(value: super::SegmentList) -> Self {
                Self {
                    message: Ok(value.message),
                    segments: Ok(value.segments),
                    extra: Ok(value.extra),
                }
            }
        }
        #[derive(Clone, Debug)]
        pub struct SegmentSummary {
            analytics_tracking_enabled: ::std::result::Result<
                ::std::option::Option<bool>,
                ::std::string::String,
            >,
            id: ::std::result::Result<
                ::std::option::Option<::std::string::String>,
                ::std::string::String,
            >,
            name: ::std::result::Result<
                ::std::option::Option<::std::string::String>,
                ::std::string::String,
            >,
            tags: ::std::result::Result<
                ::std::option::Option<
                    ::std::vec::Vec<::std::option::Option<::std::string::String>>,
                >,
                ::std::string::String,
            >,
            extra: ::std::result::Result<
                ::serde_json::Map<::std::string::String, ::serde_json::Value>,
                ::std::string::String,
            >,
        }
        impl ::std::default::Default for SegmentSummary {
            fn default() -> Self {
                Self {
                    analytics_tracking_enabled: Ok(Default::default()),
                    id: Ok(Default::default()),
                    name: Ok(Default::default()),
                    tags: Ok(Default::default()),
                    extra: Err("no value supplied for extra".to_string()),
                }
            }
        }
        impl SegmentSummary {
            pub fn analytics_tracking_enabled<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<bool>>,
                T::Error: ::std::fmt::Display,
            {
                self.analytics_tracking_enabled = value
                    .try_into()
                    .map_err(|e| {
                        format!(
                            "error converting supplied value for analytics_tracking_enabled: {e}"
                        )
                    });
                self
            }
            pub fn id<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display,
            {
                self.id = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for id: {e}"));
                self
            }
            pub fn name<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display,
            {
                self.name = value
                    .try_into()
                    .map_err(|e| {
                        format!("error converting supplied value for name: {e}")
                    });
                self
            }
            pub fn tags<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::std::option::Option<
                        ::std::vec::Vec<::std::option::Option<::std::string::String>>,
                    >,
                >,
                T::Error: ::std::fmt::Display,
            {
                self.tags = value
                    .try_into()
                    .map_err(|e| {
                        format!("error converting supplied value for tags: {e}")
                    });
                self
            }
            pub fn extra<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::serde_json::Map<::std::string::String, ::serde_json::Value>,
                >,
                T::Error: ::std::fmt::Display,
            {
                self.extra = value
                    .try_into()
                    .map_err(|e| {
                        format!("error converting supplied value for extra: {e}")
                    });
                self
            }
        }
        impl ::std::convert::TryFrom<SegmentSummary> for super::SegmentSummary {
            type Error = super::error::ConversionError;
            fn try_from(
                value: SegmentSummary,
            ) -> ::std::result::Result<Self, super::error::ConversionError> {
                Ok(Self {
                    analytics_tracking_enabled: value.analytics_tracking_enabled?,
                    id: value.id?,
                    name: value.name?,
                    tags: value.tags?,
                    extra: value.extra?,
                })
            }
        }
        impl ::std::convert::From<super::SegmentSummary> for SegmentSummary {
            fn from(value: super::SegmentSummary) -> Self {
                Self {
                    analytics_tracking_enabled: Ok(value.analytics_tracking_enabled),
                    id: Ok(value.id),
                    name: Ok(value.name),
                    tags: Ok(value.tags),
                    extra: Ok(value.extra),
                }
            }
        }
        #[derive(Clone, Debug)]
        pub struct UsersExportSegmentRequest {
            callback_endpoint: ::std::result::Result<
                ::std::option::Option<::std::string::String>,
                ::std::string::String,
            >,
            fields_to_export: ::std::result::Result<
                ::std::vec::Vec<super::UsersExportSegmentRequestFieldsToExportItem>,
                ::std::string::String,
            >,
            output_format: ::std::result::Result<
                ::std::option::Option<super::UsersExportOutputFormat>,
                ::std::string::String,
            >,
            segment_id: ::std::result::Result<
                super::UsersExportSegmentRequestSegmentId,
                ::std::string::String,
            >,
        }
        impl ::std::default::Default for UsersExportSegmentRequest {
            fn default() -> Self {
                Self {
                    callback_endpoint: Ok(Default::default()),
                    fields_to_export: Err(
                        "no value supplied for fields_to_export".to_string(),
                    ),
                    output_format: Ok(Default::default()),
                    segment_id: Err("no value supplied for segment_id".to_string()),
                }
            }
        }
        impl UsersExportSegmentRequest {
            pub fn callback_endpoint<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display,
            {
                self.callback_endpoint = value
                    .try_into()
                    .map_err(|e| {
                        format!(
                            "error converting supplied value for callback_endpoint: {e}"
                        )
                    });
                self
            }
            pub fn fields_to_export<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::std::vec::Vec<super::UsersExportSegmentRequestFieldsToExportItem>,
                >,
                T::Error: ::std::fmt::Display,
            {
                self.fields_to_export = value
                    .try_into()
                    .map_err(|e| {
                        format!(
                            "error converting supplied value for fields_to_export: {e}"
                        )
                    });
                self
            }
            pub fn output_format<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::std::option::Option<super::UsersExportOutputFormat>,
                >,
                T::Error: ::std::fmt::Display,
            {
                self.output_format = value
                    .try_into()
                    .map_err(|e| {
                        format!("error converting supplied value for output_format: {e}")
                    });
                self
            }
            pub fn segment_id<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<super::UsersExportSegmentRequestSegmentId>,
                T::Error: ::std::fmt::Display,
            {
                self.segment_id = value
                    .try_into()
                    .map_err(|e| {
                        format!("error converting supplied value for segment_id: {e}")
                    });
                self
            }
        }
        impl ::std::convert::TryFrom<UsersExportSegmentRequest>
        for super::UsersExportSegmentRequest {
            type Error = super::error::ConversionError;
            fn try_from(
                value: UsersExportSegmentRequest,
            ) -> ::std::result::Result<Self, super::error::ConversionError> {
                Ok(Self {
                    callback_endpoint: value.callback_endpoint?,
                    fields_to_export: value.fields_to_export?,
                    output_format: value.output_format?,
                    segment_id: value.segment_id?,
                })
            }
        }
        impl ::std::convert::From<super::UsersExportSegmentRequest>
        for UsersExportSegmentRequest {
            fn from(value: super::UsersExportSegmentRequest) -> Self {
                Self {
                    callback_endpoint: Ok(value.callback_endpoint),
                    fields_to_export: Ok(value.fields_to_export),
                    output_format: Ok(value.output_format),
                    segment_id: Ok(value.segment_id),
                }
            }
        }
        #[derive(Clone, Debug)]
        pub struct UsersExportSegmentResponse {
            message: ::std::result::Result<::std::string::String, ::std::string::String>,
            object_prefix: ::std::result::Result<
                ::std::option::Option<::std::string::String>,
                ::std::string::String,
            >,
            url: ::std::result::Result<
                ::std::option::Option<::std::string::String>,
                ::std::string::String,
            >,
            extra: ::std::result::Result<
                ::serde_json::Map<::std::string::String, ::serde_json::Value>,
                ::std::string::String,
            >,
        }
        impl ::std::default::Default for UsersExportSegmentResponse {
            fn default() -> Self {
                Self {
                    message: Err("no value supplied for message".to_string()),
                    object_prefix: Ok(Default::default()),
                    url: Ok(Default::default()),
                    extra: Err("no value supplied for extra".to_string()),
                }
            }
        }
        impl UsersExportSegmentResponse {
            pub fn message<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::string::String>,
                T::Error: ::std::fmt::Display,
            {
                self.message = value
                    .try_into()
                    .map_err(|e| {
                        format!("error converting supplied value for message: {e}")
                    });
                self
            }
            pub fn object_prefix<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display,
            {
                self.object_prefix = value
                    .try_into()
                    .map_err(|e| {
                        format!("error converting supplied value for object_prefix: {e}")
                    });
                self
            }
            pub fn url<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display,
            {
                self.url = value
                    .try_into()
                    .map_err(|e| {
                        format!("error converting supplied value for url: {e}")
                    });
                self
            }
            pub fn extra<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                    ::serde_json::Map<::std::string::String, ::serde_json::Value>,
                >,
                T::Error: ::std::fmt::Display,
            {
                self.extra = value
                    .try_into()
                    .map_err(|e| {
                        format!("error converting supplied value for extra: {e}")
                    });
                self
            }
        }
        impl ::std::convert::TryFrom<UsersExportSegmentResponse>
        for super::UsersExportSegmentResponse {
            type Error = super::error::ConversionError;
            fn try_from(
                value: UsersExportSegmentResponse,
            ) -> ::std::result::Result<Self, super::error::ConversionError> {
                Ok(Self {
                    message: value.message?,
                    object_prefix: value.object_prefix?,
                    url: value.url?,
                    extra: value.extra?,
                })
            }
        }
        impl ::std::convert::From<super::UsersExportSegmentResponse>
        for UsersExportSegmentResponse {
            fn from(value: super::UsersExportSegmentResponse) -> Self {
                Self {
                    message: Ok(value.message),
                    object_prefix: Ok(value.object_prefix),
                    url: Ok(value.url),
                    extra: Ok(value.extra),
                }
            }
        }
    }
    /// Error types.
    pub mod error {
        /// Error from a `TryFrom` or `FromStr` implementation.
        pub struct ConversionError(::std::borrow::Cow<'static, str>);
        impl ::std::error::Error for ConversionError {}
        impl ::std::fmt::Display for ConversionError {
            fn fmt(
                &self,
                f: &mut ::std::fmt::Formatter<'_>,
            ) -> Result<(), ::std::fmt::Error> {
                ::std::fmt::Display::fmt(&self.0, f)
            }
        }
        impl ::std::fmt::Debug for ConversionError {
            fn fmt(
                &self,
                f: &mut ::std::fmt::Formatter<'_>,
            ) -> Result<(), ::std::fmt::Error> {
                ::std::fmt::Debug::fmt(&self.0, f)
            }
        }
        impl From<&'static str> for ConversionError {
            fn from(value: &'static str) -> Self {
                Self(value.into())
            }
        }
        impl From<String> for ConversionError {
            fn from(value: String) -> Self {
                Self(value.into())
            }
        }
    }
}
#[derive(Clone, Debug)]
/**Client for Braze REST API — segment export endpoints

The segment export endpoints of Braze's REST API, and the export of a segment's users, written by hand from
Braze's public documentation (<https://www.braze.com/docs/api/endpoints/export/segments/>,
<https://www.braze.com/docs/api/endpoints/export/user_data/post_users_segment/>). Only `message` is guaranteed in a response;
every other field may be missing or `null`, and Braze adds fields over time, so unknown properties are
allowed everywhere.

All five endpoints share the workspace's default rate limit of 250,000 requests per hour. Every response
Braze sends carries `X-RateLimit-Limit`, `X-RateLimit-Remaining` and `X-RateLimit-Reset` (UTC epoch seconds);
a 401 or 403 may carry them with empty values, and a proxy's 502 or 504 page carries none.


Version: 2024-07-25*/
pub struct Client {
    pub(crate) baseurl: String,
    pub(crate) client: reqwest::Client,
    pub(crate) inner: crate::Inner,
}
impl Client {
    /// Create a new client.
    ///
    /// `baseurl` is the base URL provided to the internal
    /// `reqwest::Client`, and should include a scheme and hostname,
    /// as well as port and a path stem if applicable.
    pub fn new(baseurl: &str, inner: crate::Inner) -> Self {
        #[cfg(not(target_arch = "wasm32"))]
        let client = {
            let dur = ::std::time::Duration::from_secs(15u64);
            reqwest::ClientBuilder::new().connect_timeout(dur).timeout(dur)
        };
        #[cfg(target_arch = "wasm32")]
        let client = reqwest::ClientBuilder::new();
        Self::new_with_client(baseurl, client.build().unwrap(), inner)
    }
    /// Construct a new client with an existing `reqwest::Client`,
    /// allowing more control over its configuration.
    ///
    /// `baseurl` is the base URL provided to the internal
    /// `reqwest::Client`, and should include a scheme and hostname,
    /// as well as port and a path stem if applicable.
    pub fn new_with_client(
        baseurl: &str,
        client: reqwest::Client,
        inner: crate::Inner,
    ) -> Self {
        Self {
            baseurl: baseurl.to_string(),
            client,
            inner,
        }
    }
}
impl ClientInfo<crate::Inner> for Client {
    fn api_version() -> &'static str {
        "2024-07-25"
    }
    fn baseurl(&self) -> &str {
        self.baseurl.as_str()
    }
    fn client(&self) -> &reqwest::Client {
        &self.client
    }
    fn inner(&self) -> &crate::Inner {
        &self.inner
    }
}
const _: () = {
    #[allow(dead_code)]
    fn assert_client_hooks()
    where
        Client: ClientHooks<crate::Inner>,
    {}
};
impl Client {
    /**List segments

Lists the workspace's segments, 100 a page, with their id, name, analytics-tracking flag and tags.
There is no total count and no next link: a page of fewer than 100 segments is the last.
Archived segments are not listed. Requires the `segments.list` permission.


Sends a `GET` request to `/segments/list`

Arguments:
- `page`: The page of segments to return, from 0. Each page holds up to 100 segments.
- `sort_direction`: `desc` lists the newest segments first; the default (or `asc`) lists the oldest first.
```ignore
let response = client.get_segments_list()
    .page(page)
    .sort_direction(sort_direction)
    .send()
    .await;
```*/
    pub fn get_segments_list(&self) -> builder::GetSegmentsList<'_> {
        builder::GetSegmentsList::new(self)
    }
    /**Get a segment's details

Returns the details of one segment: its name, the description Braze generates from its filters, the
description a person typed, its tags and teams, and when it was created and last updated. Only `message`
is guaranteed. Requires the `segments.details` permission.


Sends a `GET` request to `/segments/details`

Arguments:
- `segment_id`: The segment's API identifier, as listed by `/segments/list` or shown on the segment's page in the
dashboard.

```ignore
let response = client.get_segment_details()
    .segment_id(segment_id)
    .send()
    .await;
```*/
    pub fn get_segment_details(&self) -> builder::GetSegmentDetails<'_> {
        builder::GetSegmentDetails::new(self)
    }
    /**Get a segment's size over time

Returns the segment's estimated size for each day of a period of at most `length` days ending at
`ending_at` (now by default): fewer points for a younger segment, in no documented order. Requires the `segments.data_series` permission.


Sends a `GET` request to `/segments/data_series`

Arguments:
- `ending_at`: The date the series ends at, ISO 8601 (for example `2018-06-27T23:59:59-5:00`, Braze's own example,
which is not strict RFC 3339; hence a plain string). Defaults to now.

- `length`: The number of days before `ending_at` to return, from 1 to 100.
- `segment_id`: The segment's API identifier.
```ignore
let response = client.get_segment_data_series()
    .ending_at(ending_at)
    .length(length)
    .segment_id(segment_id)
    .send()
    .await;
```*/
    pub fn get_segment_data_series(&self) -> builder::GetSegmentDataSeries<'_> {
        builder::GetSegmentDataSeries::new(self)
    }
    /**Export the users of a segment

Starts an export of every user in a segment, with the fields asked for. Braze writes the users as
newline-delimited JSON files (about 5,000 users a file): to the workspace's own storage bucket when one is
configured (the response then has no `url`), otherwise to a ZIP archive behind `url`, a pre-signed link on
another host that answers an error until the export is ready and expires a few hours later. A workspace
runs at most one export per segment at a time (a second request is refused until the first completes) and
at most 100 at once. Requires the `users.export.segment` permission.


Sends a `POST` request to `/users/export/segment`

```ignore
let response = client.post_users_export_segment()
    .body(body)
    .send()
    .await;
```*/
    pub fn post_users_export_segment(&self) -> builder::PostUsersExportSegment<'_> {
        builder::PostUsersExportSegment::new(self)
    }
    /**Cancel a segment's users export

Cancels the running users export of a segment; its download link then never becomes ready. Requires the
`segments.list` permission.


Sends a `POST` request to `/export/segment/cancel`

```ignore
let response = client.post_export_segment_cancel()
    .body(body)
    .send()
    .await;
```*/
    pub fn post_export_segment_cancel(&self) -> builder::PostExportSegmentCancel<'_> {
        builder::PostExportSegmentCancel::new(self)
    }
}
/// Types for composing operation parameters.
#[allow(clippy::all)]
pub mod builder {
    use super::types;
    #[allow(unused_imports)]
    use super::{
        encode_path, ByteStream, ClientInfo, ClientHooks, Error, OperationInfo,
        RequestBuilderExt, ResponseValue,
    };
    /**Builder for [`Client::get_segments_list`]

[`Client::get_segments_list`]: super::Client::get_segments_list*/
    #[derive(Debug, Clone)]
    pub struct GetSegmentsList<'a> {
        client: &'a super::Client,
        page: Result<Option<u32>, String>,
        sort_direction: Result<Option<types::SortDirection>, String>,
    }
    impl<'a> GetSegmentsList<'a> {
        pub fn new(client: &'a super::Client) -> Self {
            Self {
                client: client,
                page: Ok(None),
                sort_direction: Ok(None),
            }
        }
        pub fn page<V>(mut self, value: V) -> Self
        where
            V: std::convert::TryInto<u32>,
        {
            self.page = value
                .try_into()
                .map(Some)
                .map_err(|_| "conversion to `u32` for page failed".to_string());
            self
        }
        pub fn sort_direction<V>(mut self, value: V) -> Self
        where
            V: std::convert::TryInto<types::SortDirection>,
        {
            self.sort_direction = value
                .try_into()
                .map(Some)
                .map_err(|_| {
                    "conversion to `SortDirection` for sort_direction failed".to_string()
                });
            self
        }
        ///Sends a `GET` request to `/segments/list`
        pub async fn send(
            self,
        ) -> Result<ResponseValue<types::SegmentList>, Error<types::BrazeError>> {
            let Self { client, page, sort_direction } = self;
            let page = page.map_err(Error::InvalidRequest)?;
            let sort_direction = sort_direction.map_err(Error::InvalidRequest)?;
            let url = format!("{}/segments/list", client.baseurl,);
            #[allow(unused_mut)]
            let mut header_map = ::reqwest::header::HeaderMap::with_capacity(0usize);
            #[allow(unused_mut)]
            let mut request = client
                .client
                .get(url)
                .header(
                    ::reqwest::header::ACCEPT,
                    ::reqwest::header::HeaderValue::from_static("application/json"),
                )
                .query(&progenitor_client::QueryParam::new("page", &page))
                .query(
                    &progenitor_client::QueryParam::new(
                        "sort_direction",
                        &sort_direction,
                    ),
                )
                .headers(header_map)
                .build()?;
            let info = OperationInfo {
                operation_id: "get_segments_list",
            };
            client.pre(&mut request, &info).await?;
            let result = client.exec(request, &info).await;
            client.post(&result, &info).await?;
            let response = result?;
            match response.status().as_u16() {
                200u16 => ResponseValue::from_response(response).await,
                202u16 => ResponseValue::from_response(response).await,
                400u16 => {
                    Err(
                        Error::ErrorResponse(
                            ResponseValue::from_response(response).await?,
                        ),
                    )
                }
                401u16 => {
                    Err(
                        Error::ErrorResponse(
                            ResponseValue::from_response(response).await?,
                        ),
                    )
                }
                403u16 => {
                    Err(
                        Error::ErrorResponse(
                            ResponseValue::from_response(response).await?,
                        ),
                    )
                }
                404u16 => {
                    Err(
                        Error::ErrorResponse(
                            ResponseValue::from_response(response).await?,
                        ),
                    )
                }
                429u16 => {
                    Err(
                        Error::ErrorResponse(
                            ResponseValue::from_response(response).await?,
                        ),
                    )
                }
                500u16..=599u16 => {
                    Err(
                        Error::ErrorResponse(
                            ResponseValue::from_response(response).await?,
                        ),
                    )
                }
                _ => Err(Error::UnexpectedResponse(response)),
            }
        }
    }
    /**Builder for [`Client::get_segment_details`]

[`Client::get_segment_details`]: super::Client::get_segment_details*/
    #[derive(Debug, Clone)]
    pub struct GetSegmentDetails<'a> {
        client: &'a super::Client,
        segment_id: Result<types::GetSegmentDetailsSegmentId, String>,
    }
    impl<'a> GetSegmentDetails<'a> {
        pub fn new(client: &'a super::Client) -> Self {
            Self {
                client: client,
                segment_id: Err("segment_id was not initialized".to_string()),
            }
        }
        pub fn segment_id<V>(mut self, value: V) -> Self
        where
            V: std::convert::TryInto<types::GetSegmentDetailsSegmentId>,
        {
            self.segment_id = value
                .try_into()
                .map_err(|_| {
                    "conversion to `GetSegmentDetailsSegmentId` for segment_id failed"
                        .to_string()
                });
            self
        }
        ///Sends a `GET` request to `/segments/details`
        pub async fn send(
            self,
        ) -> Result<ResponseValue<types::SegmentDetails>, Error<types::BrazeError>> {
            let Self { client, segment_id } = self;
            let segment_id = segment_id.map_err(Error::InvalidRequest)?;
            let url = format!("{}/segments/details", client.baseurl,);
            #[allow(unused_mut)]
            let mut header_map = ::reqwest::header::HeaderMap::with_capacity(0usize);
            #[allow(unused_mut)]
            let mut request = client
                .client
                .get(url)
                .header(
                    ::reqwest::header::ACCEPT,
                    ::reqwest::header::HeaderValue::from_static("application/json"),
                )
                .query(&progenitor_client::QueryParam::new("segment_id", &segment_id))
                .headers(header_map)
                .build()?;
            let info = OperationInfo {
                operation_id: "get_segment_details",
            };
            client.pre(&mut request, &info).await?;
            let result = client.exec(request, &info).await;
            client.post(&result, &info).await?;
            let response = result?;
            match response.status().as_u16() {
                200u16 => ResponseValue::from_response(response).await,
                202u16 => ResponseValue::from_response(response).await,
                400u16 => {
                    Err(
                        Error::ErrorResponse(
                            ResponseValue::from_response(response).await?,
                        ),
                    )
                }
                401u16 => {
                    Err(
                        Error::ErrorResponse(
                            ResponseValue::from_response(response).await?,
                        ),
                    )
                }
                403u16 => {
                    Err(
                        Error::ErrorResponse(
                            ResponseValue::from_response(response).await?,
                        ),
                    )
                }
                404u16 => {
                    Err(
                        Error::ErrorResponse(
                            ResponseValue::from_response(response).await?,
                        ),
                    )
                }
                429u16 => {
                    Err(
                        Error::ErrorResponse(
                            ResponseValue::from_response(response).await?,
                        ),
                    )
                }
                500u16..=599u16 => {
                    Err(
                        Error::ErrorResponse(
                            ResponseValue::from_response(response).await?,
                        ),
                    )
                }
                _ => Err(Error::UnexpectedResponse(response)),
            }
        }
    }
    /**Builder for [`Client::get_segment_data_series`]

[`Client::get_segment_data_series`]: super::Client::get_segment_data_series*/
    #[derive(Debug, Clone)]
    pub struct GetSegmentDataSeries<'a> {
        client: &'a super::Client,
        ending_at: Result<Option<::std::string::String>, String>,
        length: Result<::std::num::NonZeroU8, String>,
        segment_id: Result<types::GetSegmentDataSeriesSegmentId, String>,
    }
    impl<'a> GetSegmentDataSeries<'a> {
        pub fn new(client: &'a super::Client) -> Self {
            Self {
                client: client,
                ending_at: Ok(None),
                length: Err("length was not initialized".to_string()),
                segment_id: Err("segment_id was not initialized".to_string()),
            }
        }
        pub fn ending_at<V>(mut self, value: V) -> Self
        where
            V: std::convert::TryInto<::std::string::String>,
        {
            self.ending_at = value
                .try_into()
                .map(Some)
                .map_err(|_| {
                    "conversion to `:: std :: string :: String` for ending_at failed"
                        .to_string()
                });
            self
        }
        pub fn length<V>(mut self, value: V) -> Self
        where
            V: std::convert::TryInto<::std::num::NonZeroU8>,
        {
            self.length = value
                .try_into()
                .map_err(|_| {
                    "conversion to `:: std :: num :: NonZeroU8` for length failed"
                        .to_string()
                });
            self
        }
        pub fn segment_id<V>(mut self, value: V) -> Self
        where
            V: std::convert::TryInto<types::GetSegmentDataSeriesSegmentId>,
        {
            self.segment_id = value
                .try_into()
                .map_err(|_| {
                    "conversion to `GetSegmentDataSeriesSegmentId` for segment_id failed"
                        .to_string()
                });
            self
        }
        ///Sends a `GET` request to `/segments/data_series`
        pub async fn send(
            self,
        ) -> Result<ResponseValue<types::SegmentDataSeries>, Error<types::BrazeError>> {
            let Self { client, ending_at, length, segment_id } = self;
            let ending_at = ending_at.map_err(Error::InvalidRequest)?;
            let length = length.map_err(Error::InvalidRequest)?;
            let segment_id = segment_id.map_err(Error::InvalidRequest)?;
            let url = format!("{}/segments/data_series", client.baseurl,);
            #[allow(unused_mut)]
            let mut header_map = ::reqwest::header::HeaderMap::with_capacity(0usize);
            #[allow(unused_mut)]
            let mut request = client
                .client
                .get(url)
                .header(
                    ::reqwest::header::ACCEPT,
                    ::reqwest::header::HeaderValue::from_static("application/json"),
                )
                .query(&progenitor_client::QueryParam::new("ending_at", &ending_at))
                .query(&progenitor_client::QueryParam::new("length", &length))
                .query(&progenitor_client::QueryParam::new("segment_id", &segment_id))
                .headers(header_map)
                .build()?;
            let info = OperationInfo {
                operation_id: "get_segment_data_series",
            };
            client.pre(&mut request, &info).await?;
            let result = client.exec(request, &info).await;
            client.post(&result, &info).await?;
            let response = result?;
            match response.status().as_u16() {
                200u16 => ResponseValue::from_response(response).await,
                202u16 => ResponseValue::from_response(response).await,
                400u16 => {
                    Err(
                        Error::ErrorResponse(
                            ResponseValue::from_response(response).await?,
                        ),
                    )
                }
                401u16 => {
                    Err(
                        Error::ErrorResponse(
                            ResponseValue::from_response(response).await?,
                        ),
                    )
                }
                403u16 => {
                    Err(
                        Error::ErrorResponse(
                            ResponseValue::from_response(response).await?,
                        ),
                    )
                }
                404u16 => {
                    Err(
                        Error::ErrorResponse(
                            ResponseValue::from_response(response).await?,
                        ),
                    )
                }
                429u16 => {
                    Err(
                        Error::ErrorResponse(
                            ResponseValue::from_response(response).await?,
                        ),
                    )
                }
                500u16..=599u16 => {
                    Err(
                        Error::ErrorResponse(
                            ResponseValue::from_response(response).await?,
                        ),
                    )
                }
                _ => Err(Error::UnexpectedResponse(response)),
            }
        }
    }
    /**Builder for [`Client::post_users_export_segment`]

[`Client::post_users_export_segment`]: super::Client::post_users_export_segment*/
    #[derive(Debug, Clone)]
    pub struct PostUsersExportSegment<'a> {
        client: &'a super::Client,
        body: Result<types::builder::UsersExportSegmentRequest, String>,
    }
    impl<'a> PostUsersExportSegment<'a> {
        pub fn new(client: &'a super::Client) -> Self {
            Self {
                client: client,
                body: Ok(::std::default::Default::default()),
            }
        }
        pub fn body<V>(mut self, value: V) -> Self
        where
            V: std::convert::TryInto<types::UsersExportSegmentRequest>,
            <V as std::convert::TryInto<
                types::UsersExportSegmentRequest,
            >>::Error: std::fmt::Display,
        {
            self.body = value
                .try_into()
                .map(From::from)
                .map_err(|s| {
                    format!(
                        "conversion to `UsersExportSegmentRequest` for body failed: {}",
                        s
                    )
                });
            self
        }
        pub fn body_map<F>(mut self, f: F) -> Self
        where
            F: std::ops::FnOnce(
                types::builder::UsersExportSegmentRequest,
            ) -> types::builder::UsersExportSegmentRequest,
        {
            self.body = self.body.map(f);
            self
        }
        ///Sends a `POST` request to `/users/export/segment`
        pub async fn send(
            self,
        ) -> Result<
            ResponseValue<types::UsersExportSegmentResponse>,
            Error<types::BrazeError>,
        > {
            let Self { client, body } = self;
            let body = body
                .and_then(|v| {
                    types::UsersExportSegmentRequest::try_from(v)
                        .map_err(|e| e.to_string())
                })
                .map_err(Error::InvalidRequest)?;
            let url = format!("{}/users/export/segment", client.baseurl,);
            #[allow(unused_mut)]
            let mut header_map = ::reqwest::header::HeaderMap::with_capacity(0usize);
            #[allow(unused_mut)]
            let mut request = client
                .client
                .post(url)
                .header(
                    ::reqwest::header::ACCEPT,
                    ::reqwest::header::HeaderValue::from_static("application/json"),
                )
                .json(&body)
                .headers(header_map)
                .build()?;
            let info = OperationInfo {
                operation_id: "post_users_export_segment",
            };
            client.pre(&mut request, &info).await?;
            let result = client.exec(request, &info).await;
            client.post(&result, &info).await?;
            let response = result?;
            match response.status().as_u16() {
                200u16 => ResponseValue::from_response(response).await,
                201u16 => ResponseValue::from_response(response).await,
                202u16 => ResponseValue::from_response(response).await,
                400u16 => {
                    Err(
                        Error::ErrorResponse(
                            ResponseValue::from_response(response).await?,
                        ),
                    )
                }
                401u16 => {
                    Err(
                        Error::ErrorResponse(
                            ResponseValue::from_response(response).await?,
                        ),
                    )
                }
                403u16 => {
                    Err(
                        Error::ErrorResponse(
                            ResponseValue::from_response(response).await?,
                        ),
                    )
                }
                404u16 => {
                    Err(
                        Error::ErrorResponse(
                            ResponseValue::from_response(response).await?,
                        ),
                    )
                }
                429u16 => {
                    Err(
                        Error::ErrorResponse(
                            ResponseValue::from_response(response).await?,
                        ),
                    )
                }
                500u16..=599u16 => {
                    Err(
                        Error::ErrorResponse(
                            ResponseValue::from_response(response).await?,
                        ),
                    )
                }
                _ => Err(Error::UnexpectedResponse(response)),
            }
        }
    }
    /**Builder for [`Client::post_export_segment_cancel`]

[`Client::post_export_segment_cancel`]: super::Client::post_export_segment_cancel*/
    #[derive(Debug, Clone)]
    pub struct PostExportSegmentCancel<'a> {
        client: &'a super::Client,
        body: Result<types::builder::ExportSegmentCancelRequest, String>,
    }
    impl<'a> PostExportSegmentCancel<'a> {
        pub fn new(client: &'a super::Client) -> Self {
            Self {
                client: client,
                body: Ok(::std::default::Default::default()),
            }
        }
        pub fn body<V>(mut self, value: V) -> Self
        where
            V: std::convert::TryInto<types::ExportSegmentCancelRequest>,
            <V as std::convert::TryInto<
                types::ExportSegmentCancelRequest,
            >>::Error: std::fmt::Display,
        {
            self.body = value
                .try_into()
                .map(From::from)
                .map_err(|s| {
                    format!(
                        "conversion to `ExportSegmentCancelRequest` for body failed: {}",
                        s
                    )
                });
            self
        }
        pub fn body_map<F>(mut self, f: F) -> Self
        where
            F: std::ops::FnOnce(
                types::builder::ExportSegmentCancelRequest,
            ) -> types::builder::ExportSegmentCancelRequest,
        {
            self.body = self.body.map(f);
            self
        }
        ///Sends a `POST` request to `/export/segment/cancel`
        pub async fn send(
            self,
        ) -> Result<
            ResponseValue<types::ExportSegmentCancelResponse>,
            Error<types::BrazeError>,
        > {
            let Self { client, body } = self;
            let body = body
                .and_then(|v| {
                    types::ExportSegmentCancelRequest::try_from(v)
                        .map_err(|e| e.to_string())
                })
                .map_err(Error::InvalidRequest)?;
            let url = format!("{}/export/segment/cancel", client.baseurl,);
            #[allow(unused_mut)]
            let mut header_map = ::reqwest::header::HeaderMap::with_capacity(0usize);
            #[allow(unused_mut)]
            let mut request = client
                .client
                .post(url)
                .header(
                    ::reqwest::header::ACCEPT,
                    ::reqwest::header::HeaderValue::from_static("application/json"),
                )
                .json(&body)
                .headers(header_map)
                .build()?;
            let info = OperationInfo {
                operation_id: "post_export_segment_cancel",
            };
            client.pre(&mut request, &info).await?;
            let result = client.exec(request, &info).await;
            client.post(&result, &info).await?;
            let response = result?;
            match response.status().as_u16() {
                200u16 => ResponseValue::from_response(response).await,
                201u16 => ResponseValue::from_response(response).await,
                202u16 => ResponseValue::from_response(response).await,
                400u16 => {
                    Err(
                        Error::ErrorResponse(
                            ResponseValue::from_response(response).await?,
                        ),
                    )
                }
                401u16 => {
                    Err(
                        Error::ErrorResponse(
                            ResponseValue::from_response(response).await?,
                        ),
                    )
                }
                403u16 => {
                    Err(
                        Error::ErrorResponse(
                            ResponseValue::from_response(response).await?,
                        ),
                    )
                }
                404u16 => {
                    Err(
                        Error::ErrorResponse(
                            ResponseValue::from_response(response).await?,
                        ),
                    )
                }
                429u16 => {
                    Err(
                        Error::ErrorResponse(
                            ResponseValue::from_response(response).await?,
                        ),
                    )
                }
                500u16..=599u16 => {
                    Err(
                        Error::ErrorResponse(
                            ResponseValue::from_response(response).await?,
                        ),
                    )
                }
                _ => Err(Error::UnexpectedResponse(response)),
            }
        }
    }
}
/// Items consumers will typically use such as the Client.
pub mod prelude {
    pub use self::super::Client;
}
