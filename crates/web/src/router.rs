//! Every route: the pages through [`Routes`], which records each (method, path) as it adds it,
//! and the API through `api::router`, whose document lists its operations. The
//! authorization-matrix test enumerates [`route_list`] — the router's own list — so a route
//! added without a row in that table fails the test.

use crate::{AppState, api, pages};
use axum::Router;
use axum::handler::Handler;
use axum::http::{Method, StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{MethodFilter, on};

/// A router that remembers its routes.
struct Routes {
    router: Router<AppState>,
    list: Vec<(Method, &'static str)>,
}

impl Routes {
    fn add<H, T>(mut self, method: Method, path: &'static str, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        let filter = MethodFilter::try_from(method.clone()).unwrap_or(MethodFilter::GET);
        self.router = self.router.route(path, on(filter, handler));
        self.list.push((method, path));
        self
    }
    fn get<H: Handler<T, AppState>, T: 'static>(self, path: &'static str, handler: H) -> Self {
        self.add(Method::GET, path, handler)
    }
    fn post<H: Handler<T, AppState>, T: 'static>(self, path: &'static str, handler: H) -> Self {
        self.add(Method::POST, path, handler)
    }
}

fn routes() -> Routes {
    Routes {
        router: Router::new(),
        list: Vec::new(),
    }
    // Service
    .get("/healthz", pages::healthz)
    .get("/static/style.css", pages::stylesheet)
    .post("/language", pages::set_language)
    // Pages
    .get("/", pages::programs::home)
    .get("/login", pages::session::login_form)
    .post("/login", pages::session::login)
    .post("/logout", pages::session::logout)
    .get("/programs/{program}", pages::programs::overview)
    .get("/programs/{program}/people", pages::people::list)
    .get("/programs/{program}/memberships", pages::memberships::list)
    .post("/programs/{program}/memberships", pages::memberships::add)
    .get("/programs/{program}/matching", pages::matching::program)
    .post(
        "/programs/{program}/matching/settings",
        pages::matching::save_settings,
    )
    .post(
        "/programs/{program}/matching/rules",
        pages::matching::add_rule,
    )
    .post(
        "/matching/rules/{rule}/delete",
        pages::matching::delete_rule,
    )
    .post(
        "/programs/{program}/matching/proposals",
        pages::matching::run,
    )
    .post(
        "/programs/{program}/matching/mentor-left",
        pages::matching::mentor_left,
    )
    .get("/matching/proposals/{proposal}", pages::matching::proposal)
    .get(
        "/matching/proposals/{proposal}/pairs.xlsx",
        pages::matching::proposal_xlsx,
    )
    .post(
        "/matching/proposals/{proposal}/approve",
        pages::matching::approve,
    )
    .get("/people/new", pages::people::new_form)
    .post("/people", pages::people::create)
    .get("/people/{person}", pages::people::profile)
    .get("/people/{person}/edit", pages::people::edit_form)
    .post("/people/{person}", pages::people::update)
    .get("/org-units", pages::org_units::tree)
    .get("/org-units/{org_unit}", pages::org_units::unit)
    .get("/account/tokens", pages::session::tokens)
    .post("/account/tokens", pages::session::create_token)
    .post(
        "/account/tokens/{api_token}/revoke",
        pages::session::revoke_token,
    )
    .get("/admin/lockouts", pages::admin::lockouts)
    .post("/admin/lockouts/unlock", pages::admin::unlock)
    // API
    .get("/api/openapi.json", api::openapi_json)
    // Research collaborative pages (C7, C11, C12)
    .get("/programs/{program}/research", pages::research::board)
    .post(
        "/programs/{program}/research/projects",
        pages::research::create_project,
    )
    .get("/research/projects/{project}", pages::research::project)
    .post(
        "/research/projects/{project}/stage",
        pages::research::move_stage,
    )
    .post(
        "/research/projects/{project}/roles",
        pages::research::add_role,
    )
    .post(
        "/research/projects/{project}/tasks",
        pages::research::add_task,
    )
    .post("/research/tasks/{task}/done", pages::research::task_done)
    .get(
        "/programs/{program}/participation",
        pages::research::participation,
    )
    .post(
        "/programs/{program}/participation/nudges",
        pages::research::queue_nudges,
    )
    .get(
        "/programs/{program}/scheduling",
        pages::scheduling::scheduling,
    )
    .post(
        "/programs/{program}/scheduling/availability",
        pages::scheduling::save_availability,
    )
    .post(
        "/programs/{program}/scheduling/sessions",
        pages::scheduling::schedule,
    )
    .post(
        "/programs/{program}/scheduling/feed",
        pages::scheduling::new_feed,
    )
    // The quarterly report (C10)
    .get("/programs/{program}/dashboard", pages::reports::dashboard)
    .get("/programs/{program}/data-entry", pages::reports::data_entry)
    .post("/programs/{program}/data-entry", pages::reports::save_entry)
    .get("/programs/{program}/targets", pages::reports::targets)
    .post("/targets/{target}/sign", pages::reports::sign)
    .get("/programs/{program}/report", pages::reports::page)
    .get("/programs/{program}/report.pdf", pages::reports::pdf)
    .get("/programs/{program}/report.csv", pages::reports::csv)
    .get("/programs/{program}/report.xlsx", pages::reports::xlsx)
    // Field mentorship pages (C3, C4, C6)
    .get("/programs/{program}/visits", pages::field::visits)
    .get("/programs/{program}/visits/new", pages::field::new_visit)
    .post("/programs/{program}/visits", pages::field::record_visit)
    .get("/activities/{activity}", pages::field::activity)
    .get(
        "/programs/{program}/sites/{facility}",
        pages::field::facility,
    )
    .post("/actions/{action}/status", pages::field::action_status)
    .get("/programs/{program}/mentees/{person}", pages::field::mentee)
    // Mentorship in the field (C3, C4, C6)
    // Monitoring and evaluation (C2, C10)
    // Research projects and outputs (C11)
    // Scheduling and participation (C7, C12)
    .get("/calendar/{token}/feed.ics", api::scheduling::feed)
    // Matching preferences stated by mentees and mentors themselves (C5)
    .get("/programs/{program}/preferences", pages::preferences::show)
    .post("/programs/{program}/preferences", pages::preferences::save)
    // Facility coupling and mentor team formation (C5)
    .get(
        "/programs/{program}/facility-matching",
        pages::facility_matching::program,
    )
    .post(
        "/programs/{program}/facility-matching/settings",
        pages::facility_matching::save_settings,
    )
    .post(
        "/programs/{program}/facility-matching/coupling-proposals",
        pages::facility_matching::run_coupling,
    )
    .post(
        "/programs/{program}/facility-matching/team-proposals",
        pages::facility_matching::run_teams,
    )
    .get(
        "/facility-matching/proposals/{proposal}",
        pages::facility_matching::proposal,
    )
    .post(
        "/facility-matching/proposals/{proposal}/approve",
        pages::facility_matching::approve,
    )
}

