//! Mentorship in the field (C3, C4, C6): the kinds of activity, the states of their action
//! items, the states of the sites a program works in, and checklist answers as typed.

use crate::coded_enum;
use std::collections::BTreeMap;

coded_enum! {
    /// What kind of contact an activity was.
    pub enum ActivityKind {
        /// A coaching visit to a facility, one or more days.
        Visit = "visit",
        /// A remote session.
        TeleSession = "tele_session",
        /// A short check-in by WhatsApp, SMS or phone.
        CheckIn = "check_in",
        /// A session run jointly by several mentors.
        JointSession = "joint_session",
        /// A training session.
        TrainingSession = "training_session",
    }
}

coded_enum! {
    /// What a stored XLSForm is for.
    pub enum FormPurpose {
        /// Filled during activities (C6).
        Checklist = "checklist",
        /// A facility's situation analysis (C3).
        Assessment = "assessment",
    }
}

coded_enum! {
    /// A participant's part in an activity.
    pub enum ParticipantRole {
        /// A mentor.
        Mentor = "mentor",
        /// A mentee.
        Mentee = "mentee",
        /// Ran the session (joint and training sessions).
        Facilitator = "facilitator",
        /// Anyone else who took part.
        Participant = "participant",
    }
}

coded_enum! {
    /// How a check-in was made.
    pub enum CheckInChannel {
        /// A WhatsApp message or call.
        Whatsapp = "whatsapp",
        /// A text message.
        Sms = "sms",
        /// A phone call.
        Phone = "phone",
    }
}

coded_enum! {
    /// Who did a case: the mentee alone (supervised), mentor and mentee together, or the
    /// mentee observed the mentor.
    pub enum PerformedBy {
        /// The mentee, supervised.
        Mentee = "mentee",
        /// Mentor and mentee together.
        Together = "together",
        /// The mentee watched the mentor.
        Observed = "observed",
    }
}

coded_enum! {
    /// Where an action item agreed at a debrief stands.
    pub enum ActionStatus {
        /// Still to do.
        Open = "open",
        /// Done.
        Done = "done",
        /// Given up.
        Dropped = "dropped",
    }
}

coded_enum! {
    /// Where a site (a facility in a program) stands in its roll-out (C3).
    pub enum SiteStatus {
        /// Being assessed for readiness.
        Assessing = "assessing",
        /// Assessed and ready to start.
        Ready = "ready",
        /// Mentorship under way.
        Active = "active",
        /// Paused.
        Paused = "paused",
    }
}

/// One answer as posted: a single value, or several for `select_multiple`.
#[derive(Debug, Clone, PartialEq, serde::Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum AnswerInput {
    /// Several values (`select_multiple`).
    Many(Vec<String>),
    /// One value, as text.
    Text(String),
    /// One number.
    Number(f64),
}

/// Answers keyed by question name (repeats as `repeat[0].question`).
pub type Answers = BTreeMap<String, AnswerInput>;
