//! Facility coupling and mentor team formation (C5): the program's settings, the facilities
//! and readiness a proposal is computed over, proposals, and their approval into couplings
//! and team members. Approval ends the active couplings (or team members) it replaces; they
//! are kept as history, never deleted.

use crate::audit::Action;
use crate::codes::Code;
use crate::program_settings::SettingsKind;
use crate::{Actor, Db, DbError, on_pool, on_tx};
use chrono::{DateTime, NaiveDate, Utc};
use domain::FieldError;
use domain::ids::{CouplingId, FacilityProposalId, TeamMemberId};
use domain::ids::{OrgUnitId, PersonId, ProgramId};
use domain::matching::{ProposalReason, ProposalStatus};
use domain::values::parse_date;
use matching::FacilitySettings;
use serde::Serialize;

/// What a facility proposal computes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FacilityProposalKind {
    /// Weak facilities coupled with strong ones.
    Coupling,
    /// A mentor team per facility.
    Teams,
}

impl FacilityProposalKind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            FacilityProposalKind::Coupling => "coupling",
            FacilityProposalKind::Teams => "teams",
        }
    }

    fn parse(text: &str) -> Result<Self, DbError> {
        match text {
            "coupling" => Ok(Self::Coupling),
            "teams" => Ok(Self::Teams),
            other => Err(DbError::Corrupt(format!(
                "facility proposal kind {other:?}"
            ))),
        }
    }
}

/// A program's site as coupling and team formation see it.
#[derive(Debug, Clone, PartialEq)]
pub struct FacilityCandidate {
    /// The facility (org unit).
    pub facility: OrgUnitId,
    /// Its name.
    pub name: String,
    /// Its coordinates, when recorded.
    pub location: Option<(f64, f64)>,
    /// Readiness: the total (0–100 %) of its latest scored site assessment in the program.
    pub readiness: Option<f64>,
    /// When that assessment was made.
    pub assessed_on: Option<NaiveDate>,
}

/// A stored facility proposal.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct StoredFacilityProposal {
    /// Id.
    #[schema(value_type = i64)]
    pub id: FacilityProposalId,
    /// Program.
    #[schema(value_type = i64)]
    pub program: ProgramId,
    /// Coupling or teams.
    pub kind: FacilityProposalKind,
    /// Where it stands.
    pub status: ProposalStatus,
    /// Why it was run; the API sends its English sentence.
    #[schema(value_type = String)]
    pub reason: ProposalReason,
    /// Fingerprint of the inputs it was computed from.
    pub inputs_sha256: String,
    /// The explained result, as the application wrote it.
    #[schema(value_type = Object)]
    pub result: serde_json::Value,
    /// Who ran it.
    pub created_by: String,
    /// When.
    pub created_at: DateTime<Utc>,
    /// When it was approved or discarded.
    pub decided_at: Option<DateTime<Utc>>,
}

type ProposalRow = (
    i64,
    i64,
    String,
    Code<ProposalStatus>,
    String,
    String,
    String,
    String,
    String,
    DateTime<Utc>,
    Option<DateTime<Utc>>,
);

const PROPOSAL_SELECT: &str = "SELECT id, program_id, kind, status, reason, reason_detail, inputs_sha256, result_json, created_by, created_at, decided_at FROM facility_proposals";

fn proposal_from_row(row: ProposalRow) -> Result<StoredFacilityProposal, DbError> {
    let (
        id,
        program,
        kind,
        status,
        reason,
        reason_detail,
        inputs,
        result,
        created_by,
        created_at,
        decided_at,
    ) = row;
    Ok(StoredFacilityProposal {
        id: FacilityProposalId(id),
        program: ProgramId(program),
        kind: FacilityProposalKind::parse(&kind)?,
        status: status.0,
        reason: ProposalReason::from_stored(&reason, &reason_detail)
            .map_err(|e| DbError::Corrupt(e.to_string()))?,
        inputs_sha256: inputs,
        result: serde_json::from_str(&result).map_err(|e| DbError::Corrupt(e.to_string()))?,
        created_by,
        created_at,
        decided_at,
    })
}

/// A coupling to create on approval.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewCoupling {
    /// The weak facility.
    pub weak: OrgUnitId,
    /// Its strong partner.
    pub strong: OrgUnitId,
    /// Great-circle distance, km.
    pub km: f64,
}

