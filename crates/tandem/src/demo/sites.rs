//! The surgical program's hospitals as its year needs them: who is where, which sites are
//! pilots, scale-up or still being assessed, when each started, its visit days and the
//! checklist items missed at each visit. Everything is deterministic arithmetic on the day
//! the demo is loaded, so the CLI test can derive its expectations by hand. Apart because
//! training, the field history and monitoring all read it.

use domain::ids::{OrgUnitId, PersonId, ProgramId};

/// A hospital of the surgical program as its field history needs it.
pub(super) struct FieldSite {
    /// Org-unit code (`ET-AM-EG-DM`).
    pub(super) code: &'static str,
    pub(super) facility: OrgUnitId,
    /// 0 Amhara, 1 Oromia, 2 Sidama.
    pub(super) region: usize,
    /// 0..9: region × 3 + the hospital's place in its region (0 is the referral hospital).
    pub(super) index: usize,
    pub(super) leader: PersonId,
    /// Surgeon, anaesthetist and OR-nurse mentees, in that order.
    pub(super) mentees: [PersonId; 3],
}

/// The surgical program's people and places, gathered while they are created.
pub(super) struct FieldProgram {
    pub(super) program: ProgramId,
    /// The program manager, placed at the national level.
    pub(super) manager: PersonId,
    /// Region codes (Amhara, Oromia, Sidama).
    pub(super) regions: Vec<&'static str>,
    /// Each region's regional health bureau viewer.
    pub(super) viewers: Vec<PersonId>,
    /// Each region's surgeon, anaesthetist and OR-nurse mentors.
    pub(super) teams: Vec<[PersonId; 3]>,
    pub(super) sites: Vec<FieldSite>,
}

/// Days ago the pilot sites (each region's referral hospital) started mentoring.
const PILOT_SINCE_DAYS: i64 = 365;
/// Days ago the scale-up sites started mentoring.
const SCALE_UP_SINCE_DAYS: i64 = 182;
/// The site still being assessed: Leku Primary Hospital.
pub(super) const ASSESSING_SITE: usize = 8;
/// Days ago each pilot visit began: every 61 days, the last five weeks ago.
const PILOT_VISITS: [i64; 6] = [340, 279, 218, 157, 96, 35];
/// Days ago each scale-up visit began, before adding a week per place in the region (the
/// regional mentor team travels to one hospital a week).
const SCALE_UP_VISITS: [i64; 3] = [157, 96, 35];
/// Checklist items answered `no` at each pilot visit: the teams improve.
const PILOT_GAPS: [usize; 6] = [6, 4, 3, 2, 1, 0];
/// The same at each scale-up visit.
const SCALE_UP_GAPS: [usize; 3] = [5, 3, 1];
/// Gida Ayana lost its trained anaesthetist: no improvement.
pub(super) const STALLED_SITE: usize = 5;
const STALLED_GAPS: [usize; 3] = [4, 4, 5];

impl FieldSite {
    pub(super) fn is_pilot(&self) -> bool {
        self.index.is_multiple_of(3)
    }

    /// Days ago mentoring started here; `None` while the site is still being assessed.
    pub(super) fn active_since(&self) -> Option<i64> {
        if self.index == ASSESSING_SITE {
            None
        } else if self.is_pilot() {
            Some(PILOT_SINCE_DAYS)
        } else {
            Some(SCALE_UP_SINCE_DAYS)
        }
    }

    /// Days ago each coaching visit began.
    pub(super) fn visits(&self) -> Vec<i64> {
        match self.active_since() {
            None => Vec::new(),
            Some(_) if self.is_pilot() => PILOT_VISITS.to_vec(),
            Some(_) => {
                let week = 7 * (self.index % 3) as i64;
                SCALE_UP_VISITS.iter().map(|d| d + week).collect()
            }
        }
    }

    /// Checklist items answered `no` at visit `k`.
    pub(super) fn gaps(&self, k: usize) -> usize {
        let gaps: &[usize] = if self.index == STALLED_SITE {
            &STALLED_GAPS
        } else if self.is_pilot() {
            &PILOT_GAPS
        } else {
            &SCALE_UP_GAPS
        };
        gaps.get(k).copied().unwrap_or(0)
    }
}