/// The application: routes, error rendering, compression.
pub fn app(state: AppState) -> Router {
    let (api, _) = api::router().split_for_parts();
    routes()
        .router
        .merge(api)
        .fallback(pages::not_found)
        .method_not_allowed_fallback(form_address_by_get)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            pages::errors::render_errors,
        ))
        .layer(tower_http::compression::CompressionLayer::new())
        .layer(axum::middleware::from_fn(crate::trace::request_span))
        .with_state(state)
}

/// A page address that only takes a form's POST, asked for with another method. A refused
/// form is shown at the address it was posted to, so a browser asks for that address by GET
/// when its page is reopened from history or the language is switched on it: such a GET is
/// sent to the nearest page above the address. The API, and any other method, keep the 405.
async fn form_address_by_get(method: Method, uri: Uri) -> Response {
    let path = uri.path();
    if method != Method::GET || path.starts_with("/api/") {
        return StatusCode::METHOD_NOT_ALLOWED.into_response();
    }
    Redirect::to(&page_above(path)).into_response()
}

/// The nearest address above `path` (dropping one segment at a time) that the router serves
/// by GET, else the home page.
fn page_above(path: &str) -> String {
    static PAGES: std::sync::OnceLock<Vec<Vec<&'static str>>> = std::sync::OnceLock::new();
    let pages = PAGES.get_or_init(|| {
        routes()
            .list
            .into_iter()
            .filter(|(method, path)| *method == Method::GET && !path.starts_with("/api/"))
            .map(|(_, path)| path.split('/').collect())
            .collect()
    });
    let mut segments: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    while segments.len() > 2 {
        segments.pop();
        let served = pages.iter().any(|pattern| {
            pattern.len() == segments.len()
                && pattern
                    .iter()
                    .zip(&segments)
                    .all(|(want, got)| want == got || want.starts_with('{'))
        });
        if served {
            return segments.join("/");
        }
    }
    "/".to_owned()
}

/// Every (method, path) the router serves.
pub fn route_list() -> Vec<(Method, String)> {
    let mut list: Vec<(Method, String)> = routes()
        .list
        .into_iter()
        .map(|(method, path)| (method, path.to_owned()))
        .collect();
    for (path, item) in api::document().paths.paths {
        let operations = [
            (Method::GET, &item.get),
            (Method::POST, &item.post),
            (Method::PUT, &item.put),
            (Method::PATCH, &item.patch),
            (Method::DELETE, &item.delete),
            (Method::HEAD, &item.head),
            (Method::OPTIONS, &item.options),
            (Method::TRACE, &item.trace),
        ];
        for (method, operation) in operations {
            if operation.is_some() {
                list.push((method, path.clone()));
            }
        }
    }
    list
}
