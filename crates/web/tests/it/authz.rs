//! The authorization matrix: role × route × relation. Every route the router has is
//! enumerated from the router itself (`web::route_list`); a route missing from the table
//! fails the test, so nobody can add an endpoint without deciding who may use it.
//!
//! Columns: personas in the order Anonymous, Outsider (signed in, no role), Mentee, Mentor,
//! Leader (facility leader of F1), Regional (viewer of R1), Manager, Admin. Each cell holds
//! four letters for the target's relation to the persona: own, same facility (F1), same region
//! (F2), other region (F3). `Y` = allowed (any status but 401/403 or a bounce to sign-in), `N` =
//! denied. The mentee and mentor personas work at F1; the mentor mentors the F1 target.

use super::support::{Fixture, PASSWORD, Persona, TestApp};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};

#[derive(Clone, Copy)]
enum Rel {
    Own,
    SameFacility,
    SameRegion,
    OtherRegion,
}

const RELATIONS: [Rel; 4] = [
    Rel::Own,
    Rel::SameFacility,
    Rel::SameRegion,
    Rel::OtherRegion,
];

/// (method, route, body template, expectation per persona)
type Row = (&'static str, &'static str, &'static str, [&'static str; 8]);

const ALL: [&str; 8] = ["YYYY"; 8];
const SIGNED_IN: [&str; 8] = [
    "NNNN", "YYYY", "YYYY", "YYYY", "YYYY", "YYYY", "YYYY", "YYYY",
];
const MEMBERS: [&str; 8] = [
    "NNNN", "NNNN", "YYYY", "YYYY", "YYYY", "YYYY", "YYYY", "YYYY",
];
const MANAGERS: [&str; 8] = [
    "NNNN", "NNNN", "NNNN", "NNNN", "NNNN", "NNNN", "YYYY", "YYYY",
];
const ADMINS: [&str; 8] = [
    "NNNN", "NNNN", "NNNN", "NNNN", "NNNN", "NNNN", "NNNN", "YYYY",
];
/// A token's owner may revoke it; an administrator anyone's. "Own" is the persona's spare
/// token, the other relations another account's.
const TOKEN_OWNERS: [&str; 8] = [
    "NNNN", "YNNN", "YNNN", "YNNN", "YNNN", "YNNN", "YNNN", "YYYY",
];
const SEE_PERSON: [&str; 8] = [
    "NNNN", "YNNN", "YNNN", "YYNN", "YYNN", "YYYN", "YYYY", "YYYY",
];
const EDIT_PERSON: [&str; 8] = [
    "NNNN", "YNNN", "YNNN", "YNNN", "YNNN", "YNNN", "YYYY", "YYYY",
];
/// Who may follow up the fixture's action item (owned by the mentee, agreed at a check-in at
/// F1 with the mentor): its owner, the mentor who took part, F1's leader, managers.
const ACTION_FOLLOWERS: [&str; 8] = [
    "NNNN", "NNNN", "YYYY", "YYYY", "YYYY", "NNNN", "YYYY", "YYYY",
];
const CONTRIBUTORS: [&str; 8] = [
    "NNNN", "NNNN", "YYYY", "YYYY", "NNNN", "NNNN", "YYYY", "YYYY",
];
const SEE_PERSON_IN_PROGRAM: [&str; 8] = [
    "NNNN", "NNNN", "YNNN", "YYNN", "YYNN", "YYYN", "YYYY", "YYYY",
];
const REPORTERS: [&str; 8] = [
    "NNNN", "NNNN", "NNNN", "YYYY", "YYYY", "NNNN", "YYYY", "YYYY",
];
const SEE_UNIT: [&str; 8] = [
    "NNNN", "NNNN", "YYNN", "YYNN", "YYNN", "YYYN", "YYYY", "YYYY",
];

