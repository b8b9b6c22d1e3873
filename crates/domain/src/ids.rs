//! Typed identifiers, so a person id can never be passed where a program id is expected.

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id_type!(
    /// A program (a peer research collaborative or a clinical mentorship program).
    ProgramId
);
id_type!(
    /// A node of the org-unit tree (country, region, district or facility).
    OrgUnitId
);
id_type!(
    /// A person: mentor, mentee, peer member, facility leader, manager…
    PersonId
);
id_type!(
    /// A membership: a person's role in a program, scoped to an org unit.
    MembershipId
);
id_type!(
    /// A sign-in account, linked to at most one person.
    AccountId
);
id_type!(
    /// A mentorship pairing of a mentor and a mentee in a program.
    PairingId
);
id_type!(
    /// A signed-in session.
    SessionId
);
id_type!(
    /// A personal access token for API clients.
    ApiTokenId
);
id_type!(
    /// A row of the audit log.
    AuditEntryId
);
id_type!(
    /// A stored XLSForm (a checklist or an assessment).
    FormId
);
id_type!(
    /// A mentee-matching proposal.
    ProposalId
);
id_type!(
    /// A pin, forbid or conflict rule of a program's matching.
    MatchRuleId
);
id_type!(
    /// A facility coupling or mentor-team proposal.
    FacilityProposalId
);
id_type!(
    /// A weak facility coupled with a strong one.
    CouplingId
);
id_type!(
    /// A mentor's place in a facility's team.
    TeamMemberId
);
id_type!(
    /// A site: a facility taking part in a program.
    SiteId
);
id_type!(
    /// A facility's readiness assessment.
    AssessmentId
);
id_type!(
    /// A training course.
    CourseId
);
id_type!(
    /// A person's completion of a course.
    CompletionId
);
id_type!(
    /// An activity: a visit, tele-session, check-in, joint or training session.
    ActivityId
);
id_type!(
    /// A case seen or done during an activity.
    CaseId
);
id_type!(
    /// A checklist filled during an activity.
    ChecklistSubmissionId
);
id_type!(
    /// An action item agreed at a debrief.
    ActionItemId
);
id_type!(
    /// An aggregate data element.
    DataElementId
);
id_type!(
    /// An indicator definition.
    IndicatorId
);
id_type!(
    /// A target for an indicator, org unit and period.
    TargetId
);
id_type!(
    /// A research project.
    ProjectId
);
id_type!(
    /// A task or milestone of a research project.
    TaskId
);
id_type!(
    /// A research output (publication, presentation, training).
    OutputId
);
id_type!(
    /// A group session of a collaborative.
    GroupSessionId
);
id_type!(
    /// A nudge queued for a person.
    NudgeId
);
