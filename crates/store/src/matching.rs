//! Matching (C5): settings, mentor capacities, manager rules, stated preferences, the people a
//! proposal is computed over, and proposals with their approval into pairings.

use crate::audit::Action;
use crate::codes::Code;
use crate::memberships::{Pairing, PairingRow};
use crate::program_settings::SettingsKind;
use crate::{Actor, Db, DbError, on_pool, on_tx};
use chrono::{DateTime, Utc};
use domain::FieldError;
use domain::ids::{MatchRuleId, ProposalId};
use domain::ids::{PairingId, PersonId, ProgramId};
use domain::matching::{PairingStatus, ProposalReason, ProposalStatus};
use matching::criteria::Settings;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap};

/// The most people one person may rank.
pub const MAX_RANKED: usize = 20;

/// What a manager decided about one pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RuleKind {
    /// Force this pair.
    Pin,
    /// Never this pair.
    Forbid,
    /// A named conflict (a direct supervisor, a relative): a hard exclusion with its reason.
    Conflict,
}

impl RuleKind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            RuleKind::Pin => "pin",
            RuleKind::Forbid => "forbid",
            RuleKind::Conflict => "conflict",
        }
    }

    /// Parses a stored or submitted name; the error names the field `kind`.
    pub fn parse(text: &str) -> Result<Self, FieldError> {
        match text {
            "pin" => Ok(RuleKind::Pin),
            "forbid" => Ok(RuleKind::Forbid),
            "conflict" => Ok(RuleKind::Conflict),
            other => Err(FieldError::new(
                "kind",
                format!("must be pin, forbid or conflict, not {other:?}"),
            )),
        }
    }
}

/// A manager's rule on a pair.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct MatchRule {
    /// Id.
    #[schema(value_type = i64)]
    pub id: MatchRuleId,
    /// Program.
    #[schema(value_type = i64)]
    pub program: ProgramId,
    /// Pin, forbid or conflict.
    pub kind: RuleKind,
    /// Mentee.
    #[schema(value_type = i64)]
    pub mentee: PersonId,
    /// Mentee's name.
    pub mentee_name: String,
    /// Mentor.
    #[schema(value_type = i64)]
    pub mentor: PersonId,
    /// Mentor's name.
    pub mentor_name: String,
    /// Why (shown in explanations).
    pub reason: String,
}

impl MatchRule {
    /// Whether this rule pins a mentee to `mentor` (each such pin takes one of their places).
    pub fn pins_to(&self, mentor: PersonId) -> bool {
        self.kind == RuleKind::Pin && self.mentor == mentor
    }
}

/// A mentee or mentor as matching sees them.
#[derive(Debug, Clone, PartialEq)]
pub struct MatchPerson {
    /// Person.
    pub id: PersonId,
    /// Name.
    pub name: String,
    /// Cadre (`""` when unknown).
    pub cadre: String,
    /// Languages (validated tags).
    pub languages: Vec<String>,
    /// IANA time zone.
    pub time_zone: String,
    /// Years of experience.
    pub years_experience: Option<i64>,
    /// Coordinates of the org unit of their membership, when recorded.
    pub location: Option<(f64, f64)>,
    /// Name of that org unit.
    pub org_unit_name: String,
}

/// A stored proposal.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct StoredProposal {
    /// Id.
    #[schema(value_type = i64)]
    pub id: ProposalId,
    /// Program.
    #[schema(value_type = i64)]
    pub program: ProgramId,
    /// Where it stands.
    pub status: ProposalStatus,
    /// Why it was run; the API sends its English sentence (`requested by a manager`,
    /// `Abebe Near left the program`).
    #[schema(value_type = String)]
    pub reason: ProposalReason,
    /// Total cost.
    pub objective: i64,
    /// The explained result, as the application wrote it.
    #[schema(value_type = Object)]
    pub result: serde_json::Value,
    /// Who ran it.
    pub created_by: String,
    /// When.
    pub created_at: DateTime<Utc>,
    /// When it was approved or discarded.
    pub decided_at: Option<DateTime<Utc>>,
    /// SHA-256 of what it was solved from (see the application's `proposals`); `None` for
    /// proposals stored before it was kept.
    pub inputs_sha256: Option<String>,
}

type ProposalRow = (
    i64,
    i64,
    Code<ProposalStatus>,
    String,
    String,
    i64,
    String,
    String,
    DateTime<Utc>,
    Option<DateTime<Utc>>,
    Option<String>,
);