const SETTINGS_FORM: &str = "language=300&working_hours=40&distance=30&experience=10&preference=50&continuity=200&target_experience_gap=5&unassigned_cost=100000&default_capacity=3&cadre_pairs=";
const PERSON_FORM: &str = "name=Renamed+Person&time_zone=Africa%2FAddis_Ababa";
const PERSON_JSON: &str = r#"{"name":"New Person","time_zone":"Africa/Lagos"}"#;

const TABLE: &[Row] = &[
    ("GET", "/healthz", "", ALL),
    ("GET", "/static/style.css", "", ALL),
    ("POST", "/language", "lang=fr", ALL),
    ("GET", "/", "", SIGNED_IN),
    ("GET", "/login", "", ALL),
    ("POST", "/login", "(login)", ALL),
    ("POST", "/logout", "", SIGNED_IN),
    ("GET", "/programs/{program}", "", MEMBERS),
    ("GET", "/programs/{program}/people", "", MEMBERS),
    ("GET", "/programs/{program}/memberships", "", MEMBERS),
    (
        "POST",
        "/programs/{program}/memberships",
        "person={person}&role=mentor&org_unit={F1}",
        MANAGERS,
    ),
    ("GET", "/programs/{program}/matching", "", MANAGERS),
    (
        "POST",
        "/programs/{program}/matching/settings",
        SETTINGS_FORM,
        MANAGERS,
    ),
    (
        "POST",
        "/programs/{program}/matching/rules",
        "kind=forbid&mentee={person}&mentor={mentor}",
        MANAGERS,
    ),
    ("POST", "/matching/rules/{rule}/delete", "", MANAGERS),
    (
        "POST",
        "/programs/{program}/matching/proposals",
        "",
        MANAGERS,
    ),
    (
        "POST",
        "/programs/{program}/matching/mentor-left",
        "mentor={mentor}",
        MANAGERS,
    ),
    ("GET", "/matching/proposals/{proposal}", "", MANAGERS),
    (
        "GET",
        "/matching/proposals/{proposal}/pairs.xlsx",
        "",
        MANAGERS,
    ),
    (
        "POST",
        "/matching/proposals/{proposal}/approve",
        "",
        MANAGERS,
    ),
    ("GET", "/people/new", "", MANAGERS),
    ("POST", "/people", PERSON_FORM, MANAGERS),
    ("GET", "/people/{person}", "", SEE_PERSON),
    ("GET", "/people/{person}/edit", "", EDIT_PERSON),
    ("POST", "/people/{person}", PERSON_FORM, EDIT_PERSON),
    ("GET", "/org-units", "", SIGNED_IN),
    ("GET", "/org-units/{org_unit}", "", SEE_UNIT),
    ("GET", "/account/tokens", "", SIGNED_IN),
    ("POST", "/account/tokens", "name=script", SIGNED_IN),
    (
        "POST",
        "/account/tokens/{api_token}/revoke",
        "",
        TOKEN_OWNERS,
    ),
    ("GET", "/admin/lockouts", "", ADMINS),
    (
        "POST",
        "/admin/lockouts/unlock",
        "key=account%3Amentor%40example.org",
        ADMINS,
    ),
    ("GET", "/api/openapi.json", "", ALL),
    ("GET", "/api/v1/me", "", SIGNED_IN),
    ("GET", "/api/v1/programs", "", SIGNED_IN),
    (
        "POST",
        "/api/v1/programs",
        r#"{"code":"new_program","name":"New","kind":"peer_research"}"#,
        ADMINS,
    ),
    ("GET", "/api/v1/programs/{program}", "", MEMBERS),
    ("GET", "/api/v1/programs/{program}/memberships", "", MEMBERS),
    (
        "POST",
        "/api/v1/programs/{program}/memberships",
        r#"{"person":{person},"role":"mentor","org_unit":{F1}}"#,
        MANAGERS,
    ),
    ("DELETE", "/api/v1/memberships/{membership}", "", MANAGERS),
    ("GET", "/api/v1/org-units", "", SIGNED_IN),
    (
        "POST",
        "/api/v1/org-units",
        r#"{"parent_code":"D1","level":"facility","code":"F{n}","name":"New facility"}"#,
        MANAGERS,
    ),
    ("GET", "/api/v1/org-units/{org_unit}", "", SEE_UNIT),
    ("GET", "/api/v1/people?program={program}", "", MEMBERS),
    ("POST", "/api/v1/people", PERSON_JSON, MANAGERS),
    ("GET", "/api/v1/people/{person}", "", SEE_PERSON),
    (
        "PATCH",
        "/api/v1/people/{person}",
        r#"{"name":"Patched Person"}"#,
        EDIT_PERSON,
    ),
    ("GET", "/api/v1/audit", "", ADMINS),
    (
        "GET",
        "/api/v1/programs/{program}/matching/settings",
        "",
        MANAGERS,
    ),
    (
        "PUT",
        "/api/v1/programs/{program}/matching/settings",
        r#"{"default_capacity":2}"#,
        MANAGERS,
    ),
    (
        "POST",
        "/api/v1/programs/{program}/matching/capacities",
        r#"{"mentor":{mentor},"capacity":2}"#,
        MANAGERS,
    ),
    (
        "GET",
        "/api/v1/programs/{program}/matching/rules",
        "",
        MANAGERS,
    ),
    (
        "POST",
        "/api/v1/programs/{program}/matching/rules",
        r#"{"kind":"forbid","mentee":{person},"mentor":{mentor}}"#,
        MANAGERS,
    ),
    ("DELETE", "/api/v1/matching/rules/{rule}", "", MANAGERS),
    // Any member may try: mentees and mentors state their own (someone else's is a 422 on
    // `person`, see `preferences.rs`), managers anyone's; leaders and viewers get a 422.
    (
        "POST",
        "/api/v1/programs/{program}/matching/preferences",
        r#"{"person":{person},"ranked":[]}"#,
        MEMBERS,
    ),
    (
        "GET",
        "/api/v1/programs/{program}/matching/proposals",
        "",
        MANAGERS,
    ),
    (
        "POST",
        "/api/v1/programs/{program}/matching/proposals",
        "",
        MANAGERS,
    ),
    ("GET", "/api/v1/matching/proposals/{proposal}", "", MANAGERS),
    (
        "POST",
        "/api/v1/matching/proposals/{proposal}/approve",
        "",
        MANAGERS,
    ),
    (
        "POST",
        "/api/v1/programs/{program}/matching/mentor-left",
        r#"{"mentor":{mentor}}"#,
        MANAGERS,
    ),
    // The quarterly report (C10)
    ("GET", "/programs/{program}/dashboard", "", MEMBERS),
    ("GET", "/programs/{program}/data-entry", "", MEMBERS),
    (
        "POST",
        "/programs/{program}/data-entry",
        "unit=F1&period=202609&de.OPERATIONS=12",
        REPORTERS,
    ),
    ("GET", "/programs/{program}/targets", "", MEMBERS),
    ("POST", "/targets/{target}/sign", "group=mentors", MEMBERS),
    ("GET", "/programs/{program}/report", "", MEMBERS),
    ("GET", "/programs/{program}/report.pdf", "", MEMBERS),
    ("GET", "/programs/{program}/report.csv", "", MEMBERS),
    ("GET", "/programs/{program}/report.xlsx", "", MEMBERS),
    // Monitoring and evaluation (C2, C10)
    (
        "GET",
        "/api/v1/programs/{program}/data-elements",
        "",
        MEMBERS,
    ),
    (
        "POST",
        "/api/v1/programs/{program}/data-elements",
        r#"{"code":"DE{n}","name":"Element","value_type":"integer"}"#,
        MANAGERS,
    ),
    (
        "POST",
        "/api/v1/programs/{program}/data-values",
        r#"[{"data_element_code":"OPERATIONS","org_unit_code":"F1","period":"202609","value":12}]"#,
        REPORTERS,
    ),
    (
        "GET",
        "/api/v1/programs/{program}/completeness?from=2026-01-01&to=2026-03-31",
        "",
        MEMBERS,
    ),
    ("GET", "/api/v1/programs/{program}/indicators", "", MEMBERS),
    (
        "POST",
        "/api/v1/programs/{program}/indicators",
        r##"{"code":"I{n}","name":"Ops","category":"input","numerator":"#{OPERATIONS}","denominator":"1","factor":1}"##,
        MANAGERS,
    ),
    ("GET", "/api/v1/programs/{program}/targets", "", MEMBERS),
    (
        "POST",
        "/api/v1/programs/{program}/targets",
        r#"{"indicator":"SSI_RATE","org_unit":"F1","period":"2026Q4","value":2}"#,
        MANAGERS,
    ),
    (
        "POST",
        "/api/v1/targets/{target}/sign",
        r#"{"group":"mentors"}"#,
        MEMBERS,
    ),
    (
        "GET",
        "/api/v1/programs/{program}/dhis2/dataValueSets.json?from=2026-01-01&to=2026-12-31",
        "",
        MANAGERS,
    ),
    // Field mentorship pages (C3, C4, C6)
    ("GET", "/programs/{program}/visits", "", MEMBERS),
    ("GET", "/programs/{program}/visits/new", "", CONTRIBUTORS),
    (
        "POST",
        "/programs/{program}/visits",
        "facility={F1}&starts_on=2026-11-02&ends_on=2026-11-03&mentors={mentor}",
        CONTRIBUTORS,
    ),
    ("GET", "/activities/{activity}", "", MEMBERS),
    ("GET", "/programs/{program}/sites/{facility}", "", MEMBERS),
    (
        "POST",
        "/actions/{action}/status",
        "status=done",
        ACTION_FOLLOWERS,
    ),
    (
        "GET",
        "/programs/{program}/mentees/{person}",
        "",
        SEE_PERSON_IN_PROGRAM,
    ),
    // Mentorship in the field (C3, C4, C6)
    ("GET", "/api/v1/programs/{program}/activities", "", MEMBERS),
    (
        "POST",
        "/api/v1/programs/{program}/activities",
        r#"{"kind":"check_in","starts_at":"2026-11-20T10:00:00Z","channel":"whatsapp","participants":[{"person":{mentor},"role":"mentor","attended":true}]}"#,
        CONTRIBUTORS,
    ),
    ("GET", "/api/v1/activities/{activity}", "", MEMBERS),
    (
        "POST",
        "/api/v1/actions/{action}",
        r#"{"status":"done"}"#,
        ACTION_FOLLOWERS,
    ),
    ("GET", "/api/v1/programs/{program}/courses", "", MEMBERS),
    (
        "POST",
        "/api/v1/programs/{program}/courses",
        r#"{"code":"c{n}","title":"Course","hours":2}"#,
        MANAGERS,
    ),
    (
        "POST",
        "/api/v1/courses/{course}/completions",
        r#"{"person":{mentor},"completed_on":"2026-11-01"}"#,
        MANAGERS,
    ),
    ("POST", "/api/v1/pairings/{pairing}/activate", "", MANAGERS),
    (
        "POST",
        "/api/v1/pairings/{pairing}/override",
        r#"{"reason":"A reason long enough"}"#,
        MANAGERS,
    ),
    (
        "GET",
        "/api/v1/programs/{program}/dose?from=2026-01-01&to=2026-12-31",
        "",
        MEMBERS,
    ),
    (
        "GET",
        "/api/v1/programs/{program}/dose.csv?from=2026-01-01&to=2026-12-31",
        "",
        MEMBERS,
    ),
    ("GET", "/api/v1/programs/{program}/sites", "", MEMBERS),
    (
        "POST",
        "/api/v1/programs/{program}/sites",
        r#"{"facility":{F1},"wave":"pilot"}"#,
        MANAGERS,
    ),
    (
        "POST",
        "/api/v1/programs/{program}/assessments",
        r#"{"facility":{F1},"form":1,"answers":{},"assessed_on":"2026-11-01"}"#,
        MANAGERS,
    ),
    (
        "POST",
        "/api/v1/programs/{program}/sites/{facility}/activate",
        "",
        MANAGERS,
    ),
    // Research collaborative pages (C7, C11, C12)
    ("GET", "/programs/{program}/research", "", MEMBERS),
    (
        "POST",
        "/programs/{program}/research/projects",
        "title=A+study",
        CONTRIBUTORS,
    ),
    ("GET", "/research/projects/{project}", "", MEMBERS),
    (
        "POST",
        "/research/projects/{project}/stage",
        "stage=protocol",
        CONTRIBUTORS,
    ),
    (
        "POST",
        "/research/projects/{project}/roles",
        "person={mentor}&role=investigation",
        CONTRIBUTORS,
    ),
    (
        "POST",
        "/research/projects/{project}/tasks",
        "kind=task&title=Draft&owner={mentor}&due_on=2027-01-15",
        CONTRIBUTORS,
    ),
    ("POST", "/research/tasks/{task}/done", "", CONTRIBUTORS),
    ("GET", "/programs/{program}/participation", "", MEMBERS),
    (
        "POST",
        "/programs/{program}/participation/nudges",
        "",
        MANAGERS,
    ),
    ("GET", "/programs/{program}/scheduling", "", CONTRIBUTORS),
    (
        "POST",
        "/programs/{program}/scheduling/availability",
        "availability=Tue+18%3A00-21%3A00+preferred",
        CONTRIBUTORS,
    ),
    (
        "POST",
        "/programs/{program}/scheduling/sessions",
        "title=Weekly&duration=60&starts=2026-12-01T18%3A00%3A00Z",
        CONTRIBUTORS,
    ),
    (
        "POST",
        "/programs/{program}/scheduling/feed",
        "",
        CONTRIBUTORS,
    ),
    // Research (C11)
    ("GET", "/api/v1/programs/{program}/projects", "", MEMBERS),
    (
        "POST",
        "/api/v1/programs/{program}/projects",
        r#"{"title":"A study"}"#,
        CONTRIBUTORS,
    ),
    ("GET", "/api/v1/projects/{project}", "", MEMBERS),
    (
        "POST",
        "/api/v1/projects/{project}/stage",
        r#"{"stage":"protocol"}"#,
        CONTRIBUTORS,
    ),
    (
        "POST",
        "/api/v1/projects/{project}/roles",
        r#"{"person":{mentor},"roles":[{"role":"investigation"}]}"#,
        CONTRIBUTORS,
    ),
    (
        "POST",
        "/api/v1/projects/{project}/tasks",
        r#"{"title":"Draft","owner":{mentor},"due_on":"2027-01-15"}"#,
        CONTRIBUTORS,
    ),
    (
        "POST",
        "/api/v1/tasks/{task}/done",
        r#"{"done_on":"2026-11-20"}"#,
        CONTRIBUTORS,
    ),
    ("GET", "/api/v1/programs/{program}/outputs", "", MEMBERS),
    (
        "POST",
        "/api/v1/programs/{program}/outputs",
        r#"{"kind":"training","title":"Bootcamp","venue":"Residents","happened_on":"2026-05-01","authors":[{"family":"Obi"}]}"#,
        CONTRIBUTORS,
    ),
    ("GET", "/api/v1/programs/{program}/outputs.bib", "", MEMBERS),
    (
        "GET",
        "/api/v1/programs/{program}/outputs.csl.json",
        "",
        MEMBERS,
    ),
    // Scheduling and participation (C7, C12)
    (
        "GET",
        "/api/v1/people/{person}/availability",
        "",
        EDIT_PERSON,
    ),
    (
        "PUT",
        "/api/v1/people/{person}/availability",
        r#"[{"weekday":2,"start":"18:00","end":"21:00","kind":"preferred"}]"#,
        EDIT_PERSON,
    ),
    (
        "POST",
        "/api/v1/programs/{program}/scheduling/slots",
        r#"{"week":"2026-11-23","duration_minutes":60}"#,
        CONTRIBUTORS,
    ),
    (
        "POST",
        "/api/v1/programs/{program}/scheduling/series",
        r#"{"first_week":"2026-11-23","sessions":4,"duration_minutes":60}"#,
        CONTRIBUTORS,
    ),
    ("GET", "/api/v1/programs/{program}/sessions", "", MEMBERS),
    (
        "POST",
        "/api/v1/programs/{program}/sessions",
        r#"{"title":"Weekly","duration_minutes":60,"starts":["2026-12-01T18:00:00Z"]}"#,
        CONTRIBUTORS,
    ),
    (
        "POST",
        "/api/v1/sessions/{session}/attendance",
        r#"[{"person":{mentor},"status":"attended"}]"#,
        CONTRIBUTORS,
    ),
    (
        "POST",
        "/api/v1/sessions/{session}/reschedule",
        r#"{"starts_at":"2026-12-02T18:00:00Z"}"#,
        CONTRIBUTORS,
    ),
    (
        "POST",
        "/api/v1/sessions/{session}/cancel",
        "",
        CONTRIBUTORS,
    ),
    ("GET", "/api/v1/sessions/{session}/invite.ics", "", MEMBERS),
    ("POST", "/api/v1/me/calendar-feed", "", SIGNED_IN),
    ("GET", "/calendar/{token}/feed.ics", "", ALL),
    (
        "GET",
        "/api/v1/programs/{program}/participation",
        "",
        MEMBERS,
    ),
    (
        "POST",
        "/api/v1/programs/{program}/participation/nudges",
        "",
        MANAGERS,
    ),
    ("GET", "/programs/{program}/preferences", "", MEMBERS),
    (
        "POST",
        "/programs/{program}/preferences",
        "person={person}",
        MEMBERS,
    ),
    (
        "GET",
        "/api/v1/programs/{program}/matching/preferences",
        "",
        MEMBERS,
    ),
    // Facility coupling and mentor teams (C5)
    ("GET", "/programs/{program}/facility-matching", "", MANAGERS),
    (
        "POST",
        "/programs/{program}/facility-matching/settings",
        FACILITY_SETTINGS_FORM,
        MANAGERS,
    ),
    (
        "POST",
        "/programs/{program}/facility-matching/coupling-proposals",
        "",
        MANAGERS,
    ),
    (
        "POST",
        "/programs/{program}/facility-matching/team-proposals",
        "",
        MANAGERS,
    ),
    (
        "GET",
        "/facility-matching/proposals/{proposal}",
        "",
        MANAGERS,
    ),
    (
        "POST",
        "/facility-matching/proposals/{proposal}/approve",
        "",
        MANAGERS,
    ),
    (
        "GET",
        "/api/v1/programs/{program}/facility-matching/settings",
        "",
        MANAGERS,
    ),
    (
        "PUT",
        "/api/v1/programs/{program}/facility-matching/settings",
        r#"{"required_cadres":["surgeon"]}"#,
        MANAGERS,
    ),
    (
        "POST",
        "/api/v1/programs/{program}/facility-matching/coupling-proposals",
        "",
        MANAGERS,
    ),
    (
        "POST",
        "/api/v1/programs/{program}/facility-matching/team-proposals",
        "",
        MANAGERS,
    ),
    (
        "GET",
        "/api/v1/facility-matching/proposals/{proposal}",
        "",
        MANAGERS,
    ),
    (
        "POST",
        "/api/v1/facility-matching/proposals/{proposal}/approve",
        "",
        MANAGERS,
    ),
    (
        "GET",
        "/api/v1/programs/{program}/facility-matching/proposals",
        "",
        MANAGERS,
    ),
    (
        "GET",
        "/api/v1/programs/{program}/facility-matching/couplings",
        "",
        MANAGERS,
    ),
    (
        "GET",
        "/api/v1/programs/{program}/facility-matching/teams",
        "",
        MANAGERS,
    ),
];

