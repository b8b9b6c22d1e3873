//! The program's planned dose (C6) and what is read from recorded activities to compare with
//! it: one contact row per attended person, activity and day, and each checklist's
//! percentage for the indicator engine. Apart because these are inputs to computations in
//! other crates (`indicators::dose`, the engines), not activities as people see them.

use super::{VISIT_DAY_MINUTES, corrupt, stored_date};
use crate::audit::Action;
use crate::codes::Code;
use crate::{Actor, Db, DbError, on_pool, on_tx};
use chrono::{Days, NaiveDate};
use domain::FieldError;
use domain::field::{ActivityKind, ParticipantRole};
use domain::ids::{ActivityId, OrgUnitId, PersonId, ProgramId};
use serde::{Deserialize, Serialize};

/// One person's contact on one day of one activity, for the dose computation (C6). Only
/// attended participations count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ContactRow {
    /// Activity.
    #[schema(value_type = i64)]
    pub activity: ActivityId,
    /// Its kind (the modality).
    pub kind: ActivityKind,
    /// The day. A visit gives one row per visit day in the range.
    pub date: NaiveDate,
    /// Facility, if any.
    #[schema(value_type = Option<i64>)]
    pub facility: Option<OrgUnitId>,
    /// Who.
    #[schema(value_type = i64)]
    pub person: PersonId,
    /// Their part.
    pub role: ParticipantRole,
    /// Contact minutes that day: a visit's duration spread over its days, else
    /// [`VISIT_DAY_MINUTES`] a day; a session's duration; 0 for a check-in without one.
    pub minutes: i64,
}

/// The dose a program plans per mentee (C6), compared by the dose computation with what was
/// recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DosePlan {
    /// Days of side-by-side coaching per visit (the surgical program: 2).
    pub visit_days: i64,
    /// A visit every this many months (the surgical program: 2).
    pub visit_every_months: i64,
    /// Tele-mentoring minutes a week.
    #[serde(default)]
    pub tele_minutes_per_week: i64,
    /// WhatsApp/SMS/phone check-ins a month.
    #[serde(default)]
    pub check_ins_per_month: i64,
}

impl DosePlan {
    /// Checks the ranges; the error names the field.
    pub fn validate(&self) -> Result<(), FieldError> {
        let check = |value: i64, field: &str, max: i64| {
            if (0..=max).contains(&value) {
                Ok(())
            } else {
                Err(FieldError::new(field, format!("must be 0 to {max}")))
            }
        };
        check(self.visit_days, "visit_days", 31)?;
        if !(1..=24).contains(&self.visit_every_months) {
            return Err(FieldError::new("visit_every_months", "must be 1 to 24"));
        }
        check(
            self.tele_minutes_per_week,
            "tele_minutes_per_week",
            7 * 24 * 60,
        )?;
        check(self.check_ins_per_month, "check_ins_per_month", 100)
    }
}

/// activity, kind, facility, starts on, ends on, minutes, person, role.
type ContactSourceRow = (
    i64,
    Code<ActivityKind>,
    Option<i64>,
    String,
    String,
    Option<i64>,
    i64,
    Code<ParticipantRole>,
);

impl Db {
    /// Sets the program's planned dose, replacing any earlier plan.
    pub async fn set_dose_plan(
        &self,
        actor: &Actor,
        program: ProgramId,
        plan: &DosePlan,
    ) -> Result<DosePlan, DbError> {
        plan.validate()?;
        self.program(program).await?;
        let before = self.dose_plan(program).await?;
        let json = serde_json::to_string(plan).map_err(corrupt)?;
        let mut tx = self.begin().await?;
        on_tx!(&mut tx, conn => {
            sqlx::query(
                "INSERT INTO program_dose_plans (program_id, plan_json, updated_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (program_id) DO UPDATE SET plan_json = excluded.plan_json, updated_at = excluded.updated_at",
            )
            .bind(program.0).bind(&json).bind(crate::now())
            .execute(&mut *conn).await?;
        });
        let action = if before.is_some() {
            Action::Update
        } else {
            Action::Create
        };
        tx.audit(
            actor,
            action,
            "dose_plan",
            program,
            before.as_ref(),
            Some(plan),
        )
        .await?;
        tx.commit().await?;
        Ok(plan.clone())
    }