fn proposal_from_row(row: ProposalRow) -> Result<StoredProposal, DbError> {
    let (
        id,
        program,
        status,
        reason,
        reason_detail,
        objective,
        result,
        created_by,
        created_at,
        decided_at,
        inputs,
    ) = row;
    Ok(StoredProposal {
        id: ProposalId(id),
        program: ProgramId(program),
        status: status.0,
        reason: ProposalReason::from_stored(&reason, &reason_detail)
            .map_err(|e| DbError::Corrupt(e.to_string()))?,
        objective,
        result: serde_json::from_str(&result).map_err(|e| DbError::Corrupt(e.to_string()))?,
        created_by,
        created_at,
        decided_at,
        inputs_sha256: inputs,
    })
}

const PROPOSAL_SELECT: &str = "SELECT id, program_id, status, reason, reason_detail, objective, result_json, created_by, created_at, decided_at, inputs_sha256 FROM match_proposals";

/// id, program, kind, mentee, mentee name, mentor, mentor name, reason.
type RuleRow = (i64, i64, String, i64, String, i64, String, String);

type PersonRow = (
    i64,
    String,
    Option<String>,
    String,
    String,
    Option<i64>,
    Option<f64>,
    Option<f64>,
    String,
);

impl Db {
    /// The program's matching settings (the defaults until a manager saves some).
    pub async fn matching_settings(&self, program: ProgramId) -> Result<Settings, DbError> {
        self.program_settings(SettingsKind::Matching, program).await
    }

    /// Saves the program's matching settings after checking them.
    pub async fn set_matching_settings(
        &self,
        actor: &Actor,
        program: ProgramId,
        settings: &Settings,
    ) -> Result<(), DbError> {
        self.set_program_settings(
            actor,
            SettingsKind::Matching,
            program,
            settings,
            settings.validate(),
        )
        .await
    }