const FACILITY_SETTINGS_FORM: &str =
    "threshold=60&max_per_strong=2&max_km=150&max_teams_per_mentor=3&required_cadres=surgeon";

fn target_person(f: &Fixture, persona: Persona, rel: Rel) -> i64 {
    match rel {
        Rel::Own => f.person_of.get(&persona).copied().unwrap_or(f.peer_f1).0,
        Rel::SameFacility => f.peer_f1.0,
        Rel::SameRegion => f.person_f2.0,
        Rel::OtherRegion => f.person_f3.0,
    }
}

fn target_unit(f: &Fixture, rel: Rel) -> i64 {
    match rel {
        Rel::Own | Rel::SameFacility => f.units["F1"].0,
        Rel::SameRegion => f.units["F2"].0,
        Rel::OtherRegion => f.units["F3"].0,
    }
}

fn target_membership(f: &Fixture, persona: Persona, rel: Rel) -> i64 {
    match rel {
        Rel::Own => {
            f.membership_of
                .get(&persona)
                .copied()
                .unwrap_or(f.peer_f1_membership)
                .0
        }
        Rel::SameFacility => f.peer_f1_membership.0,
        Rel::SameRegion => f.membership_f2.0,
        Rel::OtherRegion => f.membership_f3.0,
    }
}

