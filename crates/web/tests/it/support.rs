//! `TestApp`: the real router over a fresh database, with a small program and one account per
//! role, each with an API token.

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use domain::access::Role;
use domain::ids::{MembershipId, OrgUnitId, PersonId, ProgramId};
use domain::org_units::OrgUnitInput;
use domain::people::PersonInput;
use domain::programs::{NewProgram, ProgramKind};
use domain::values::{Name, Slug};
use http_body_util::BodyExt;
use std::collections::HashMap;
use std::sync::OnceLock;
use store::{Actor, Db};
use tower::ServiceExt;
use web::AppState;
use web::auth::AuthConfig;

/// The password of every fixture account.
pub const PASSWORD: &str = "correct horse battery";

/// Personas: each signs in as an account with this role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Persona {
    Anonymous,
    Outsider,
    Mentee,
    Mentor,
    Leader,
    Regional,
    Manager,
    Admin,
}

impl Persona {
    pub const ALL: [Persona; 8] = [
        Persona::Anonymous,
        Persona::Outsider,
        Persona::Mentee,
        Persona::Mentor,
        Persona::Leader,
        Persona::Regional,
        Persona::Manager,
        Persona::Admin,
    ];

    pub fn username(self) -> &'static str {
        match self {
            Persona::Anonymous => "nobody@example.org",
            Persona::Outsider => "outsider@example.org",
            Persona::Mentee => "mentee@example.org",
            Persona::Mentor => "mentor@example.org",
            Persona::Leader => "leader@example.org",
            Persona::Regional => "regional@example.org",
            Persona::Manager => "manager@example.org",
            Persona::Admin => "admin@example.org",
        }
    }
}

/// Ids of what the fixture created.
#[derive(Debug, Clone)]
pub struct Fixture {
    pub program: ProgramId,
    /// Units by code: C (country) > R1 > D1 > F1, F2; C > R2 > D2 > F3.
    pub units: HashMap<&'static str, OrgUnitId>,
    /// The persona's own person.
    pub person_of: HashMap<Persona, PersonId>,
    /// A persona's membership.
    pub membership_of: HashMap<Persona, MembershipId>,
    /// A second mentee at F1, paired with the mentor (not with the mentee persona).
    pub peer_f1: PersonId,
    pub peer_f1_membership: MembershipId,
    /// Mentees at F2 (same region) and F3 (other region).
    pub person_f2: PersonId,
    pub membership_f2: MembershipId,
    pub person_f3: PersonId,
    pub membership_f3: MembershipId,
    pub tokens: HashMap<Persona, String>,
    /// Each signed-in persona's second token (its id), not the one their requests send.
    pub spare_tokens: HashMap<Persona, domain::ids::ApiTokenId>,
    /// A conflict rule (peer_f1 with the mentor persona) and a draft matching proposal.
    pub rule: domain::ids::MatchRuleId,
    pub proposal: domain::ids::ProposalId,
    /// A research project (created by the manager), a task on it owned by the mentor, and a
    /// group session inviting the mentee and mentor personas.
    pub project: domain::ids::ProjectId,
    pub task: domain::ids::TaskId,
    pub session: domain::ids::GroupSessionId,
    /// A check-in at F1 with the mentor and mentee personas, its debrief action owned by the
    /// mentee, a course, and a pairing waiting for it.
    pub activity: domain::ids::ActivityId,
    pub action: domain::ids::ActionItemId,
    pub course: domain::ids::CourseId,
    pub pairing: i64,
    /// Data elements OPERATIONS and SSI_CASES, the indicator SSI_RATE and a target for it at F1.
    pub target: domain::ids::TargetId,
    /// A draft facility coupling proposal (over no sites).
    pub facility_proposal: domain::ids::FacilityProposalId,
}

pub struct TestApp {
    pub state: AppState,
    pub router: Router,
    pub fixture: Fixture,
}

/// Response parts a test looks at.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }
    /// The field an API refusal names (`{"error":{"field":…}}`), empty when none.
    pub fn error_field(&self) -> String {
        self.json()["error"]["field"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }
    pub fn location(&self) -> String {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned()
    }
    /// All `Set-Cookie` name=value pairs.
    pub fn cookies(&self) -> Vec<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .map(str::to_owned)
            .collect()
    }
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.cookies().into_iter().find_map(|c| {
            let pair = c.split(';').next()?.to_owned();
            let (n, v) = pair.split_once('=')?;
            (n == name).then(|| v.to_owned())
        })
    }
}

