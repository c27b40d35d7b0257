//! The client a command calls Braze with: the built-in stand-in under `--demo`, otherwise the
//! workspace the environment and the connection flags name.

use braze_segments::{Client, Error, Instance};
use braze_segments_mock_server::{MockBraze, MockConfig};

use crate::args::ConnectionArgs;
use crate::term::{note, shown};
use crate::workspace::Workspace;
use crate::Failure;

/// The client, the workspace it reads (for the export's sidecar), and the stand-in it calls
/// under `--demo`, which runs for as long as the command does.
pub struct Connected {
    pub client: Client,
    pub workspace: Workspace,
    pub _demo: Option<MockBraze>,
}

pub async fn connect(connection: &ConnectionArgs) -> Result<Connected, Failure> {
    if !connection.demo {
        let (client, workspace) = configured_client(connection)?;
        return Ok(Connected {
            client,
            workspace,
            _demo: None,
        });
    }
    // A users export of the demo is ready after a second: one "waiting" line shows how the
    // command waits, without the wait the stand-in's default (two seconds) costs.
    let demo = MockConfig {
        users_export_ready_after: std::time::Duration::from_secs(1),
        ..MockConfig::default()
    };
    let braze = MockBraze::start(demo).await.map_err(|e| Failure {
        code: 1,
        message: format!("cannot start the stand-in server: {e}"),
    })?;
    note!("demo: using the built-in stand-in Braze at {}", braze.url());
    let client = Client::builder()
        .api_key(braze.api_key())
        .endpoint(braze.url())
        .retry(retry_policy(connection))
        .budget(budget(connection))
        .build()?;
    // Every demo serves the same dataset from a new port: one workspace for resuming.
    let workspace = Workspace {
        endpoint: crate::workspace::DEMO.into(),
        key: braze.api_key().to_owned(),
    };
    Ok(Connected {
        client,
        workspace,
        _demo: Some(braze),
    })
}

/// The budget from --reserve and --budget-share.
fn budget(connection: &ConnectionArgs) -> braze_segments::RateBudget {
    let budget = braze_segments::RateBudget::use_all().reserve(connection.reserve.unwrap_or(0));
    match connection.budget_share {
        // Checked by clap already (and again by the client's build).
        Some(share) => budget.share(share),
        None => budget,
    }
}

fn retry_policy(connection: &ConnectionArgs) -> braze_segments::RetryPolicy {
    braze_segments::RetryPolicy::default().max_attempts(connection.max_attempts())
}

/// A key for checking an endpoint on its own: any key the SDK accepts.
const PROBE_KEY: &str = "endpoint-check";

/// What `--endpoint` says: an instance name stands for its REST URL, anything else is a URL.
/// A URL with a scheme is checked as the client is built (see [`probe`]).
fn endpoint_flag(value: &str) -> Result<String, Failure> {
    let value = value.trim();
    if let Ok(instance) = value.parse::<Instance>() {
        return Ok(instance.rest_url().to_owned());
    }
    if value.contains("://") {
        return Ok(value.to_owned());
    }
    probe(value).map(|client| client.endpoint().to_owned())
}

/// A client on `url` with a key the SDK accepts, to tell whether `url` itself is refused: if
/// it is, a usage error naming `--endpoint` with the SDK's reason (which never echoes what
/// might be a secret).
fn probe(url: &str) -> Result<Client, Failure> {
    Client::builder().api_key(PROBE_KEY).endpoint(url).build().map_err(|e| {
        let reason = match e {
            Error::Config(reason) => reason.to_string(),
            other => other.to_string(),
        };
        Failure {
            code: 2,
            message: format!("invalid --endpoint: {}", shown(&reason)),
        }
    })
}

/// The client, and the workspace it reads.
fn configured_client(connection: &ConnectionArgs) -> Result<(Client, Workspace), Failure> {
    // The SDK reads BRAZE_API_KEY and BRAZE_REST_ENDPOINT; --endpoint/--instance stand in for the latter.
    let endpoint = match (&connection.endpoint, connection.instance) {
        (Some(value), _) => Some(endpoint_flag(value)?),
        (None, Some(instance)) => Some(instance.rest_url().to_owned()),
        (None, None) => None,
    };
    let lookup = |name: &str| match (name, &endpoint) {
        (braze_segments::ENV_REST_ENDPOINT, Some(endpoint)) => Some(endpoint.clone()),
        _ => std::env::var(name).ok(),
    };
    let builder = Client::builder()
        .retry(retry_policy(connection))
        .budget(budget(connection))
        .from_lookup(lookup)
        .map_err(|e| {
            let no_endpoint =
                matches!(&e, Error::Config(c) if c.missing_variable() == Some(braze_segments::ENV_REST_ENDPOINT));
            let mut failure = Failure::from(e);
            if no_endpoint {
                failure
                    .message
                    .push_str(": set it to your instance (e.g. US-03) or REST URL, or pass --instance/--endpoint");
            }
            failure
                .message
                .push_str("; or try --demo to run against the built-in stand-in server");
            failure
        })?;
    let client = builder.build().map_err(|e| {
        // An error about the endpoint names the flag it came from.
        let from_flag = connection.endpoint.as_ref().and(endpoint.as_deref());
        match from_flag.map(probe) {
            Some(Err(failure)) => failure,
            _ => Failure::from(e),
        }
    })?;
    let workspace = Workspace {
        endpoint: client.endpoint().to_owned(),
        // As the SDK reads it (trimmed); set, or building would have failed.
        key: lookup(braze_segments::ENV_API_KEY)
            .unwrap_or_default()
            .trim()
            .to_owned(),
    };
    Ok((client, workspace))
}