/// The spare token of the persona (own), else of another signed-in account.
fn target_token(f: &Fixture, persona: Persona, rel: Rel) -> i64 {
    let owner = match rel {
        Rel::Own if persona != Persona::Anonymous => persona,
        _ if persona == Persona::Manager => Persona::Admin,
        _ => Persona::Manager,
    };
    f.spare_tokens[&owner].0
}

fn fill(template: &str, f: &Fixture, persona: Persona, rel: Rel, n: usize) -> String {
    template
        .replace("{api_token}", &target_token(f, persona, rel).to_string())
        .replace("{program}", &f.program.to_string())
        .replace("{person}", &target_person(f, persona, rel).to_string())
        .replace("{org_unit}", &target_unit(f, rel).to_string())
        .replace(
            "{membership}",
            &target_membership(f, persona, rel).to_string(),
        )
        .replace("{F1}", &f.units["F1"].to_string())
        .replace("{mentor}", &f.person_of[&Persona::Mentor].to_string())
        .replace("{rule}", &f.rule.to_string())
        .replace(
            "{proposal}",
            // Facility proposals are numbered apart from mentee matching proposals.
            &if template.contains("facility-matching") {
                f.facility_proposal.to_string()
            } else {
                f.proposal.to_string()
            },
        )
        .replace("{project}", &f.project.to_string())
        .replace("{task}", &f.task.to_string())
        .replace("{session}", &f.session.to_string())
        .replace("{token}", "no-such-feed")
        .replace("{activity}", &f.activity.to_string())
        .replace("{action}", &f.action.to_string())
        .replace("{course}", &f.course.to_string())
        .replace("{pairing}", &f.pairing.to_string())
        .replace("{target}", &f.target.to_string())
        .replace("{facility}", &f.units["F1"].to_string())
        .replace("{n}", &n.to_string())
}