    /// Capacities set for mentors of the program (others take the program default).
    pub async fn mentor_capacities(
        &self,
        program: ProgramId,
    ) -> Result<HashMap<PersonId, u32>, DbError> {
        let rows: Vec<(i64, i64)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT person_id, capacity FROM mentor_capacities WHERE program_id = $1")
                .bind(program.0).fetch_all(pool).await?
        });
        Ok(rows
            .into_iter()
            .map(|(person, capacity)| (PersonId(person), capacity.clamp(0, 1000) as u32))
            .collect())
    }

    /// Sets how many mentees a mentor takes in the program (0: none, e.g. on leave).
    pub async fn set_mentor_capacity(
        &self,
        actor: &Actor,
        program: ProgramId,
        mentor: PersonId,
        capacity: u32,
    ) -> Result<(), DbError> {
        if capacity > 1000 {
            return Err(FieldError::new("capacity", "must be between 0 and 1000")
                .phrased("matching-error-capacity-range", &[])
                .into());
        }
        self.check_role(program, mentor, "mentor", "mentor").await?;
        // Fewer places than pins would only be refused at the next run.
        let pinned = self
            .match_rules(program)
            .await?
            .into_iter()
            .filter(|r| r.pins_to(mentor))
            .count();
        if (capacity as usize) < pinned {
            let name = self.person(mentor).await?.profile.name;
            return Err(FieldError::new(
                "capacity",
                format!(
                    "{name} has {pinned} mentees pinned; remove pins before giving them fewer than {pinned} places"
                ),
            )
            .phrased(
                "matching-error-capacity-below-pins",
                &[("name", &name), ("pinned", &pinned)],
            )
            .into());
        }
        let mut tx = self.begin().await?;
        set_capacity_in(&mut tx, actor, program, mentor, capacity).await?;
        tx.commit().await
    }

    /// Fails with a field error unless `person` holds `role` in the program.
    async fn check_role(
        &self,
        program: ProgramId,
        person: PersonId,
        role: &str,
        field: &str,
    ) -> Result<(), DbError> {
        let held: i64 = on_pool!(self, pool => {
            sqlx::query_scalar("SELECT COUNT(*) FROM memberships WHERE program_id = $1 AND person_id = $2 AND role = $3")
                .bind(program.0).bind(person.0).bind(role).fetch_one(pool).await?
        });
        if held == 0 {
            return Err(FieldError::new(
                field,
                format!("person {person} is not a {role} in this program"),
            )
            .into());
        }
        Ok(())
    }

    /// The program's pin, forbid and conflict rules.
    pub async fn match_rules(&self, program: ProgramId) -> Result<Vec<MatchRule>, DbError> {
        let mut tx = self.read().await?;
        let rules = rules_in(&mut tx, program).await?;
        tx.commit().await?;
        Ok(rules)
    }

    /// Adds a rule. The mentee must be a mentee and the mentor a mentor of the program; a
    /// pin and a forbid of the same pair contradict each other and are refused.
    pub async fn add_match_rule(
        &self,
        actor: &Actor,
        program: ProgramId,
        kind: RuleKind,
        mentee: PersonId,
        mentor: PersonId,
        reason: &str,
    ) -> Result<MatchRule, DbError> {
        self.check_role(program, mentee, "mentee", "mentee").await?;
        self.check_role(program, mentor, "mentor", "mentor").await?;
        let reason = reason.trim();
        if reason.chars().count() > 200 {
            return Err(FieldError::new("reason", "must be at most 200 characters")
                .phrased("matching-error-reason-long", &[])
                .into());
        }
        if kind == RuleKind::Conflict && reason.is_empty() {
            return Err(FieldError::new(
                "reason",
                "name the conflict (for example: direct supervisor)",
            )
            .phrased("matching-error-conflict-reason", &[])
            .into());
        }
        let existing = self.match_rules(program).await?;
        if let Some(clash) = existing.iter().find(|r| {
            r.mentee == mentee
                && r.mentor == mentor
                && matches!(
                    (r.kind, kind),
                    (RuleKind::Pin, RuleKind::Forbid | RuleKind::Conflict)
                        | (RuleKind::Forbid | RuleKind::Conflict, RuleKind::Pin)
                )
        }) {
            return Err(FieldError::new(
                "kind",
                format!(
                    "this pair already has a {} rule; remove it first",
                    clash.kind.as_str()
                ),
            )
            .phrased(
                "matching-error-pair-has-rule",
                &[("kind", &clash.kind.as_str())],
            )
            .into());
        }
        if kind == RuleKind::Pin
            && let Some(other) = existing
                .iter()
                .find(|r| r.kind == RuleKind::Pin && r.mentee == mentee)
        {
            return Err(FieldError::new(
                "mentee",
                format!(
                    "{} is already pinned to {}; remove that pin first",
                    other.mentee_name, other.mentor_name
                ),
            )
            .phrased(
                "matching-error-pinned-already",
                &[
                    ("mentee", &other.mentee_name),
                    ("mentor", &other.mentor_name),
                ],
            )
            .into());
        }
        if kind == RuleKind::Pin {
            // A pin the mentor has no place for would only be refused at the next run.
            let pinned = existing.iter().filter(|r| r.pins_to(mentor)).count();
            let places = match self.mentor_capacities(program).await?.get(&mentor) {
                Some(&set) => set,
                None => self.matching_settings(program).await?.default_capacity,
            };
            if pinned >= places as usize {
                let name = self.person(mentor).await?.profile.name;
                let place_word = if places == 1 { "place" } else { "places" };
                let mentee_word = if pinned == 1 { "mentee" } else { "mentees" };
                return Err(FieldError::new(
                    "mentor",
                    format!(
                        "{name} has {places} {place_word} and {pinned} {mentee_word} pinned already; give them more places or remove a pin"
                    ),
                )
                .phrased(
                    "matching-error-pins-full",
                    &[("name", &name), ("places", &places), ("pinned", &pinned)],
                )
                .into());
            }
        }
        let mut tx = self.begin().await?;
        let id: i64 = on_tx!(&mut tx, conn => {
            sqlx::query_scalar(
                "INSERT INTO match_rules (program_id, kind, mentee_id, mentor_id, reason, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            )
            .bind(program.0).bind(kind.as_str()).bind(mentee.0).bind(mentor.0).bind(reason).bind(crate::now())
            .fetch_one(&mut *conn).await?
        });
        let record = serde_json::json!({
            "id": id, "program": program, "kind": kind, "mentee": mentee, "mentor": mentor, "reason": reason,
        });
        tx.audit::<(), _>(actor, Action::Create, "match_rule", id, None, Some(&record))
            .await?;
        tx.commit().await?;
        self.match_rules(program)
            .await?
            .into_iter()
            .find(|r| r.id == MatchRuleId(id))
            .ok_or_else(|| DbError::NotFound {
                entity: "match rule",
                key: id.to_string(),
            })
    }

    /// One rule.
    pub async fn match_rule(&self, id: MatchRuleId) -> Result<MatchRule, DbError> {
        let program: Option<i64> = on_pool!(self, pool => {
            sqlx::query_scalar("SELECT program_id FROM match_rules WHERE id = $1").bind(id.0).fetch_optional(pool).await?
        });
        let not_found = || DbError::NotFound {
            entity: "match rule",
            key: id.to_string(),
        };
        let program = program.ok_or_else(not_found)?;
        self.match_rules(ProgramId(program))
            .await?
            .into_iter()
            .find(|r| r.id == id)
            .ok_or_else(not_found)
    }

    /// Removes a rule.
    pub async fn remove_match_rule(&self, actor: &Actor, id: MatchRuleId) -> Result<(), DbError> {
        let before = self.match_rule(id).await?;
        let mut tx = self.begin().await?;
        on_tx!(&mut tx, conn => {
            sqlx::query("DELETE FROM match_rules WHERE id = $1").bind(id.0).execute(&mut *conn).await?.rows_affected()
        });
        tx.audit::<_, ()>(actor, Action::Delete, "match_rule", id, Some(&before), None)
            .await?;
        tx.commit().await
    }

    /// Replaces what `person` ranks (best first) on the other side of the program.
    pub async fn set_match_preferences(
        &self,
        actor: &Actor,
        program: ProgramId,
        person: PersonId,
        ranked: &[PersonId],
    ) -> Result<(), DbError> {
        if ranked.len() > MAX_RANKED {
            return Err(
                FieldError::new("ranked", format!("rank at most {MAX_RANKED} people")).into(),
            );
        }
        let mut seen = BTreeSet::new();
        for (k, other) in ranked.iter().enumerate() {
            if !seen.insert(*other) || *other == person {
                return Err(FieldError::new(
                    format!("ranked[{k}]"),
                    format!("person {other} is listed twice or is the person themself"),
                )
                .into());
            }
        }
        let before = self.match_preferences(program).await?;
        let before: Vec<_> = before.into_iter().filter(|p| p.0 == person).collect();
        let mut tx = self.begin().await?;
        on_tx!(&mut tx, conn => {
            sqlx::query("DELETE FROM match_preferences WHERE program_id = $1 AND person_id = $2")
                .bind(program.0).bind(person.0).execute(&mut *conn).await?;
            for (k, other) in ranked.iter().enumerate() {
                sqlx::query("INSERT INTO match_preferences (program_id, person_id, preferred_id, rank) VALUES ($1, $2, $3, $4)")
                    .bind(program.0).bind(person.0).bind(other.0).bind(k as i64 + 1)
                    .execute(&mut *conn).await?;
            }
        });
        tx.audit(
            actor,
            Action::Update,
            "match_preferences",
            format!("{program}/{person}"),
            Some(&before),
            Some(&ranked),
        )
        .await?;
        tx.commit().await
    }

    /// Every stated preference in the program: (who, whom, rank).
    pub async fn match_preferences(
        &self,
        program: ProgramId,
    ) -> Result<Vec<(PersonId, PersonId, u32)>, DbError> {
        let rows: Vec<(i64, i64, i64)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT person_id, preferred_id, rank FROM match_preferences WHERE program_id = $1 ORDER BY person_id, rank")
                .bind(program.0).fetch_all(pool).await?
        });
        Ok(rows
            .into_iter()
            .map(|(a, b, r)| {
                (
                    PersonId(a),
                    PersonId(b),
                    r.clamp(1, MAX_RANKED as i64) as u32,
                )
            })
            .collect())
    }

    /// The program's people holding `role` (`mentee` or `mentor`), each once (at their first
    /// membership's org unit), ordered by person id so indices are stable between runs.
    pub async fn matching_people(
        &self,
        program: ProgramId,
        role: &str,
    ) -> Result<Vec<MatchPerson>, DbError> {
        let rows: Vec<PersonRow> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT p.id, p.name, p.cadre, p.languages, p.time_zone, p.years_experience, o.latitude, o.longitude, o.name \
                 FROM memberships m JOIN people p ON p.id = m.person_id JOIN org_units o ON o.id = m.org_unit_id \
                 WHERE m.program_id = $1 AND m.role = $2 \
                 AND m.id = (SELECT MIN(m2.id) FROM memberships m2 WHERE m2.program_id = m.program_id AND m2.person_id = m.person_id AND m2.role = m.role) \
                 ORDER BY p.id",
            )
            .bind(program.0).bind(role).fetch_all(pool).await?
        });
        Ok(rows
            .into_iter()
            .map(
                |(id, name, cadre, languages, time_zone, years, lat, lon, unit)| MatchPerson {
                    id: PersonId(id),
                    name,
                    cadre: cadre.unwrap_or_default(),
                    languages: languages
                        .split(',')
                        .filter(|s| !s.is_empty())
                        .map(str::to_owned)
                        .collect(),
                    time_zone,
                    years_experience: years,
                    location: lat.zip(lon),
                    org_unit_name: unit,
                },
            )
            .collect())
    }

    /// The program's pairings, optionally only those with one status.
    pub async fn pairings_of_program(
        &self,
        program: ProgramId,
        status: Option<PairingStatus>,
    ) -> Result<Vec<Pairing>, DbError> {
        let mut tx = self.read().await?;
        let pairings = pairings_in(&mut tx, program, status).await?;
        tx.commit().await?;
        Ok(pairings)
    }

    /// Stores a draft proposal with the fingerprint of what it was solved from.
    pub async fn insert_proposal(
        &self,
        actor: &Actor,
        program: ProgramId,
        reason: &ProposalReason,
        objective: i64,
        result: &serde_json::Value,
        inputs_sha256: &str,
    ) -> Result<StoredProposal, DbError> {
        let json = result.to_string();
        let mut tx = self.begin().await?;
        let id: i64 = on_tx!(&mut tx, conn => {
            sqlx::query_scalar(
                "INSERT INTO match_proposals (program_id, status, reason, reason_detail, objective, result_json, created_by, created_at, inputs_sha256) \
                 VALUES ($1, 'draft', $2, $8, $3, $4, $5, $6, $7) RETURNING id",
            )
            .bind(program.0).bind(reason.code()).bind(objective).bind(&json).bind(&actor.label).bind(crate::now()).bind(inputs_sha256).bind(reason.detail())
            .fetch_one(&mut *conn).await?
        });
        let record = serde_json::json!({"id": id, "program": program, "reason": reason, "objective": objective});
        tx.audit::<(), _>(
            actor,
            Action::Create,
            "match_proposal",
            id,
            None,
            Some(&record),
        )
        .await?;
        tx.commit().await?;
        self.proposal(ProposalId(id)).await
    }

    /// One proposal.
    pub async fn proposal(&self, id: ProposalId) -> Result<StoredProposal, DbError> {
        let mut tx = self.read().await?;
        let proposal = proposal_in(&mut tx, id.0).await?;
        tx.commit().await?;
        Ok(proposal)
    }

    /// The program's proposals, newest first.
    pub async fn proposals_of_program(
        &self,
        program: ProgramId,
        limit: i64,
    ) -> Result<Vec<StoredProposal>, DbError> {
        let sql = format!("{PROPOSAL_SELECT} WHERE program_id = $1 ORDER BY id DESC LIMIT $2");
        let rows: Vec<ProposalRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(program.0).bind(limit).fetch_all(pool).await?
        });
        rows.into_iter().map(proposal_from_row).collect()
    }

    /// The newest approved proposal (the warm start for the next run), if any.
    pub async fn latest_approved_proposal(
        &self,
        program: ProgramId,
    ) -> Result<Option<StoredProposal>, DbError> {
        let sql = format!(
            "{PROPOSAL_SELECT} WHERE program_id = $1 AND status = 'approved' ORDER BY id DESC LIMIT 1"
        );
        let row: Option<ProposalRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(program.0).fetch_optional(pool).await?
        });
        row.map(proposal_from_row).transpose()
    }

    /// The id of the program's newest proposal, whatever its status.
    pub async fn newest_proposal_id(&self, program: ProgramId) -> Result<Option<i64>, DbError> {
        let mut tx = self.read().await?;
        let newest = newest_proposal_id_in(&mut tx, program).await?;
        tx.commit().await?;
        Ok(newest)
    }

    /// Approves a draft: in one transaction, keeps pairings the proposal repeats, creates the
    /// new ones as `active`, ends the program's other active pairings, marks this proposal
    /// approved and older drafts discarded. Every change is audited. Returns the pairings
    /// created. Refuses, writing nothing, a draft that a newer proposal has superseded (that
    /// one was run with the rules, capacities and departures as they are now, and approving
    /// the older one would quietly undo them), and one whose fingerprint differs from
    /// `inputs_now`, what it would be solved from today (a rule added without a re-run).
    pub async fn approve_proposal(
        &self,
        actor: &Actor,
        id: ProposalId,
        pairs: &[(PersonId, PersonId)],
        inputs_now: &str,
    ) -> Result<Vec<Pairing>, DbError> {
        // A proposal's program never changes, so it may be read before the lock.
        let program = self.proposal(id).await?.program;
        let mut tx = self.begin().await?;
        lock_program_in(&mut tx, program).await?;
        let proposal = proposal_in(&mut tx, id.0).await?;
        if proposal.status != ProposalStatus::Draft {
            return Err(FieldError::new(
                "proposal",
                format!(
                    "proposal {id} is {} and cannot be approved; run a new one",
                    proposal.status
                ),
            )
            .phrased(
                "matching-error-decided",
                &[("id", &id), ("status", &proposal.status)],
            )
            .into());
        }
        if let Some(newest) = newest_proposal_id_in(&mut tx, program).await?
            && newest > id.0
        {
            return Err(FieldError::new(
                "proposal",
                format!(
                    "proposal {id} is out of date: proposal {newest} was run after it; approve that one or run a new one"
                ),
            )
            .phrased("matching-error-superseded", &[("id", &id), ("newest", &newest)])
            .into());
        }
        if proposal
            .inputs_sha256
            .as_deref()
            .is_some_and(|then| then != inputs_now)
        {
            return Err(FieldError::new(
                "proposal",
                format!(
                    "the program's people, capacities, settings, rules or pairings changed since proposal {id} was run; run a new one"
                ),
            )
            .phrased("matching-error-inputs-changed", &[("id", &id)])
            .into());
        }
        // Pairings held back by the training gate are current too: a re-approval keeps or
        // ends them like active ones.
        let active: Vec<Pairing> = pairings_in(&mut tx, program, None)
            .await?
            .into_iter()
            .filter(|p| p.status.is_current())
            .collect();
        let wanted: BTreeSet<(PersonId, PersonId)> = pairs.iter().copied().collect();
        let kept: BTreeSet<(PersonId, PersonId)> = active
            .iter()
            .map(|p| (p.mentor, p.mentee))
            .filter(|pair| wanted.contains(pair))
            .collect();
        let now = crate::now();
        let mut created = Vec::new();
        for old in active
            .iter()
            .filter(|p| !wanted.contains(&(p.mentor, p.mentee)))
        {
            old.end_in(&mut tx, actor).await?;
        }
        for &(mentor, mentee) in wanted.difference(&kept) {
            // The training gate (C4): a mentee who has not completed the program's required
            // courses is paired, but the pairing waits until they have.
            let status = if crate::training::missing_in(&mut tx, program, mentee)
                .await?
                .is_empty()
            {
                PairingStatus::Active
            } else {
                PairingStatus::AwaitingTraining
            };
            let pairing_id: i64 = on_tx!(&mut tx, conn => {
                sqlx::query_scalar(
                    "INSERT INTO pairings (program_id, mentor_id, mentee_id, status, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
                )
                .bind(program.0).bind(mentor.0).bind(mentee.0).bind(status.as_str()).bind(now)
                .fetch_one(&mut *conn).await?
            });
            let pairing = Pairing {
                id: PairingId(pairing_id),
                program,
                mentor,
                mentee,
                status,
            };
            tx.audit::<(), _>(
                actor,
                Action::Create,
                "pairing",
                pairing_id,
                None,
                Some(&pairing),
            )
            .await?;
            created.push(pairing);
        }
        on_tx!(&mut tx, conn => {
            sqlx::query("UPDATE match_proposals SET status = 'approved', decided_at = $2 WHERE id = $1")
                .bind(id.0).bind(now).execute(&mut *conn).await?;
            sqlx::query("UPDATE match_proposals SET status = 'discarded', decided_at = $3 WHERE program_id = $1 AND status = 'draft' AND id <> $2")
                .bind(program.0).bind(id.0).bind(now).execute(&mut *conn).await?;
        });
        tx.audit(
            actor,
            Action::Update,
            "match_proposal",
            id,
            Some(&serde_json::json!({"status": "draft"})),
            Some(&serde_json::json!({"status": "approved", "created": created.len(), "kept": kept.len()})),
        )
        .await?;
        tx.commit().await?;
        Ok(created)
    }

    /// A mentor leaves the program: in one transaction their capacity becomes 0, their
    /// active pairings and facility team places end and pins to them are removed (they could
    /// no longer be honoured).
    /// Returns the mentees left without a mentor. Refuses, writing nothing, a mentor with
    /// nothing left to record (capacity 0 already, no current pairing, team place or pin), usually a
    /// departure recorded twice: again it would only repeat the audit trail and, in the app,
    /// start another re-match.
    pub async fn mentor_leaves(
        &self,
        actor: &Actor,
        program: ProgramId,
        mentor: PersonId,
    ) -> Result<Vec<PersonId>, DbError> {
        self.check_role(program, mentor, "mentor", "mentor").await?;
        let mut tx = self.begin().await?;
        lock_program_in(&mut tx, program).await?;
        // Pairings held back by the training gate are current too: a re-approval keeps or
        // ends them like active ones.
        let active: Vec<Pairing> = pairings_in(&mut tx, program, None)
            .await?
            .into_iter()
            .filter(|p| p.status.is_current())
            .collect();
        let pins: Vec<MatchRule> = rules_in(&mut tx, program)
            .await?
            .into_iter()
            .filter(|r| r.pins_to(mentor))
            .collect();
        let capacity = capacity_in(&mut tx, program, mentor).await?;
        // Their places on approved facility teams (C5 team formation) end too: a team member
        // who left can mentor no one there.
        let teams: Vec<i64> = on_tx!(&mut tx, conn => {
            sqlx::query_scalar("SELECT id FROM facility_team_members WHERE program_id = $1 AND mentor_id = $2 AND status = 'active' ORDER BY id")
                .bind(program.0).bind(mentor.0).fetch_all(&mut *conn).await?
        });
        if capacity == Some(0)
            && pins.is_empty()
            && teams.is_empty()
            && !active.iter().any(|p| p.mentor == mentor)
        {
            // Nothing was written: dropping the transaction rolls it back and frees the lock.
            drop(tx);
            let name = self.person(mentor).await?.profile.name;
            return Err(DbError::Invalid(FieldError::new(
                "mentor",
                format!(
                    "{name} has already left this program or has no places, and has no mentee or pin left: nothing to record (run a new proposal to re-match)"
                ),
            )
            .phrased("matching-error-left-already", &[("name", &name)])));
        }
        set_capacity_in(&mut tx, actor, program, mentor, 0).await?;
        crate::facility_matching::end_rows_in(
            &mut tx,
            actor,
            ("facility_team_members", "facility_team_member"),
            &teams,
            crate::now(),
            &serde_json::json!({"status": "ended", "reason": "mentor left"}),
        )
        .await?;
        for pin in &pins {
            on_tx!(&mut tx, conn => {
                sqlx::query("DELETE FROM match_rules WHERE id = $1").bind(pin.id.0).execute(&mut *conn).await?.rows_affected()
            });
            tx.audit::<_, ()>(actor, Action::Delete, "match_rule", pin.id, Some(pin), None)
                .await?;
        }
        let mut orphans = Vec::new();
        for old in active.iter().filter(|p| p.mentor == mentor) {
            old.end_in(&mut tx, actor).await?;
            orphans.push(old.mentee);
        }
        tx.commit().await?;
        Ok(orphans)
    }
}

