// generated from openapi/braze-segments.yaml by `cargo xtask generate`; do not edit.
// Change the spec (or the settings in crates/braze-segments-codegen), then regenerate.

pub mod operations {
    //! [`When`](::httpmock::When) and [`Then`](::httpmock::Then)
    //! wrappers for each operation. Each can be converted to
    //! its inner type with a call to `into_inner()`. This can
    //! be used to explicitly deviate from permitted values.
    use braze_segments_api::*;
    pub struct GetSegmentsListWhen(::httpmock::When);
    impl GetSegmentsListWhen {
        pub fn new(inner: ::httpmock::When) -> Self {
            Self(
                inner
                    .method(::httpmock::Method::GET)
                    .path_matches(regex::Regex::new("^/segments/list$").unwrap()),
            )
        }
        pub fn into_inner(self) -> ::httpmock::When {
            self.0
        }
        pub fn page<T>(self, value: T) -> Self
        where
            T: Into<Option<u32>>,
        {
            if let Some(value) = value.into() {
                Self(self.0.query_param("page", value.to_string()))
            } else {
                Self(self.0.query_param_missing("page"))
            }
        }
        pub fn sort_direction<T>(self, value: T) -> Self
        where
            T: Into<Option<types::SortDirection>>,
        {
            if let Some(value) = value.into() {
                Self(self.0.query_param("sort_direction", value.to_string()))
            } else {
                Self(self.0.query_param_missing("sort_direction"))
            }
        }
    }
    pub struct GetSegmentsListThen(::httpmock::Then);
    impl GetSegmentsListThen {
        pub fn new(inner: ::httpmock::Then) -> Self {
            Self(inner)
        }
        pub fn into_inner(self) -> ::httpmock::Then {
            self.0
        }
        pub fn ok(self, value: &types::SegmentList) -> Self {
            Self(
                self
                    .0
                    .status(200u16)
                    .header("content-type", "application/json")
                    .json_body_obj(value),
            )
        }
        pub fn accepted(self, value: &types::SegmentList) -> Self {
            Self(
                self
                    .0
                    .status(202u16)
                    .header("content-type", "application/json")
                    .json_body_obj(value),
            )
        }
        pub fn bad_request(self, value: &types::BrazeError) -> Self {
            Self(
                self
                    .0
                    .status(400u16)
                    .header("content-type", "application/json")
                    .json_body_obj(value),
            )
        }
        pub fn unauthorized(self, value: &types::BrazeError) -> Self {
            Self(
                self
                    .0
                    .status(401u16)
                    .header("content-type", "application/json")
                    .json_body_obj(value),
            )
        }
        pub fn forbidden(self, value: &types::BrazeError) -> Self {
            Self(
                self
                    .0
                    .status(403u16)
                    .header("content-type", "application/json")
                    .json_body_obj(value),
            )
        }
        pub fn not_found(self, value: &types::BrazeError) -> Self {
            Self(
                self
                    .0
                    .status(404u16)
                    .header("content-type", "application/json")
                    .json_body_obj(value),
            )
        }
        pub fn too_many_requests(self, value: &types::BrazeError) -> Self {
            Self(
                self
                    .0
                    .status(429u16)
                    .header("content-type", "application/json")
                    .json_body_obj(value),
            )
        }
        pub fn server_error(self, status: u16, value: &types::BrazeError) -> Self {
            assert_eq!(status / 100u16, 5u16);
            Self(
                self
                    .0
                    .status(status)
                    .header("content-type", "application/json")
                    .json_body_obj(value),
            )
        }
    }
    pub struct GetSegmentDetailsWhen(::httpmock::When);
    impl GetSegmentDetailsWhen {
        pub fn new(inner: ::httpmock::When) -> Self {
            Self(
                inner
                    .method(::httpmock::Method::GET)
                    .path_matches(regex::Regex::new("^/segments/details$").unwrap()),
            )
        }
        pub fn into_inner(self) -> ::httpmock::When {
            self.0
        }
        pub fn segment_id(self, value: &types::GetSegmentDetailsSegmentId) -> Self {
            Self(self.0.query_param("segment_id", value.to_string()))
        }
    }
    pub struct GetSegmentDetailsThen(::httpmock::Then);
    impl GetSegmentDetailsThen {
        pub fn new(inner: ::httpmock::Then) -> Self {
            Self(inner)
        }
        pub fn into_inner(self) -> ::httpmock::Then {
            self.0
        }
        pub fn ok(self, value: &types::SegmentDetails) -> Self {
            Self(
                self
                    .0
                    .status(200u16)
                    .header("content-type", "application/json")
                    .json_body_obj(value),
            )
        }
        pub fn accepted(self, value: &types::SegmentDetails) -> Self {
            Self(
                self
                    .0
                    .status(202u16)
                    .header("content-type", "application/json")
                    .json_body_obj(value),
            )
        }
        pub fn bad_request(self, value: &types::BrazeError) -> Self {
            Self(
                self
                    .0
                    .status(400u16)
                    .header("content-type", "application/json")
                    .json_body_obj(value),
            )
        }
        pub fn unauthorized(self, value: &types::BrazeError) -> Self {
            Self(
                self
                    .0
                    .status(401u16)
                    .header("content-type", "application/json")
                    .json_body_obj(value),
            )
        }
        pub fn forbidden(self, value: &types::BrazeError) -> Self {
            Self(
                self
                    .0
                    .status(403u16)
                    .header("content-type", "application/json")
                    .json_body_obj(value),
            )
        }
        pub fn not_found(self, value: &types::BrazeError) -> Self {
            Self(
                self
                    .0
                    .status(404u16)
                    .header("content-type", "application/json")
                    .json_body_obj(value),
            )
        }
        pub fn too_many_requests(self, value: &types::BrazeError) -> Self {
            Self(
                self
                    .0
                    .status(429u16)
                    .header("content-type", "application/json")
                    .json_body_obj(value),
            )
        }
        pub fn server_error(self, status: u16, value: &types::BrazeError) -> Self {
            assert_eq!(status / 100u16, 5u16);
            Self(
                self
                    .0
                    .status(status)
                    .header("content-type", "application/json")
                    .json_body_obj(value),
            )
        }
    }
    pub struct GetSegmentDataSeriesWhen(::httpmock::When);
    impl GetSegmentDataSeriesWhen {
        pub fn new(inner: ::httpmock::When) -> Self {
            Self(
                inner
                    .method(::httpmock::Method::GET)
                    .path_matches(regex::Regex::new("^/segments/data_series$").unwrap()),
            )
        }
        pub fn into_inner(self) -> ::httpmock::When {
            self.0
        }
        pub fn ending_at<'a, T>(self, value: T) -> Self
        where
            T: Into<Option<&'a str>>,
        {
            if let Some(value) = value.into() {
                Self(self.0.query_param("ending_at", value.to_string()))
            } else {
                Self(self.0.query_param_missing("ending_at"))
            }
        }
        pub fn length(self, value: ::std::num::NonZeroU8) -> Self {
            Self(self.0.query_param("length", value.to_string()))
        }
        pub fn segment_id(self, value: &types::GetSegmentDataSeriesSegmentId) -> Self {
            Self(self.0.query_param("segment_id", value.to_string()))
        }
    }
    pub struct GetSegmentDataSeriesThen(::httpmock::Then);
    impl GetSegmentDataSeriesThen {
        pub fn new(inner: ::httpmock::Then) -> Self {
            Self(inner)
        }
        pub fn into_inner(self) -> ::httpmock::Then {
            self.0
        }
        pub fn ok(self, value: &types::SegmentDataSeries) -> Self {
            Self(
                self
                    .0
                    .status(200u16)
                    .header("content-type", "application/json")
                    .json_body_obj(value),
            )
        }
        pub fn accepted(self, value: &types::SegmentDataSeries) -> Self {
            Self(
                self
                    .0
                    .status(202u16)
                    .header("content-type", "application/json")
                    .json_body_obj(value),
            )
        }
        pub fn bad_request(self, value: &types::BrazeError) -> Self {
            Self(
                self
                    .0
                    .status(400u16)
                    .header("content-type", "application/json")
                    .json_body_obj(value),
            )
        }
        pub fn unauthorized(self, value: &types::BrazeError) -> Self {
            Self(
                self
                    .0
                    .status(401u16)
                    .header("content-type", "application/json")
                    .json_body_obj(value),
            )
        }
        pub fn forbidden(self, value: &types::BrazeError) -> Self {
            Self(
                self
                    .0
                    .status(403u16)
                    .header("content-type", "application/json")
                    .json_body_obj(value),
            )
        }
        pub fn not_found(self, value: &types::BrazeError) -> Self {
            Self(
                self
                    .0
                    .status(404u16)
                    .header("content-type", "application/json")
                    .json_body_obj(value),
            )
        }
        pub fn too_many_requests(self, value: &types::BrazeError) -> Self {
            Self(
                self
                    .0
                    .status(429u16)
                    .header("content-type", "application/json")
                    .json_body_obj(value),
            )
        }
        pub fn server_error(self, status: u16, value: &types::BrazeError) -> Self {
            assert_eq!(status / 100u16, 5u16);
            Self(
                self
                    .0
                    .status(status)
                    .header("content-type", "application/json")
                    .json_body_obj(value),
            )
        }
    }
    pub struct PostUsersExportSegmentWhen(::httpmock::When);
    impl PostUsersExportSegmentWhen {
        pub fn new(inner: ::httpmock::When) -> Self {
            Self(
                inner
                    .method(::httpmock::Method::POST)
                    .path_matches(regex::Regex::new("^/users/export/segment$").unwrap()),
            )
        }
        pub fn into_inner(self) -> ::httpmock::When {
            self.0
        }
        pub fn body(self, value: &types::UsersExportSegmentRequest) -> Self {
            Self(self.0.json_body_obj(value))
        }
    }
    pub struct PostUsersExportSegmentThen(::httpmock::Then);
    impl PostUsersExportSegmentThen {
        pub fn new(inner: ::httpmock::Then) -> Self {
            Self(inner)
        }
        pub fn into_inner(self) -> ::httpmock::Then {
            self.0
        }
        pub fn created(self, value: &types::UsersExportSegmentResponse) -> Self {
            Self(
                self
                    .0
                    .status(201u16)
                    .header("content-type", "application/json")
                    .json_body_obj(value),
            )
        }
        pub fn ok(self, value: &types::UsersExportSegmentResponse) -> Self {
            Self(
                self
                    .0
                    .status(200u16)
                    .header("content-type", "application/json")
                    .json_body_obj(value),
            )
        }
        pub fn accepted(self, value: &types::UsersExportSegmentResponse) -> Self {
            Self(
                self
                    .0
                    .status(202u16)
                    .header("content-type", "application/json")
                    .json_body_obj(value),
            )
        }
        pub fn bad_request(self, value: &types::BrazeError) -> Self {
            Self(
                self
                    .0
                    .status(400u16)
                    .header("content-type", "application/json")
                    .json_body_obj(value),
            )
        }
        pub fn unauthorized(self, value: &types::BrazeError) -> Self {
            Self(
                self
                    .0
                    .status(401u16)
                    .header("content-type", "application/json")
                    .json_body_obj(value),
            )
        }
        pub fn forbidden(self, value: &types::BrazeError) -> Self {
            Self(
                self
                    .0
                    .status(403u16)
                    .header("content-type", "application/json")
                    .json_body_obj(value),
            )
        }
        pub fn not_found(self, value: &types::BrazeError) -> Self {
            Self(
                self
                    .0
                    .status(404u16)
                    .header("content-type", "application/json")
                    .json_body_obj(value),
            )
        }
        pub fn too_many_requests(self, value: &types::BrazeError) -> Self {
            Self(
                self
                    .0
                    .status(429u16)
                    .header("content-type", "application/json")
                    .json_body_obj(value),
            )
        }
        pub fn server_error(self, status: u16, value: &types::BrazeError) -> Self {
            assert_eq!(status / 100u16, 5u16);
            Self(
                self
                    .0
                    .status(status)
                    .header("content-type", "application/json")
                    .json_body_obj(value),
            )
        }
    }
    pub struct PostExportSegmentCancelWhen(::httpmock::When);
    impl PostExportSegmentCancelWhen {
        pub fn new(inner: ::httpmock::When) -> Self {
            Self(
                inner
                    .method(::httpmock::Method::POST)
                    .path_matches(regex::Regex::new("^/export/segment/cancel$").unwrap()),
            )
        }
        pub fn into_inner(self) -> ::httpmock::When {
            self.0
        }
        pub fn body(self, value: &types::ExportSegmentCancelRequest) -> Self {
            Self(self.0.json_body_obj(value))
        }
    }
    pub struct PostExportSegmentCancelThen(::httpmock::Then);
    impl PostExportSegmentCancelThen {
        pub fn new(inner: ::httpmock::Then) -> Self {
            Self(inner)
        }
        pub fn into_inner(self) -> ::httpmock::Then {
            self.0
        }
        pub fn created(self, value: &types::ExportSegmentCancelResponse) -> Self {
            Self(
                self
                    .0
                    .status(201u16)
                    .header("content-type", "application/json")
                    .json_body_obj(value),
            )
        }
        pub fn ok(self, value: &types::ExportSegmentCancelResponse) -> Self {
            Self(
                self
                    .0
                    .status(200u16)
                    .header("content-type", "application/json")
                    .json_body_obj(value),
            )
        }
        pub fn accepted(self, value: &types::ExportSegmentCancelResponse) -> Self {
            Self(
                self
                    .0
                    .status(202u16)
                    .header("content-type", "application/json")
                    .json_body_obj(value),
            )
        }
        pub fn bad_request(self, value: &types::BrazeError) -> Self {
            Self(
                self
                    .0
                    .status(400u16)
                    .header("content-type", "application/json")
                    .json_body_obj(value),
            )
        }
        pub fn unauthorized(self, value: &types::BrazeError) -> Self {
            Self(
                self
                    .0
                    .status(401u16)
                    .header("content-type", "application/json")
                    .json_body_obj(value),
            )
        }
        pub fn forbidden(self, value: &types::BrazeError) -> Self {
            Self(
                self
                    .0
                    .status(403u16)
                    .header("content-type", "application/json")
                    .json_body_obj(value),
            )
        }
        pub fn not_found(self, value: &types::BrazeError) -> Self {
            Self(
                self
                    .0
                    .status(404u16)
                    .header("content-type", "application/json")
                    .json_body_obj(value),
            )
        }
        pub fn too_many_requests(self, value: &types::BrazeError) -> Self {
            Self(
                self
                    .0
                    .status(429u16)
                    .header("content-type", "application/json")
                    .json_body_obj(value),
            )
        }
        pub fn server_error(self, status: u16, value: &types::BrazeError) -> Self {
            assert_eq!(status / 100u16, 5u16);
            Self(
                self
                    .0
                    .status(status)
                    .header("content-type", "application/json")
                    .json_body_obj(value),
            )
        }
    }
}
/// An extension trait for [`MockServer`](::httpmock::MockServer) that
/// adds a method for each operation. These are the equivalent of
/// type-checked [`mock()`](::httpmock::MockServer::mock) calls.
pub trait MockServerExt {
    fn get_segments_list<F>(&self, config_fn: F) -> ::httpmock::Mock<'_>
    where
        F: FnOnce(operations::GetSegmentsListWhen, operations::GetSegmentsListThen);
    fn get_segment_details<F>(&self, config_fn: F) -> ::httpmock::Mock<'_>
    where
        F: FnOnce(operations::GetSegmentDetailsWhen, operations::GetSegmentDetailsThen);
    fn get_segment_data_series<F>(&self, config_fn: F) -> ::httpmock::Mock<'_>
    where
        F: FnOnce(
            operations::GetSegmentDataSeriesWhen,
            operations::GetSegmentDataSeriesThen,
        );
    fn post_users_export_segment<F>(&self, config_fn: F) -> ::httpmock::Mock<'_>
    where
        F: FnOnce(
            operations::PostUsersExportSegmentWhen,
            operations::PostUsersExportSegmentThen,
        );
    fn post_export_segment_cancel<F>(&self, config_fn: F) -> ::httpmock::Mock<'_>
    where
        F: FnOnce(
            operations::PostExportSegmentCancelWhen,
            operations::PostExportSegmentCancelThen,
        );
}
impl MockServerExt for ::httpmock::MockServer {
    fn get_segments_list<F>(&self, config_fn: F) -> ::httpmock::Mock<'_>
    where
        F: FnOnce(operations::GetSegmentsListWhen, operations::GetSegmentsListThen),
    {
        self.mock(|when, then| {
            config_fn(
                operations::GetSegmentsListWhen::new(when),
                operations::GetSegmentsListThen::new(then),
            )
        })
    }
    fn get_segment_details<F>(&self, config_fn: F) -> ::httpmock::Mock<'_>
    where
        F: FnOnce(operations::GetSegmentDetailsWhen, operations::GetSegmentDetailsThen),
    {
        self.mock(|when, then| {
            config_fn(
                operations::GetSegmentDetailsWhen::new(when),
                operations::GetSegmentDetailsThen::new(then),
            )
        })
    }
    fn get_segment_data_series<F>(&self, config_fn: F) -> ::httpmock::Mock<'_>
    where
        F: FnOnce(
            operations::GetSegmentDataSeriesWhen,
            operations::GetSegmentDataSeriesThen,
        ),
    {
        self.mock(|when, then| {
            config_fn(
                operations::GetSegmentDataSeriesWhen::new(when),
                operations::GetSegmentDataSeriesThen::new(then),
            )
        })
    }
    fn post_users_export_segment<F>(&self, config_fn: F) -> ::httpmock::Mock<'_>
    where
        F: FnOnce(
            operations::PostUsersExportSegmentWhen,
            operations::PostUsersExportSegmentThen,
        ),
    {
        self.mock(|when, then| {
            config_fn(
                operations::PostUsersExportSegmentWhen::new(when),
                operations::PostUsersExportSegmentThen::new(then),
            )
        })
    }
    fn post_export_segment_cancel<F>(&self, config_fn: F) -> ::httpmock::Mock<'_>
    where
        F: FnOnce(
            operations::PostExportSegmentCancelWhen,
            operations::PostExportSegmentCancelThen,
        ),
    {
        self.mock(|when, then| {
            config_fn(
                operations::PostExportSegmentCancelWhen::new(when),
                operations::PostExportSegmentCancelThen::new(then),
            )
        })
    }
}