    /// The program's planned dose, if one was set.
    pub async fn dose_plan(&self, program: ProgramId) -> Result<Option<DosePlan>, DbError> {
        let raw: Option<String> = on_pool!(self, pool => {
            sqlx::query_scalar("SELECT plan_json FROM program_dose_plans WHERE program_id = $1")
                .bind(program.0).fetch_optional(pool).await?
        });
        raw.map(|r| serde_json::from_str(&r).map_err(corrupt))
            .transpose()
    }

    /// Each checklist filled in the program's activities as (activity, percent of the points
    /// possible), for the indicator engine's score measures; a checklist with nothing
    /// scorable is left out.
    pub async fn checklist_percents(
        &self,
        program: ProgramId,
    ) -> Result<Vec<(ActivityId, f64)>, DbError> {
        let rows: Vec<(i64, f64, f64)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT c.activity_id, c.score_total, c.score_max FROM checklist_submissions c \
                 JOIN activities a ON a.id = c.activity_id WHERE a.program_id = $1 ORDER BY c.id",
            )
            .bind(program.0).fetch_all(pool).await?
        });
        Ok(rows
            .into_iter()
            .filter(|(_, _, max)| *max > 0.0)
            .map(|(activity, total, max)| (ActivityId(activity), 100.0 * total / max))
            .collect())
    }

    /// Every attended contact of the program between `from` and `to` (inclusive), one row per
    /// person, activity and day, by date: the input the dose computation aggregates by
    /// mentee, facility, period and modality. A visit's days outside the range are left out.
    pub async fn contact_rows(
        &self,
        program: ProgramId,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<ContactRow>, DbError> {
        let rows: Vec<ContactSourceRow> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT a.id, a.kind, a.facility_id, a.starts_on, a.ends_on, a.duration_minutes, p.person_id, p.role \
                 FROM activities a JOIN activity_participants p ON p.activity_id = a.id \
                 WHERE a.program_id = $1 AND p.attended = $2 AND a.ends_on >= $3 AND a.starts_on <= $4 \
                 ORDER BY a.starts_on, a.id, p.person_id",
            )
            .bind(program.0).bind(true).bind(from.to_string()).bind(to.to_string())
            .fetch_all(pool).await?
        });
        let mut out = Vec::new();
        for (activity, Code(kind), facility, starts_on, ends_on, minutes, person, Code(role)) in
            rows
        {
            let starts = stored_date(&starts_on)?;
            let ends = stored_date(&ends_on)?;
            let days = (ends - starts).num_days() + 1;
            let mut day = starts;
            let mut index = 0;
            while day <= ends {
                let day_minutes = match (kind, minutes) {
                    // A given visit duration is spread over its days, the remainder on the
                    // first, so the rows add up to exactly what was recorded.
                    (ActivityKind::Visit, Some(total)) => {
                        total / days + if index == 0 { total % days } else { 0 }
                    }
                    (ActivityKind::Visit, None) => VISIT_DAY_MINUTES,
                    (_, total) => total.unwrap_or(0),
                };
                if day >= from && day <= to {
                    out.push(ContactRow {
                        activity: ActivityId(activity),
                        kind,
                        date: day,
                        facility: facility.map(OrgUnitId),
                        person: PersonId(person),
                        role,
                        minutes: day_minutes,
                    });
                }
                index += 1;
                day = match day.checked_add_days(Days::new(1)) {
                    Some(next) => next,
                    None => break,
                };
            }
        }
        out.sort_by_key(|r| (r.date, r.activity, r.person));
        Ok(out)
    }
}
