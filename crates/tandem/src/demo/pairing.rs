//! Pairing as a manager would: the matching workflow (settings, rules, stated preferences, a
//! proposal, approval) for both programs, and the surgical hospitals' coupling and mentor
//! teams through the facility workflow. Apart because both programs share it and it goes
//! through the `app` use cases rather than the store alone.

use super::Loader;
use domain::ids::{PersonId, ProgramId};
use domain::matching::ProposalReason;
use matching::criteria::Settings;
use store::matching::RuleKind;

/// Readiness (%) below which a demo hospital is weak and coupled with a stronger one.
const DEMO_READINESS_THRESHOLD: f64 = 60.0;

impl Loader<'_> {
    /// Pairs a program the way a manager would: settings, rules, the rankings people state
    /// (each `(person, ranked first choice first)`, checked as the preferences page checks
    /// them), a proposal, approval.
    pub(super) async fn match_and_approve(
        &self,
        program: ProgramId,
        settings: &Settings,
        conflicts: &[(PersonId, PersonId)],
        rankings: &[(PersonId, Vec<PersonId>)],
    ) -> anyhow::Result<()> {
        self.db
            .set_matching_settings(&self.actor, program, settings)
            .await?;
        for (mentee, mentor) in conflicts {
            self.db
                .add_match_rule(
                    &self.actor,
                    program,
                    RuleKind::Conflict,
                    *mentee,
                    *mentor,
                    "direct supervisor",
                )
                .await?;
        }
        for (person, ranked) in rankings {
            let posted: Vec<app::preferences::Posted> = ranked
                .iter()
                .enumerate()
                .map(|(k, whom)| app::preferences::Posted {
                    field: format!("ranked[{k}]"),
                    person: *whom,
                    rank: k as u32 + 1,
                })
                .collect();
            app::preferences::save(self.db, &self.actor, program, *person, &posted)
                .await
                .map_err(|e| anyhow::anyhow!("preferences of person {person}: {e}"))?;
        }
        let proposal =
            app::proposals::propose(self.db, &self.actor, program, &ProposalReason::Demo)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
        app::proposals::approve(self.db, &self.actor, proposal.id)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        Ok(())
    }

    /// Couples the weaker hospitals with stronger ones nearby and forms a surgeon,
    /// anesthetist and OR-nurse team per hospital the way a manager would: settings, a
    /// proposal, approval.
    pub(super) async fn couple_and_form_teams(&self, program: ProgramId) -> anyhow::Result<()> {
        let settings = matching::FacilitySettings {
            threshold: DEMO_READINESS_THRESHOLD,
            max_per_strong: 2,
            max_km: 150.0,
            max_teams_per_mentor: 3,
            required_cadres: vec!["surgeon".into(), "anesthetist".into(), "or_nurse".into()],
        };
        self.db
            .set_facility_matching_settings(&self.actor, program, &settings)
            .await?;
        use app::facility_matching::{approve, propose_coupling, propose_teams};
        let (db, actor) = (self.db, &self.actor);
        let coupling = propose_coupling(db, actor, program, &ProposalReason::Demo).await;
        approve(db, actor, coupling?.id).await?;
        let teams = propose_teams(db, actor, program, &ProposalReason::Demo).await;
        approve(db, actor, teams?.id).await?;
        Ok(())
    }
}
