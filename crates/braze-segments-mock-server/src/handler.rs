//! One request, in order: routing, counting, the key, an injected fault, the budget, then the
//! endpoint. The key comes before any fault: a request without it gets 401, never a fault.

use hyper::body::Incoming;
use hyper::header::HeaderValue;
use hyper::{Method, Request, StatusCode};

use crate::endpoints::{self, Query};
use crate::faults::Outcome;
use crate::reply::{self, DropConnection, Reply};
use crate::{auth, Endpoint, State};

pub(crate) async fn handle(state: &State, request: Request<Incoming>) -> Result<Reply, DropConnection> {
    let api = match route(request.method(), request.uri().path()) {
        Ok(api) => api,
        Err(refusal) => {
            state.counters.count_request(Endpoint::Other);
            return Ok(refusal.answer());
        }
    };
    state.counters.count_request(api.endpoint());
    let query: Query = url::form_urlencoded::parse(request.uri().query().unwrap_or("").as_bytes())
        .into_owned()
        .collect();
    if let Some(id) = query.get("segment_id") {
        // Only ids the dataset holds or held get a counter, so no request grows the map.
        if state.dataset.read().is_known(id) {
            state.counters.count_known_segment(id);
        }
    }

    if !state.key.accepts(request.headers()) {
        state.counters.count_unauthorized();
        return Ok(auth::unauthorized());
    }

    if let Some(fault) = state.faults.draw() {
        state.counters.count_fault(fault);
        let limit = state.config.rate_limit.map_or(250_000, |r| r.limit);
        match state.faults.inject(fault, limit).await {
            Outcome::Answer(answer) => return Ok(answer),
            Outcome::Drop(drop) => return Err(drop),
            Outcome::GoOn => {}
        }
    }

    let spent = state.budget.as_ref().map(|budget| budget.spend());
    let mut answer = match spent {
        Some(spent) if !spent.allowed => {
            state.counters.count_rate_limited();
            reply::error(StatusCode::TOO_MANY_REQUESTS, "API rate limit exceeded")
        }
        _ => match api {
            Api::List => endpoints::list(&state.dataset, &query),
            Api::Details => endpoints::details(&state.dataset, &query),
            Api::DataSeries => endpoints::data_series(&state.dataset, &query),
        },
    };
    if let Some(spent) = spent {
        reply::set_rate_headers(&mut answer, Some(spent.limit), Some(spent.remaining), Some(spent.reset));
    }
    Ok(answer)
}

/// An endpoint the stand-in serves.
#[derive(Clone, Copy)]
enum Api {
    List,
    Details,
    DataSeries,
}

impl Api {
    fn endpoint(self) -> Endpoint {
        match self {
            Api::List => Endpoint::List,
            Api::Details => Endpoint::Details,
            Api::DataSeries => Endpoint::DataSeries,
        }
    }
}

/// A request for something the stand-in does not serve.
enum Refusal {
    /// Any other path: 404.
    NotFound,
    /// Another method on a known path: 405 with `Allow: GET`.
    MethodNotAllowed,
}

impl Refusal {
    fn answer(self) -> Reply {
        match self {
            Refusal::NotFound => reply::error(StatusCode::NOT_FOUND, "Not Found"),
            Refusal::MethodNotAllowed => {
                let mut answer = reply::error(StatusCode::METHOD_NOT_ALLOWED, "Method Not Allowed");
                answer
                    .headers_mut()
                    .insert(hyper::header::ALLOW, HeaderValue::from_static("GET"));
                answer
            }
        }
    }
}

/// The endpoint a request is for.
fn route(method: &Method, path: &str) -> Result<Api, Refusal> {
    let api = match path {
        "/segments/list" => Api::List,
        "/segments/details" => Api::Details,
        "/segments/data_series" => Api::DataSeries,
        _ => return Err(Refusal::NotFound),
    };
    if method != Method::GET {
        return Err(Refusal::MethodNotAllowed);
    }
    Ok(api)
}
