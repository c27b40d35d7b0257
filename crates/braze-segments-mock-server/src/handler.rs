//! One request, in order: routing, counting, the key, an injected fault (a script's, else a
//! random one), the budget, then the endpoint (which reads a POST's body). The key comes before
//! any fault: a request without it gets 401, never a fault.

use hyper::body::Incoming;
use hyper::header::HeaderValue;
use hyper::{Method, Request, StatusCode};

use crate::endpoints::{self, Query};
use crate::faults::{self, Outcome};
use crate::reply::{self, DropConnection, Reply};
use crate::{auth, users, Endpoint, State};

pub(crate) async fn handle(state: &State, request: Request<Incoming>) -> Result<Reply, DropConnection> {
    let api = match route(request.method(), request.uri().path()) {
        Ok(api) => api,
        Err(refusal) => {
            state.counters.count_request(Endpoint::Other);
            // Braze's own answers, so with its rate-limit headers (spending nothing).
            let mut answer = refusal.answer();
            reply::set_budget_headers(&mut answer, state.budget.as_ref().map(|b| b.peek()));
            return Ok(answer);
        }
    };
    state.counters.count_request(api.endpoint());
    let raw_query = request.uri().query().unwrap_or("");
    let query: Query = url::form_urlencoded::parse(raw_query.as_bytes()).into_owned().collect();
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

    let mut shuffle = None;
    let (method, path) = (request.method().as_str(), request.uri().path());
    let segment = query.get("segment_id").map(String::as_str);
    let drawn = match state.scripts.take(api.endpoint(), segment) {
        Some(fault) => Some(faults::Faults::scripted(fault, method, path, raw_query)),
        None => state.faults.draw(api.endpoint(), method, path, raw_query),
    };
    if let Some(drawn) = drawn {
        state.counters.count_fault(api.endpoint(), drawn.fault);
        match state.faults.inject(drawn, state.budget.as_ref()).await {
            Outcome::Answer(answer) => return Ok(answer),
            Outcome::Drop(drop) => return Err(drop),
            Outcome::GoOn { shuffle: seed } => shuffle = seed,
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
            Api::DataSeries => endpoints::data_series(&state.dataset, &query, shuffle),
            Api::UsersExport => users::export(state, request.into_body()).await,
            Api::ExportCancel => users::cancel(state, request.into_body()).await,
        },
    };
    reply::set_budget_headers(&mut answer, spent);
    Ok(answer)
}

/// An endpoint the stand-in serves.
#[derive(Clone, Copy)]
enum Api {
    List,
    Details,
    DataSeries,
    UsersExport,
    ExportCancel,
}

impl Api {
    fn endpoint(self) -> Endpoint {
        match self {
            Api::List => Endpoint::List,
            Api::Details => Endpoint::Details,
            Api::DataSeries => Endpoint::DataSeries,
            Api::UsersExport => Endpoint::UsersExportSegment,
            Api::ExportCancel => Endpoint::ExportSegmentCancel,
        }
    }

    /// The methods it answers, as an `Allow` header says them.
    fn allow(self) -> &'static str {
        match self {
            Api::List | Api::Details | Api::DataSeries => "GET, HEAD",
            Api::UsersExport | Api::ExportCancel => "POST",
        }
    }
}

/// A request for something the stand-in does not serve.
enum Refusal {
    /// Any other path: 404.
    NotFound,
    /// Another method on a known path: 405 with `Allow` naming the methods it answers.
    MethodNotAllowed(&'static str),
}

impl Refusal {
    fn answer(self) -> Reply {
        match self {
            Refusal::NotFound => reply::error(StatusCode::NOT_FOUND, "Not Found"),
            Refusal::MethodNotAllowed(allow) => {
                let mut answer = reply::error(StatusCode::METHOD_NOT_ALLOWED, "Method Not Allowed");
                answer
                    .headers_mut()
                    .insert(hyper::header::ALLOW, HeaderValue::from_static(allow));
                answer
            }
        }
    }
}

/// The endpoint a request is for. `HEAD` is answered as `GET` is, without the body (hyper
/// leaves it out), as web frameworks answer it: same key check, faults, budget and headers. The
/// users exports' paths answer `POST` only.
fn route(method: &Method, path: &str) -> Result<Api, Refusal> {
    let api = match path {
        "/segments/list" => Api::List,
        "/segments/details" => Api::Details,
        "/segments/data_series" => Api::DataSeries,
        "/users/export/segment" => Api::UsersExport,
        "/export/segment/cancel" => Api::ExportCancel,
        _ => return Err(Refusal::NotFound),
    };
    let allowed = match api {
        Api::UsersExport | Api::ExportCancel => method == Method::POST,
        Api::List | Api::Details | Api::DataSeries => method == Method::GET || method == Method::HEAD,
    };
    if !allowed {
        return Err(Refusal::MethodNotAllowed(api.allow()));
    }
    Ok(api)
}