/// [`Db::match_rules`] inside `tx`.
async fn rules_in(tx: &mut crate::Tx, program: ProgramId) -> Result<Vec<MatchRule>, DbError> {
    let rows: Vec<RuleRow> = on_tx!(&mut *tx, conn => {
        sqlx::query_as(
            "SELECT r.id, r.program_id, r.kind, r.mentee_id, a.name, r.mentor_id, b.name, r.reason \
             FROM match_rules r JOIN people a ON a.id = r.mentee_id JOIN people b ON b.id = r.mentor_id \
             WHERE r.program_id = $1 ORDER BY r.id",
        )
        .bind(program.0).fetch_all(&mut *conn).await?
    });
    rows.into_iter()
        .map(
            |(id, program, kind, mentee, mentee_name, mentor, mentor_name, reason)| {
                Ok(MatchRule {
                    id: MatchRuleId(id),
                    program: ProgramId(program),
                    kind: RuleKind::parse(&kind).map_err(|e| DbError::Corrupt(e.to_string()))?,
                    mentee: PersonId(mentee),
                    mentee_name,
                    mentor: PersonId(mentor),
                    mentor_name,
                    reason,
                })
            },
        )
        .collect()
}

/// [`Db::pairings_of_program`] inside `tx`.
async fn pairings_in(
    tx: &mut crate::Tx,
    program: ProgramId,
    status: Option<PairingStatus>,
) -> Result<Vec<Pairing>, DbError> {
    let rows: Vec<PairingRow> = on_tx!(&mut *tx, conn => {
        sqlx::query_as(
            "SELECT id, program_id, mentor_id, mentee_id, status FROM pairings \
             WHERE program_id = $1 AND ($2 = '' OR status = $2) ORDER BY id",
        )
        .bind(program.0).bind(status.map_or("", PairingStatus::as_str)).fetch_all(&mut *conn).await?
    });
    Ok(rows.into_iter().map(Pairing::from_row).collect())
}

