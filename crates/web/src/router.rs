//! Every route, registered through [`Routes`], which records each (method, path) as it adds
//! it. The authorization-matrix test enumerates [`route_list`] — the router's own list — so a
//! route added here without a row in that table fails the test.

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
    fn put<H: Handler<T, AppState>, T: 'static>(self, path: &'static str, handler: H) -> Self {
        self.add(Method::PUT, path, handler)
    }
    fn patch<H: Handler<T, AppState>, T: 'static>(self, path: &'static str, handler: H) -> Self {
        self.add(Method::PATCH, path, handler)
    }
    fn delete<H: Handler<T, AppState>, T: 'static>(self, path: &'static str, handler: H) -> Self {
        self.add(Method::DELETE, path, handler)
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
    // API
    .get("/api/openapi.json", api::openapi_json)
    .get("/api/v1/me", api::me::me)
    .get("/api/v1/programs", api::programs::list)
    .post("/api/v1/programs", api::programs::create)
    .get("/api/v1/programs/{program}", api::programs::get)
    .get(
        "/api/v1/programs/{program}/memberships",
        api::memberships::list,
    )
    .post(
        "/api/v1/programs/{program}/memberships",
        api::memberships::create,
    )
    .delete("/api/v1/memberships/{membership}", api::memberships::delete)
    .get("/api/v1/org-units", api::org_units::list)
    .post("/api/v1/org-units", api::org_units::create)
    .get("/api/v1/org-units/{org_unit}", api::org_units::get)
    .get("/api/v1/people", api::people::list)
    .post("/api/v1/people", api::people::create)
    .get("/api/v1/people/{person}", api::people::get)
    .patch("/api/v1/people/{person}", api::people::update)
    .get("/api/v1/audit", api::audit::list)
    .get(
        "/api/v1/programs/{program}/matching/settings",
        api::matching::get_settings,
    )
    .put(
        "/api/v1/programs/{program}/matching/settings",
        api::matching::put_settings,
    )
    .post(
        "/api/v1/programs/{program}/matching/capacities",
        api::matching::set_capacity,
    )
    .get(
        "/api/v1/programs/{program}/matching/rules",
        api::matching::list_rules,
    )
    .post(
        "/api/v1/programs/{program}/matching/rules",
        api::matching::create_rule,
    )
    .delete("/api/v1/matching/rules/{rule}", api::matching::delete_rule)
    .post(
        "/api/v1/programs/{program}/matching/preferences",
        api::matching::set_preferences,
    )
    .get(
        "/api/v1/programs/{program}/matching/proposals",
        api::matching::list_proposals,
    )
    .post(
        "/api/v1/programs/{program}/matching/proposals",
        api::matching::create_proposal,
    )
    .get(
        "/api/v1/matching/proposals/{proposal}",
        api::matching::get_proposal,
    )
    .post(
        "/api/v1/matching/proposals/{proposal}/approve",
        api::matching::approve_proposal,
    )
    .post(
        "/api/v1/programs/{program}/matching/mentor-left",
        api::matching::mentor_left,
    )
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
        pages::research::scheduling,
    )
    .post(
        "/programs/{program}/scheduling/availability",
        pages::research::save_availability,
    )
    .post(
        "/programs/{program}/scheduling/sessions",
        pages::research::schedule,
    )
    .post(
        "/programs/{program}/scheduling/feed",
        pages::research::new_feed,
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
    .get(
        "/api/v1/programs/{program}/activities",
        api::field::list_activities,
    )
    .post(
        "/api/v1/programs/{program}/activities",
        api::field::record_activity,
    )
    .get("/api/v1/activities/{activity}", api::field::get_activity)
    .post("/api/v1/actions/{action}", api::field::update_action)
    .get(
        "/api/v1/programs/{program}/courses",
        api::field::list_courses,
    )
    .post(
        "/api/v1/programs/{program}/courses",
        api::field::create_course,
    )
    .post(
        "/api/v1/courses/{course}/completions",
        api::field::record_completion,
    )
    .post(
        "/api/v1/pairings/{pairing}/activate",
        api::field::activate_pairing,
    )
    .post(
        "/api/v1/pairings/{pairing}/override",
        api::field::override_gate,
    )
    .get("/api/v1/programs/{program}/dose", api::field::dose)
    .get("/api/v1/programs/{program}/dose.csv", api::field::dose_csv)
    .get("/api/v1/programs/{program}/sites", api::field::list_sites)
    .post("/api/v1/programs/{program}/sites", api::field::add_site)
    .post(
        "/api/v1/programs/{program}/assessments",
        api::field::record_assessment,
    )
    .post(
        "/api/v1/programs/{program}/sites/{facility}/activate",
        api::field::activate_site,
    )
    // Monitoring and evaluation (C2, C10)
    .get(
        "/api/v1/programs/{program}/data-elements",
        api::indicators::list_data_elements,
    )
    .post(
        "/api/v1/programs/{program}/data-elements",
        api::indicators::create_data_element,
    )
    .post(
        "/api/v1/programs/{program}/data-values",
        api::indicators::save_values,
    )
    .get(
        "/api/v1/programs/{program}/completeness",
        api::indicators::completeness,
    )
    .get(
        "/api/v1/programs/{program}/indicators",
        api::indicators::list_indicators,
    )
    .post(
        "/api/v1/programs/{program}/indicators",
        api::indicators::create_indicator,
    )
    .get(
        "/api/v1/programs/{program}/targets",
        api::indicators::list_targets,
    )
    .post(
        "/api/v1/programs/{program}/targets",
        api::indicators::propose_target,
    )
    .post(
        "/api/v1/targets/{target}/sign",
        api::indicators::sign_target,
    )
    .get(
        "/api/v1/programs/{program}/dhis2/dataValueSets.json",
        api::indicators::dhis2_export,
    )
    // Research projects and outputs (C11)
    .get(
        "/api/v1/programs/{program}/projects",
        api::research::list_projects,
    )
    .post(
        "/api/v1/programs/{program}/projects",
        api::research::create_project,
    )
    .get("/api/v1/projects/{project}", api::research::get_project)
    .post(
        "/api/v1/projects/{project}/stage",
        api::research::move_project,
    )
    .post("/api/v1/projects/{project}/roles", api::research::add_roles)
    .post("/api/v1/projects/{project}/tasks", api::research::add_task)
    .post("/api/v1/tasks/{task}/done", api::research::set_task_done)
    .get(
        "/api/v1/programs/{program}/outputs",
        api::research::list_outputs,
    )
    .post(
        "/api/v1/programs/{program}/outputs",
        api::research::create_output,
    )
    .get(
        "/api/v1/programs/{program}/outputs.bib",
        api::research::export_bibtex,
    )
    .get(
        "/api/v1/programs/{program}/outputs.csl.json",
        api::research::export_csl_json,
    )
    // Scheduling and participation (C7, C12)
    .get(
        "/api/v1/people/{person}/availability",
        api::scheduling::get_availability,
    )
    .put(
        "/api/v1/people/{person}/availability",
        api::scheduling::put_availability,
    )
    .post(
        "/api/v1/programs/{program}/scheduling/slots",
        api::scheduling::find_slots,
    )
    .post(
        "/api/v1/programs/{program}/scheduling/series",
        api::scheduling::plan_series,
    )
    .get(
        "/api/v1/programs/{program}/sessions",
        api::scheduling::list_sessions,
    )
    .post(
        "/api/v1/programs/{program}/sessions",
        api::scheduling::create_sessions,
    )
    .post(
        "/api/v1/sessions/{session}/attendance",
        api::scheduling::record_attendance,
    )
    .post(
        "/api/v1/sessions/{session}/reschedule",
        api::scheduling::reschedule,
    )
    .post("/api/v1/sessions/{session}/cancel", api::scheduling::cancel)
    .get(
        "/api/v1/sessions/{session}/invite.ics",
        api::scheduling::invite,
    )
    .post("/api/v1/me/calendar-feed", api::scheduling::new_feed)
    .get("/calendar/{token}/feed.ics", api::scheduling::feed)
    .get(
        "/api/v1/programs/{program}/participation",
        api::scheduling::participation,
    )
    .post(
        "/api/v1/programs/{program}/participation/nudges",
        api::scheduling::queue_nudges,
    )
    // Matching preferences stated by mentees and mentors themselves (C5)
    .get("/programs/{program}/preferences", pages::preferences::show)
    .post("/programs/{program}/preferences", pages::preferences::save)
    .get(
        "/api/v1/programs/{program}/matching/preferences",
        api::matching::get_preferences,
    )
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
    .get(
        "/api/v1/programs/{program}/facility-matching/settings",
        api::facility_matching::get_settings,
    )
    .put(
        "/api/v1/programs/{program}/facility-matching/settings",
        api::facility_matching::put_settings,
    )
    .post(
        "/api/v1/programs/{program}/facility-matching/coupling-proposals",
        api::facility_matching::propose_coupling,
    )
    .post(
        "/api/v1/programs/{program}/facility-matching/team-proposals",
        api::facility_matching::propose_teams,
    )
    .get(
        "/api/v1/programs/{program}/facility-matching/proposals",
        api::facility_matching::list_proposals,
    )
    .get(
        "/api/v1/facility-matching/proposals/{proposal}",
        api::facility_matching::get_proposal,
    )
    .post(
        "/api/v1/facility-matching/proposals/{proposal}/approve",
        api::facility_matching::approve_proposal,
    )
    .get(
        "/api/v1/programs/{program}/facility-matching/couplings",
        api::facility_matching::list_couplings,
    )
    .get(
        "/api/v1/programs/{program}/facility-matching/teams",
        api::facility_matching::list_teams,
    )
}

/// The application: routes, error rendering, compression.
pub fn app(state: AppState) -> Router {
    routes()
        .router
        .fallback(pages::not_found)
        .method_not_allowed_fallback(form_address_by_get)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            pages::errors::render_errors,
        ))
        .layer(tower_http::compression::CompressionLayer::new())
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
        route_list()
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
pub fn route_list() -> Vec<(Method, &'static str)> {
    routes().list
}