/// One argon2id hash shared by every fixture account (hashing is deliberately slow).
fn password_hash() -> String {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| app::accounts::hash_password(PASSWORD).expect("hash"))
        .clone()
}

fn person(name: &str, email: &str) -> domain::people::PersonProfile {
    PersonInput {
        name: name.into(),
        time_zone: "Africa/Addis_Ababa".into(),
        email: Some(email.into()),
        ..PersonInput::default()
    }
    .validate()
    .expect("valid person")
}

impl TestApp {
    pub async fn new() -> Self {
        Self::with_config(AuthConfig::default()).await
    }

    pub async fn with_config(config: AuthConfig) -> Self {
        let db = store::testing::fresh_db().await.expect("test database");
        let fixture = build_fixture(&db).await;
        let state = AppState::new(db, config).expect("locales load");
        let router = web::app(state.clone());
        TestApp {
            state,
            router,
            fixture,
        }
    }

    pub fn db(&self) -> &Db {
        &self.state.app.db
    }

    /// Sends a request; `as_` adds that persona's bearer token.
    pub async fn send(&self, request: Request<Body>) -> Reply {
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("router answers");
        let status = response.status();
        let headers = response.headers().clone();
        let body = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes()
            .to_vec();
        Reply {
            status,
            headers,
            body,
        }
    }

    pub fn request(
        &self,
        method: Method,
        uri: &str,
        persona: Persona,
    ) -> axum::http::request::Builder {
        let mut builder = Request::builder().method(method).uri(uri);
        if let Some(token) = self.fixture.tokens.get(&persona) {
            builder = builder.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        builder
    }

    pub async fn get(&self, uri: &str, persona: Persona) -> Reply {
        self.send(
            self.request(Method::GET, uri, persona)
                .body(Body::empty())
                .expect("request"),
        )
        .await
    }

    pub async fn json(
        &self,
        method: Method,
        uri: &str,
        persona: Persona,
        body: &serde_json::Value,
    ) -> Reply {
        let request = self
            .request(method, uri, persona)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string()))
            .expect("request");
        self.send(request).await
    }

    /// A GET as `persona` whose browser asks for the pages in `lang` (its `lang` cookie).
    pub async fn get_in(&self, lang: &str, uri: &str, persona: Persona) -> Reply {
        self.send(
            self.request(Method::GET, uri, persona)
                .header(header::COOKIE, format!("lang={lang}"))
                .body(Body::empty())
                .expect("request"),
        )
        .await
    }

    /// A form POST as `persona` whose browser asks for the pages in `lang`.
    pub async fn form_in(&self, lang: &str, uri: &str, persona: Persona, body: &str) -> Reply {
        self.send(
            self.request(Method::POST, uri, persona)
                .header(header::COOKIE, format!("lang={lang}"))
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(body.to_owned()))
                .expect("request"),
        )
        .await
    }

    pub async fn form(&self, uri: &str, persona: Persona, body: &str) -> Reply {
        let request = self
            .request(Method::POST, uri, persona)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body.to_owned()))
            .expect("request");
        self.send(request).await
    }
}