/// Whether the reply is a refusal on access grounds.
fn denied(status: StatusCode, location: &str) -> bool {
    status == StatusCode::UNAUTHORIZED
        || status == StatusCode::FORBIDDEN
        || location.starts_with("/login?next=")
}

#[test]
fn every_route_has_a_row_and_every_row_a_route() {
    let routes: Vec<(String, String)> = web::route_list()
        .into_iter()
        .map(|(m, p)| (m.to_string(), p))
        .collect();
    let table: Vec<(String, String)> = TABLE
        .iter()
        .map(|(m, p, _, _)| (m.to_string(), p.split('?').next().unwrap_or(p).to_owned()))
        .collect();
    let missing: Vec<_> = routes.iter().filter(|r| !table.contains(r)).collect();
    assert!(
        missing.is_empty(),
        "routes without an authorization row: {missing:?}"
    );
    let stale: Vec<_> = table.iter().filter(|r| !routes.contains(r)).collect();
    assert!(
        stale.is_empty(),
        "rows for routes that do not exist: {stale:?}"
    );
}

#[tokio::test]
async fn authorization_matrix() {
    let mut failures = Vec::new();
    for (method, route, body, expected) in TABLE {
        // A fresh app per route, so one cell's change (a deleted membership) cannot decide
        // another's outcome.
        let app = TestApp::new().await;
        let mut n = 0;
        for (p, persona) in Persona::ALL.into_iter().enumerate() {
            for (r, rel) in RELATIONS.into_iter().enumerate() {
                n += 1;
                let uri = fill(route, &app.fixture, persona, rel, n);
                let method: Method = method.parse().expect("method");
                let reply = if *body == "(login)" {
                    login_request(&app, persona).await
                } else {
                    let payload = fill(body, &app.fixture, persona, rel, n);
                    let content_type = if uri.starts_with("/api/") {
                        "application/json"
                    } else {
                        "application/x-www-form-urlencoded"
                    };
                    let request = app
                        .request(method.clone(), &uri, persona)
                        .header(header::CONTENT_TYPE, content_type)
                        .body(Body::from(payload))
                        .expect("request");
                    app.send(request).await
                };
                assert!(
                    !reply.status.is_server_error(),
                    "{method} {uri} as {persona:?}: {} {}",
                    reply.status,
                    reply.text()
                );
                let want_allowed = expected[p].as_bytes()[r] == b'Y';
                let was_denied = denied(reply.status, &reply.location());
                if want_allowed == was_denied {
                    failures.push(format!(
                        "{method} {route} as {persona:?} on {}: expected {}, got {} {}",
                        ["own", "same facility", "same region", "other region"][r],
                        if want_allowed { "allowed" } else { "denied" },
                        reply.status,
                        reply.location()
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} cells disagree:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

async fn login_request(app: &TestApp, persona: Persona) -> super::support::Reply {
    let username = if persona == Persona::Anonymous {
        Persona::Admin.username()
    } else {
        persona.username()
    };
    super::support::browser_login(app, username, PASSWORD).await
}

#[tokio::test]
async fn anonymous_pages_bounce_to_sign_in_and_come_back() {
    let app = TestApp::new().await;
    let reply = app.get("/org-units?x=1", Persona::Anonymous).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(reply.location(), "/login?next=%2Forg-units%3Fx%3D1");
    let api = app.get("/api/v1/me", Persona::Anonymous).await;
    assert_eq!(api.status, StatusCode::UNAUTHORIZED);
    assert_eq!(api.json()["error"]["code"], "unauthorized");
    let _ = Request::<Body>::default();
}

/// Every page form that changes something refuses a signed-in browser that sends a wrong
/// token: the form type (`CheckedForm`) checks it before the handler runs, so no route can
/// forget to. Only the sign-in form (its own pre-session token) and the language switch (a
/// cookie, no data) are exempt.
#[tokio::test]
async fn every_page_form_refuses_a_wrong_csrf_token() {
    let app = TestApp::new().await;
    let session = login_request(&app, Persona::Admin)
        .await
        .cookie(web::auth::SESSION_COOKIE)
        .expect("session cookie");
    let exempt = ["/login", "/language"];
    let mut checked = 0;
    let mut accepted = Vec::new();
    for (method, path) in web::route_list() {
        if method != Method::POST || path.starts_with("/api/") || exempt.contains(&path.as_str()) {
            continue;
        }
        let uri = fill(&path, &app.fixture, Persona::Admin, Rel::Own, 0);
        let request = Request::builder()
            .method(Method::POST)
            .uri(&uri)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(
                header::COOKIE,
                format!("{}={session}", web::auth::SESSION_COOKIE),
            )
            .body(Body::from("csrf=forged"))
            .expect("request");
        let reply = app.send(request).await;
        checked += 1;
        if reply.status != StatusCode::FORBIDDEN {
            accepted.push(format!("POST {uri}: {}", reply.status));
        }
    }
    assert!(checked >= 25, "only {checked} page forms found");
    assert!(
        accepted.is_empty(),
        "page forms that took a forged token: {accepted:#?}"
    );
}