/// [`Db::proposal`] inside `tx`.
async fn proposal_in(tx: &mut crate::Tx, id: i64) -> Result<StoredProposal, DbError> {
    let sql = format!("{PROPOSAL_SELECT} WHERE id = $1");
    let row: Option<ProposalRow> = on_tx!(&mut *tx, conn => {
        sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(&mut *conn).await?
    });
    proposal_from_row(row.ok_or_else(|| DbError::NotFound {
        entity: "proposal",
        key: id.to_string(),
    })?)
}

/// [`Db::newest_proposal_id`] inside `tx`.
async fn newest_proposal_id_in(
    tx: &mut crate::Tx,
    program: ProgramId,
) -> Result<Option<i64>, DbError> {
    Ok(on_tx!(&mut *tx, conn => {
        sqlx::query_scalar("SELECT MAX(id) FROM match_proposals WHERE program_id = $1")
            .bind(program.0).fetch_one(&mut *conn).await?
    }))
}

/// Serialises the writes that decide from what a program holds now (approving a proposal, a
/// mentor leaving, scheduling a series): each reads what it will change only after this, so
/// two at once (a double submit, two managers) cannot both act on what they read before the
/// other committed. SQLite's `BEGIN IMMEDIATE` already holds the database's write lock for
/// the whole transaction; on PostgreSQL the program's row is locked until the transaction
/// ends.
pub(crate) async fn lock_program_in(tx: &mut crate::Tx, program: ProgramId) -> Result<(), DbError> {
    if let crate::Tx::Postgres(t) = tx {
        sqlx::query("SELECT id FROM programs WHERE id = $1 FOR UPDATE")
            .bind(program.0)
            .execute(&mut **t)
            .await?;
    }
    Ok(())
}