async fn build_fixture(db: &Db) -> Fixture {
    let actor = Actor::system("fixture");
    let mut units = HashMap::new();
    for (parent, level, code) in [
        (None, "country", "C"),
        (Some("C"), "region", "R1"),
        (Some("R1"), "district", "D1"),
        (Some("D1"), "facility", "F1"),
        (Some("D1"), "facility", "F2"),
        (Some("C"), "region", "R2"),
        (Some("R2"), "district", "D2"),
        (Some("D2"), "facility", "F3"),
    ] {
        let input = OrgUnitInput {
            parent_code: parent.map(str::to_owned),
            level: level.into(),
            code: code.into(),
            name: format!("Unit {code}"),
            ..OrgUnitInput::default()
        };
        let unit = db
            .create_org_unit(&actor, &input.validate().expect("unit"))
            .await
            .expect("create unit");
        units.insert(code, unit.id);
    }
    let program = db
        .create_program(
            &actor,
            &NewProgram {
                code: Slug::parse("surgery").expect("slug"),
                name: Name::parse("Surgery").expect("name"),
                kind: ProgramKind::ClinicalMentorship,
                description: String::new(),
                root_org_unit: Some(units["C"]),
            },
        )
        .await
        .expect("program")
        .id;

    let mut person_of = HashMap::new();
    let mut membership_of = HashMap::new();
    let placements = [
        (Persona::Outsider, None),
        (Persona::Mentee, Some((Role::Mentee, "F1"))),
        (Persona::Mentor, Some((Role::Mentor, "F1"))),
        (Persona::Leader, Some((Role::FacilityLeader, "F1"))),
        (Persona::Regional, Some((Role::RegionalViewer, "R1"))),
        (Persona::Manager, Some((Role::ProgramManager, "C"))),
    ];
    for (persona, placement) in placements {
        let p = db
            .create_person(
                &actor,
                &person(&format!("{persona:?} Person"), persona.username()),
            )
            .await
            .expect("person");
        person_of.insert(persona, p.id);
        if let Some((role, unit)) = placement {
            let m = db
                .add_membership(&actor, program, p.id, role, units[unit])
                .await
                .expect("membership");
            membership_of.insert(persona, m.id);
        }
    }
    let placed = |name: &'static str, unit: &'static str| {
        let db = db.clone();
        let actor = actor.clone();
        let units = units.clone();
        async move {
            let p = db
                .create_person(
                    &actor,
                    &person(
                        name,
                        &format!("{}@example.org", name.to_lowercase().replace(' ', ".")),
                    ),
                )
                .await
                .expect("person");
            let m = db
                .add_membership(&actor, program, p.id, Role::Mentee, units[unit])
                .await
                .expect("membership");
            (p.id, m.id)
        }
    };
    let (peer_f1, peer_f1_membership) = placed("Peer Fone", "F1").await;
    let (person_f2, membership_f2) = placed("Mentee Ftwo", "F2").await;
    let (person_f3, membership_f3) = placed("Mentee Fthree", "F3").await;
    db.add_pairing(
        &actor,
        program,
        person_of[&Persona::Mentor],
        person_of[&Persona::Mentee],
        domain::matching::PairingStatus::Active,
    )
    .await
    .expect("pairing");
    db.add_pairing(
        &actor,
        program,
        person_of[&Persona::Mentor],
        peer_f1,
        domain::matching::PairingStatus::Active,
    )
    .await
    .expect("pairing");

    let rule = db
        .add_match_rule(
            &actor,
            program,
            store::matching::RuleKind::Conflict,
            peer_f1,
            person_of[&Persona::Mentor],
            "direct supervisor",
        )
        .await
        .expect("rule")
        .id;
    let proposal = app::proposals::propose(
        db,
        &actor,
        program,
        &domain::matching::ProposalReason::ByManager,
    )
    .await
    .expect("proposal")
    .id;

    let project = db
        .create_project(&actor, program, "Fixture study", "", "idea")
        .await
        .expect("project")
        .id;
    let task = db
        .add_task(
            &actor,
            project,
            "task",
            "Draft the protocol",
            person_of[&Persona::Mentor],
            "2027-01-15",
        )
        .await
        .expect("task")
        .id;
    let session = db
        .create_series(
            &actor,
            &store::scheduling::NewSeries {
                program,
                project: Some(project),
                title: "Fixture session".into(),
                organiser: Some(person_of[&Persona::Mentor]),
                organiser_zone: domain::values::TimeZone::parse("Africa/Lagos").expect("zone"),
                video_url: String::new(),
                duration_minutes: 60,
                starts: vec![chrono::Utc::now() + chrono::Duration::days(7)],
                invitees: vec![person_of[&Persona::Mentee], person_of[&Persona::Mentor]],
            },
        )
        .await
        .expect("session")[0]
        .id;

    let activity = db
        .record_activity(
            &actor,
            program,
            &store::visits::NewActivity {
                kind: "visit".into(),
                facility: Some(units["F1"]),
                starts_on: Some("2026-11-02".into()),
                ends_on: Some("2026-11-03".into()),
                summary: "Fixture visit".into(),
                participants: vec![
                    store::visits::NewParticipant {
                        person: person_of[&Persona::Mentor],
                        role: "mentor".into(),
                        attended: true,
                    },
                    store::visits::NewParticipant {
                        person: person_of[&Persona::Mentee],
                        role: "mentee".into(),
                        attended: true,
                    },
                ],
                debrief: Some(store::visits::NewDebrief {
                    went_well: "Team time-out".into(),
                    to_improve: "Counts".into(),
                    actions: vec![store::visits::NewAction {
                        owner: person_of[&Persona::Mentee],
                        description: "Start swab counts".into(),
                        due_on: "2026-12-01".into(),
                    }],
                }),
                ..Default::default()
            },
        )
        .await
        .expect("activity");
    let action = activity.actions[0].id;
    let activity = activity.activity.id;
    let course = db
        .create_course(&actor, program, "basics", "Basics", 8.0)
        .await
        .expect("course")
        .id;
    // Not required, so the other suites' pairings are not held back by it.
    let pairing = db
        .add_pairing(
            &actor,
            program,
            // The manager as mentor: a pairing must not widen any other persona's view.
            person_of[&Persona::Manager],
            person_f3,
            domain::matching::PairingStatus::AwaitingTraining,
        )
        .await
        .expect("waiting pairing")
        .id
        .0;

    for (code, max) in [("OPERATIONS", 500.0), ("SSI_CASES", 500.0)] {
        db.create_data_element(
            &actor,
            program,
            &store::indicators::NewDataElement {
                code: code.into(),
                name: code.to_lowercase(),
                value_type: "integer".into(),
                min: Some(0.0),
                max: Some(max),
                dhis2_code: Some(format!("TDM_{code}")),
                ..Default::default()
            },
        )
        .await
        .expect("data element");
    }
    db.create_indicator(
        &actor,
        program,
        &store::indicators::NewIndicator {
            code: "SSI_RATE".into(),
            name: "Surgical site infection rate".into(),
            category: "outcome".into(),
            numerator: "#{SSI_CASES}".into(),
            denominator: "#{OPERATIONS}".into(),
            factor: 100.0,
            rules: Vec::new(),
        },
    )
    .await
    .expect("indicator");
    let target = db
        .propose_target(&actor, program, "SSI_RATE", "F1", "2026Q3", 2.0, "agreed")
        .await
        .expect("target")
        .id;

    let facility_proposal = app::facility_matching::propose_coupling(
        db,
        &actor,
        program,
        &domain::matching::ProposalReason::ByManager,
    )
    .await
    .expect("facility proposal")
    .id;

    let mut tokens = HashMap::new();
    let mut spare_tokens = HashMap::new();
    for persona in Persona::ALL {
        if persona == Persona::Anonymous {
            continue;
        }
        let account = db
            .create_account(
                &actor,
                persona.username(),
                &password_hash(),
                person_of.get(&persona).copied(),
                persona == Persona::Admin,
            )
            .await
            .expect("account");
        let token = format!("tdm_test_{persona:?}");
        db.create_api_token(
            &actor,
            account.id,
            "test",
            &app::accounts::token_hash(&token),
            None,
        )
        .await
        .expect("token");
        tokens.insert(persona, token);
        // A second token, which the tokens tests and the authorization matrix revoke without
        // cutting off the persona's own requests.
        let spare = db
            .create_api_token(
                &actor,
                account.id,
                "spare",
                &app::accounts::token_hash(&format!("tdm_spare_{persona:?}")),
                None,
            )
            .await
            .expect("spare token");
        spare_tokens.insert(persona, spare);
    }
    Fixture {
        program,
        units,
        person_of,
        membership_of,
        peer_f1,
        peer_f1_membership,
        person_f2,
        membership_f2,
        person_f3,
        membership_f3,
        tokens,
        spare_tokens,
        rule,
        proposal,
        project,
        task,
        session,
        activity,
        action,
        course,
        pairing,
        target,
        facility_proposal,
    }
}

/// Signs in through the form like a browser; returns the session cookie.
pub async fn browser_login(app: &TestApp, username: &str, password: &str) -> Reply {
    let page = app.get("/login", Persona::Anonymous).await;
    let pre = page
        .cookie(web::auth::LOGIN_CSRF_COOKIE)
        .expect("login cookie");
    let body = format!(
        "username={}&password={}&csrf={pre}",
        form_urlencoded::byte_serialize(username.as_bytes()).collect::<String>(),
        form_urlencoded::byte_serialize(password.as_bytes()).collect::<String>()
    );
    let request = Request::builder()
        .method(Method::POST)
        .uri("/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(
            header::COOKIE,
            format!("{}={pre}", web::auth::LOGIN_CSRF_COOKIE),
        )
        .body(Body::from(body))
        .expect("request");
    app.send(request).await
}
