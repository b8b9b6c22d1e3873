//! Mentorship in the field (C3, C4, C6): the kinds of activity, the states of their action
//! items, and the states of the sites a program works in.

use crate::coded_enum;

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