/// The capacity set for `mentor` in `program`, `None` when they take the program default.
async fn capacity_in(
    tx: &mut crate::Tx,
    program: ProgramId,
    mentor: PersonId,
) -> Result<Option<i64>, DbError> {
    Ok(on_tx!(&mut *tx, conn => {
        sqlx::query_scalar("SELECT capacity FROM mentor_capacities WHERE program_id = $1 AND person_id = $2")
            .bind(program.0).bind(mentor.0).fetch_optional(&mut *conn).await?
    }))
}

async fn set_capacity_in(
    tx: &mut crate::Tx,
    actor: &Actor,
    program: ProgramId,
    mentor: PersonId,
    capacity: u32,
) -> Result<(), DbError> {
    let before = capacity_in(tx, program, mentor).await?;
    on_tx!(&mut *tx, conn => {
        sqlx::query(
            "INSERT INTO mentor_capacities (program_id, person_id, capacity) VALUES ($1, $2, $3) \
             ON CONFLICT (program_id, person_id) DO UPDATE SET capacity = excluded.capacity",
        )
        .bind(program.0).bind(mentor.0).bind(i64::from(capacity))
        .execute(&mut *conn).await?.rows_affected()
    });
    tx.audit(
        actor,
        Action::Update,
        "mentor_capacity",
        format!("{program}/{mentor}"),
        before.as_ref(),
        Some(&capacity),
    )
    .await
}
