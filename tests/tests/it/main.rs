//! The workspace's end-to-end tests, as one binary (each file a module): the SDK and the stand-in
//! over real HTTP on loopback (httpmock, the stand-in, raw TCP and TLS servers).
//!
//! The proxy tests set proxy variables in the environment: they own their process, in
//! `tests/proxy.rs`.

mod budget;
mod clock_skew;
mod export;
mod export_listing_bounds;
mod export_series;
mod export_shifts;
mod faults;
mod fuzz_decoding;
mod generated_client;
mod hostile;
mod mock_server;
mod mock_server_connections;
mod mock_server_dataset;
mod mock_server_edges;
mod mock_server_faults;
mod mock_server_hostile;
mod mock_server_scripts;
mod mock_server_users;
mod mock_server_users_requests;
mod mock_users;
mod response_meta;
mod sdk_errors;
mod sdk_redaction;
mod sdk_retries;
mod sdk_security;
mod sdk_tracing;
mod tls;
mod users_archive_hostile;
mod users_download;
mod users_export;