/// A team member to create on approval.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewTeamMember {
    /// The facility.
    pub facility: OrgUnitId,
    /// The cadre they cover.
    pub cadre: String,
    /// The mentor.
    pub mentor: PersonId,
    /// Great-circle distance from the mentor's home facility, km.
    pub km: f64,
}

/// What an approval writes.
#[derive(Debug, Clone, PartialEq)]
pub enum FacilityApproval {
    /// The couplings of a coupling proposal.
    Coupling(Vec<NewCoupling>),
    /// The members of a teams proposal.
    Teams(Vec<NewTeamMember>),
}

impl FacilityApproval {
    fn kind(&self) -> FacilityProposalKind {
        match self {
            FacilityApproval::Coupling(_) => FacilityProposalKind::Coupling,
            FacilityApproval::Teams(_) => FacilityProposalKind::Teams,
        }
    }
}

/// An approved, active coupling.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ActiveCoupling {
    /// Id.
    #[schema(value_type = i64)]
    pub id: CouplingId,
    /// Weak facility.
    #[schema(value_type = i64)]
    pub weak: OrgUnitId,
    /// Its name.
    pub weak_name: String,
    /// Strong facility.
    #[schema(value_type = i64)]
    pub strong: OrgUnitId,
    /// Its name.
    pub strong_name: String,
    /// Distance, km.
    pub km: f64,
    /// The proposal it was approved from.
    #[schema(value_type = i64)]
    pub proposal: FacilityProposalId,
    /// Who approved it.
    pub approved_by: String,
    /// When.
    pub approved_at: DateTime<Utc>,
}

/// An approved, active team member.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ActiveTeamMember {
    /// Id.
    #[schema(value_type = i64)]
    pub id: TeamMemberId,
    /// Facility.
    #[schema(value_type = i64)]
    pub facility: OrgUnitId,
    /// Its name.
    pub facility_name: String,
    /// Cadre covered.
    pub cadre: String,
    /// Mentor.
    #[schema(value_type = i64)]
    pub mentor: PersonId,
    /// Their name.
    pub mentor_name: String,
    /// Distance from the mentor's home facility, km.
    pub km: f64,
    /// The proposal it was approved from.
    #[schema(value_type = i64)]
    pub proposal: FacilityProposalId,
    /// Who approved it.
    pub approved_by: String,
    /// When.
    pub approved_at: DateTime<Utc>,
}

type CouplingRow = (
    i64,
    i64,
    String,
    i64,
    String,
    f64,
    i64,
    String,
    DateTime<Utc>,
);
type MemberRow = (
    i64,
    i64,
    String,
    String,
    i64,
    String,
    f64,
    i64,
    String,
    DateTime<Utc>,
);

/// What an approval did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ApprovalCounts {
    /// Rows created.
    pub created: usize,
    /// Active rows it ended.
    pub ended: usize,
}

impl Db {
    /// The program's facility coupling and team settings (the defaults until saved).
    pub async fn facility_matching_settings(
        &self,
        program: ProgramId,
    ) -> Result<FacilitySettings, DbError> {
        self.program_settings(SettingsKind::FacilityMatching, program)
            .await
    }

    /// Saves the program's facility settings after checking them (the error names the field).
    pub async fn set_facility_matching_settings(
        &self,
        actor: &Actor,
        program: ProgramId,
        settings: &FacilitySettings,
    ) -> Result<(), DbError> {
        self.set_program_settings(
            actor,
            SettingsKind::FacilityMatching,
            program,
            settings,
            settings.validate(),
        )
        .await
    }

