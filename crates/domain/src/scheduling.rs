//! Group sessions across time zones (C7): a session's state and each member's attendance.

use crate::coded_enum;

coded_enum! {
    /// Whether a group session will take place.
    pub enum SessionStatus {
        /// On the calendar.
        Scheduled = "scheduled",
        /// Called off; calendars were sent a cancellation.
        Cancelled = "cancelled",
    }
}

coded_enum! {
    /// A member's attendance at a group session.
    pub enum AttendanceStatus {
        /// Invited; nothing recorded yet.
        Invited = "invited",
        /// Took part.
        Attended = "attended",
        /// Did not come.
        Absent = "absent",
        /// Sent apologies beforehand.
        Excused = "excused",
    }
}