    /// The program's sites with their coordinates and latest scored readiness, by facility id
    /// (stable between runs).
    pub async fn facility_candidates(
        &self,
        program: ProgramId,
    ) -> Result<Vec<FacilityCandidate>, DbError> {
        type Row = (
            i64,
            String,
            Option<f64>,
            Option<f64>,
            Option<f64>,
            Option<String>,
        );
        // The latest assessment with a score: an assessment with nothing scorable says
        // nothing about strength.
        let latest = "FROM site_assessments a WHERE a.program_id = s.program_id AND a.facility_id = s.facility_id \
                      AND a.total_percent IS NOT NULL ORDER BY a.assessed_on DESC, a.id DESC LIMIT 1";
        let sql = format!(
            "SELECT s.facility_id, o.name, o.latitude, o.longitude, \
             (SELECT a.total_percent {latest}), (SELECT a.assessed_on {latest}) \
             FROM sites s JOIN org_units o ON o.id = s.facility_id WHERE s.program_id = $1 ORDER BY s.facility_id"
        );
        let rows: Vec<Row> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(program.0).fetch_all(pool).await?
        });
        rows.into_iter()
            .map(|(id, name, lat, lon, readiness, on)| {
                Ok(FacilityCandidate {
                    facility: OrgUnitId(id),
                    name,
                    location: lat.zip(lon),
                    readiness,
                    assessed_on: on
                        .as_deref()
                        .map(|d| parse_date(d, "assessed_on"))
                        .transpose()
                        .map_err(|e| DbError::Corrupt(e.to_string()))?,
                })
            })
            .collect()
    }

    /// Stores a draft facility proposal.
    pub async fn insert_facility_proposal(
        &self,
        actor: &Actor,
        program: ProgramId,
        kind: FacilityProposalKind,
        reason: &ProposalReason,
        inputs_sha256: &str,
        result: &serde_json::Value,
    ) -> Result<StoredFacilityProposal, DbError> {
        let json = result.to_string();
        let mut tx = self.begin().await?;
        let id: i64 = on_tx!(&mut tx, conn => {
            sqlx::query_scalar(
                "INSERT INTO facility_proposals (program_id, kind, status, reason, reason_detail, inputs_sha256, result_json, created_by, created_at) \
                 VALUES ($1, $2, 'draft', $3, $8, $4, $5, $6, $7) RETURNING id",
            )
            .bind(program.0).bind(kind.as_str()).bind(reason.code()).bind(inputs_sha256).bind(&json)
            .bind(&actor.label).bind(crate::now()).bind(reason.detail())
            .fetch_one(&mut *conn).await?
        });
        let record =
            serde_json::json!({"id": id, "program": program, "kind": kind, "reason": reason});
        tx.audit::<(), _>(
            actor,
            Action::Create,
            "facility_proposal",
            id,
            None,
            Some(&record),
        )
        .await?;
        tx.commit().await?;
        self.facility_proposal(FacilityProposalId(id)).await
    }

    /// One facility proposal.
    pub async fn facility_proposal(
        &self,
        id: FacilityProposalId,
    ) -> Result<StoredFacilityProposal, DbError> {
        let row: ProposalRow = self
            .one_by_id(
                format!("{PROPOSAL_SELECT} WHERE id = $1"),
                id.0,
                "facility proposal",
            )
            .await?;
        proposal_from_row(row)
    }

    /// The program's facility proposals, newest first.
    pub async fn facility_proposals_of_program(
        &self,
        program: ProgramId,
        limit: i64,
    ) -> Result<Vec<StoredFacilityProposal>, DbError> {
        let sql = format!("{PROPOSAL_SELECT} WHERE program_id = $1 ORDER BY id DESC LIMIT $2");
        let rows: Vec<ProposalRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(program.0).bind(limit).fetch_all(pool).await?
        });
        rows.into_iter().map(proposal_from_row).collect()
    }

    /// The program's active couplings, by weak facility name.
    pub async fn active_couplings(
        &self,
        program: ProgramId,
    ) -> Result<Vec<ActiveCoupling>, DbError> {
        let rows: Vec<CouplingRow> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT c.id, c.weak_facility_id, w.name, c.strong_facility_id, s.name, c.km, c.proposal_id, c.approved_by, c.approved_at \
                 FROM facility_couplings c JOIN org_units w ON w.id = c.weak_facility_id JOIN org_units s ON s.id = c.strong_facility_id \
                 WHERE c.program_id = $1 AND c.status = 'active' ORDER BY w.name, c.id",
            )
            .bind(program.0).fetch_all(pool).await?
        });
        Ok(rows
            .into_iter()
            .map(
                |(id, weak, weak_name, strong, strong_name, km, proposal, by, at)| ActiveCoupling {
                    id: CouplingId(id),
                    weak: OrgUnitId(weak),
                    weak_name,
                    strong: OrgUnitId(strong),
                    strong_name,
                    km,
                    proposal: FacilityProposalId(proposal),
                    approved_by: by,
                    approved_at: at,
                },
            )
            .collect())
    }

    /// The program's active team members, by facility name and cadre.
    pub async fn active_team_members(
        &self,
        program: ProgramId,
    ) -> Result<Vec<ActiveTeamMember>, DbError> {
        self.team_members(program, "t.status = 'active'").await
    }

    /// The places of the program's approved teams that were emptied after their approval (a
    /// mentor left the program): each still names the mentor who held it. A team proposal
    /// approved later replaces them all, so they are the places left to fill.
    pub async fn vacated_team_places(
        &self,
        program: ProgramId,
    ) -> Result<Vec<ActiveTeamMember>, DbError> {
        self.team_members(
            program,
            "t.status = 'ended' AND t.proposal_id = (SELECT MAX(f.id) FROM facility_proposals f \
             WHERE f.program_id = t.program_id AND f.kind = 'teams' AND f.status = 'approved')",
        )
        .await
    }

    /// Team member rows of `program` that meet `condition` (fixed SQL over `t`, never input).
    async fn team_members(
        &self,
        program: ProgramId,
        condition: &'static str,
    ) -> Result<Vec<ActiveTeamMember>, DbError> {
        let sql = format!(
            "SELECT t.id, t.facility_id, o.name, t.cadre, t.mentor_id, p.name, t.km, t.proposal_id, t.approved_by, t.approved_at \
             FROM facility_team_members t JOIN org_units o ON o.id = t.facility_id JOIN people p ON p.id = t.mentor_id \
             WHERE t.program_id = $1 AND {condition} ORDER BY o.name, t.facility_id, t.id"
        );
        let rows: Vec<MemberRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(program.0).fetch_all(pool).await?
        });
        Ok(rows
            .into_iter()
            .map(
                |(
                    id,
                    facility,
                    facility_name,
                    cadre,
                    mentor,
                    mentor_name,
                    km,
                    proposal,
                    by,
                    at,
                )| {
                    ActiveTeamMember {
                        id: TeamMemberId(id),
                        facility: OrgUnitId(facility),
                        facility_name,
                        cadre,
                        mentor: PersonId(mentor),
                        mentor_name,
                        km,
                        proposal: FacilityProposalId(proposal),
                        approved_by: by,
                        approved_at: at,
                    }
                },
            )
            .collect())
    }

    /// Approves a draft facility proposal, in one transaction: marks it approved (refused
    /// unless it is still a draft, so approving twice or a discarded proposal writes nothing),
    /// ends the program's active couplings or team members, creates the proposal's, and
    /// discards the program's other drafts of the same kind. Every change is audited.
    pub async fn approve_facility_proposal(
        &self,
        actor: &Actor,
        id: FacilityProposalId,
        approval: &FacilityApproval,
    ) -> Result<ApprovalCounts, DbError> {
        let proposal = self.facility_proposal(id).await?;
        if proposal.kind != approval.kind() {
            return Err(FieldError::new(
                "proposal",
                format!("proposal {id} is a {} proposal", proposal.kind.as_str()),
            )
            .into());
        }
        let program = proposal.program;
        let now = crate::now();
        let mut tx = self.begin().await?;
        // The status test in the UPDATE itself: two approvals racing cannot both pass.
        let claimed = on_tx!(&mut tx, conn => {
            sqlx::query("UPDATE facility_proposals SET status = 'approved', decided_at = $2 WHERE id = $1 AND status = 'draft'")
                .bind(id.0).bind(now).execute(&mut *conn).await?.rows_affected()
        });
        if claimed != 1 {
            // Decided meanwhile (another approval won the race): say how it stands now, not
            // as it was read before the transaction.
            let Code(status): Code<ProposalStatus> = on_tx!(&mut tx, conn => {
                sqlx::query_scalar("SELECT status FROM facility_proposals WHERE id = $1")
                    .bind(id.0).fetch_one(&mut *conn).await?
            });
            return Err(FieldError::new(
                "proposal",
                format!("proposal {id} is {status} and cannot be approved; run a new one"),
            )
            .phrased(
                "matching-error-decided",
                &[("id", &id), ("status", &status)],
            )
            .into());
        }
        let (table, entity) = match approval {
            FacilityApproval::Coupling(_) => ("facility_couplings", "facility_coupling"),
            FacilityApproval::Teams(_) => ("facility_team_members", "facility_team_member"),
        };
        let select = format!(
            "SELECT id FROM {table} WHERE program_id = $1 AND status = 'active' ORDER BY id"
        );
        let ended: Vec<i64> = on_tx!(&mut tx, conn => {
            sqlx::query_scalar(sqlx::AssertSqlSafe(select)).bind(program.0).fetch_all(&mut *conn).await?
        });
        end_rows_in(
            &mut tx,
            actor,
            (table, entity),
            &ended,
            now,
            &serde_json::json!({"status": "ended", "replaced_by_proposal": id}),
        )
        .await?;
        let mut created = 0;
        match approval {
            FacilityApproval::Coupling(pairs) => {
                for pair in pairs {
                    let row: i64 = on_tx!(&mut tx, conn => {
                        sqlx::query_scalar(
                            "INSERT INTO facility_couplings (program_id, weak_facility_id, strong_facility_id, km, proposal_id, status, approved_by, approved_at) \
                             VALUES ($1, $2, $3, $4, $5, 'active', $6, $7) RETURNING id",
                        )
                        .bind(program.0).bind(pair.weak.0).bind(pair.strong.0).bind(pair.km).bind(id.0)
                        .bind(&actor.label).bind(now)
                        .fetch_one(&mut *conn).await?
                    });
                    tx.audit::<(), _>(actor, Action::Create, entity, row, None, Some(pair))
                        .await?;
                    created += 1;
                }
            }
            FacilityApproval::Teams(members) => {
                for member in members {
                    let row: i64 = on_tx!(&mut tx, conn => {
                        sqlx::query_scalar(
                            "INSERT INTO facility_team_members (program_id, facility_id, cadre, mentor_id, km, proposal_id, status, approved_by, approved_at) \
                             VALUES ($1, $2, $3, $4, $5, $6, 'active', $7, $8) RETURNING id",
                        )
                        .bind(program.0).bind(member.facility.0).bind(&member.cadre).bind(member.mentor.0)
                        .bind(member.km).bind(id.0).bind(&actor.label).bind(now)
                        .fetch_one(&mut *conn).await?
                    });
                    tx.audit::<(), _>(actor, Action::Create, entity, row, None, Some(member))
                        .await?;
                    created += 1;
                }
            }
        }
        on_tx!(&mut tx, conn => {
            sqlx::query(
                "UPDATE facility_proposals SET status = 'discarded', decided_at = $4 \
                 WHERE program_id = $1 AND kind = $2 AND status = 'draft' AND id <> $3",
            )
            .bind(program.0).bind(proposal.kind.as_str()).bind(id.0).bind(now)
            .execute(&mut *conn).await?.rows_affected()
        });
        let counts = ApprovalCounts {
            created,
            ended: ended.len(),
        };
        tx.audit(
            actor,
            Action::Update,
            "facility_proposal",
            id,
            Some(&serde_json::json!({"status": "draft"})),
            Some(&serde_json::json!({"status": "approved", "created": counts.created, "ended": counts.ended})),
        )
        .await?;
        tx.commit().await?;
        Ok(counts)
    }
}

/// Ends the active couplings or team places `ids` of `(table, audit entity)` (one of
/// `facility_couplings` / `facility_team_members`), auditing each with `after`, which says
/// why.
pub(crate) async fn end_rows_in(
    tx: &mut crate::Tx,
    actor: &Actor,
    (table, entity): (&'static str, &'static str),
    ids: &[i64],
    now: DateTime<Utc>,
    after: &serde_json::Value,
) -> Result<(), DbError> {
    let update = format!("UPDATE {table} SET status = 'ended', ended_at = $2 WHERE id = $1");
    for id in ids {
        on_tx!(&mut *tx, conn => {
            sqlx::query(sqlx::AssertSqlSafe(update.clone())).bind(id).bind(now).execute(&mut *conn).await?.rows_affected()
        });
        tx.audit(
            actor,
            Action::Update,
            entity,
            id,
            Some(&serde_json::json!({"status": "active"})),
            Some(after),
        )
        .await?;
    }
    Ok(())
}
