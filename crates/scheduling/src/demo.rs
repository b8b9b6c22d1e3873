//! The demo group: the 16-member UNIBEN alumni research collaborative, doctors busy with
//! clinical work in London, North America and Lagos. The app's demo loader and the tests use
//! exactly this data.
//!
//! The windows follow clinicians' weeks: evenings after clinic are Preferred; later evenings,
//! early mornings, Friday evenings and Saturday mornings are Possible; working hours are not
//! available, except the protected academic time North American members have on Thursdays (a
//! Preferred afternoon after a Possible lunch and admin stretch).
//!
//! While Europe and North America are on different DST schedules (October; March) a Thursday
//! slot suits everyone. In between (November to early March) none does: 19:00 UTC puts five
//! North Americans out of hours (their lunch), 20:00 UTC puts the six Lagos members out of
//! hours (22:00 there). That is the trade-off the series planner has to share out.

use chrono::Weekday::{self, Fri, Mon, Sat, Thu, Tue, Wed};
use domain::values::TimeZone;

use crate::{Availability, Member, Window, WindowKind};

/// One demo member: index `0..16` in [`DEMO_ZONES`] order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoMember {
    /// Position in the collaborative, `0..16`.
    pub index: usize,
    /// Display name.
    pub name: &'static str,
    /// Weekly availability in the member's zone.
    pub availability: Availability,
}

/// The members' zones, in member order.
pub const DEMO_ZONES: [&str; 16] = [
    "Europe/London",
    "Europe/London",
    "Europe/London",
    "Europe/London",
    "America/Toronto",
    "America/New_York",
    "America/New_York",
    "Africa/Lagos",
    "Africa/Lagos",
    "Africa/Lagos",
    "Africa/Lagos",
    "Africa/Lagos",
    "Africa/Lagos",
    "America/Chicago",
    "America/Edmonton",
    "America/Los_Angeles",
];

const NAMES: [&str; 16] = [
    "Dr Osaze Igbinedion",
    "Dr Ngozi Ehiemere",
    "Dr Efe Okojie",
    "Dr Tolu Adeyemi",
    "Dr Ivie Omoregie",
    "Dr Chidi Nwosu",
    "Dr Amaka Obi",
    "Dr Funmi Akinola",
    "Dr Eseosa Aghedo",
    "Dr Uyi Osagie",
    "Dr Bisi Oladipo",
    "Dr Emeka Eze",
    "Dr Hauwa Bello",
    "Dr Kelechi Uzor",
    "Dr Ibrahim Musa",
    "Dr Nosa Edo",
];

const WEEKDAYS: [Weekday; 5] = [Mon, Tue, Wed, Thu, Fri];

type Spec = (Weekday, (u32, u32), (u32, u32), WindowKind);

use WindowKind::{Possible as O, Preferred as P};

/// The availability of member `index`, as `(weekday, start, end, kind)`.
fn windows(index: usize) -> Vec<Spec> {
    let mut w: Vec<Spec> = Vec::new();
    // Weekday evenings on `days`: Preferred, then a later Possible stretch.
    let evenings =
        |w: &mut Vec<Spec>, days: &[Weekday], p: ((u32, u32), (u32, u32)), late: (u32, u32)| {
            for &d in days {
                w.push((d, p.0, p.1, P));
                w.push((d, p.1, late, O));
            }
        };
    match index {
        // London: NHS consultants and GPs.
        0 => {
            evenings(&mut w, &[Mon, Tue, Wed, Thu], ((18, 0), (21, 0)), (22, 30));
            w.push((Tue, (7, 0), (8, 0), O));
            w.push((Thu, (7, 0), (8, 0), O));
            w.push((Sat, (9, 0), (12, 0), O));
        }
        1 => {
            evenings(&mut w, &[Mon, Tue, Wed, Thu], ((19, 0), (21, 30)), (23, 0));
            w.push((Sat, (8, 0), (11, 0), O));
        }
        2 => {
            // On call on Wednesdays.
            evenings(&mut w, &[Mon, Tue, Thu, Fri], ((18, 0), (21, 0)), (22, 30));
            w.push((Sat, (9, 0), (12, 0), O));
        }
        3 => {
            evenings(&mut w, &[Mon, Tue, Wed, Thu], ((18, 30), (21, 0)), (22, 30));
            w.push((Fri, (17, 0), (19, 0), P));
            w.push((Sat, (9, 0), (12, 0), O));
        }
        // North America: evenings after clinic, plus protected academic time.
        4 => {
            evenings(&mut w, &[Mon, Tue, Wed, Thu], ((18, 0), (21, 0)), (22, 0));
            // A full protected research afternoon on Thursdays.
            w.push((Tue, (12, 0), (14, 30), O));
            w.push((Thu, (12, 0), (17, 30), P));
            w.push((Sat, (8, 0), (12, 0), O));
        }
        5 => {
            evenings(&mut w, &[Mon, Tue, Wed, Thu], ((18, 30), (21, 0)), (22, 0));
            w.push((Tue, (12, 0), (14, 0), O));
            w.push((Thu, (12, 0), (15, 0), O));
            w.push((Thu, (15, 0), (17, 30), P));
            w.push((Sat, (8, 0), (12, 0), O));
        }
        6 => {
            evenings(&mut w, &[Mon, Tue, Wed, Thu], ((18, 0), (20, 30)), (22, 0));
            w.push((Tue, (11, 30), (14, 0), O));
            w.push((Thu, (12, 30), (15, 0), O));
            w.push((Thu, (15, 0), (18, 0), P));
            w.push((Sat, (9, 0), (12, 0), O));
        }
        // Lagos: hospital consultants and residents; clinics run into the late afternoon.
        7 => {
            evenings(&mut w, &WEEKDAYS, ((18, 0), (21, 0)), (23, 0));
            w.push((Sat, (10, 0), (14, 0), O));
        }
        8 => {
            evenings(&mut w, &[Mon, Tue, Wed, Thu], ((19, 0), (22, 0)), (23, 0));
            w.push((Sat, (9, 0), (13, 0), O));
        }
        9 => {
            evenings(&mut w, &WEEKDAYS, ((17, 30), (21, 0)), (23, 0));
            w.push((Sat, (10, 0), (13, 0), O));
        }
        10 => {
            // A resident on call on Tuesdays.
            evenings(&mut w, &[Mon, Wed, Thu, Fri], ((18, 0), (21, 0)), (23, 0));
            w.push((Sat, (9, 0), (12, 0), O));
        }
        11 => {
            // A lecturer: free from late afternoon, possible late on Fridays.
            evenings(&mut w, &[Mon, Tue, Wed, Thu], ((17, 0), (21, 0)), (23, 0));
            w.push((Fri, (19, 0), (23, 0), O));
        }
        12 => {
            evenings(&mut w, &WEEKDAYS, ((18, 30), (21, 30)), (23, 30));
            w.push((Sat, (8, 0), (12, 0), O));
        }
        13 => {
            // Chicago.
            evenings(&mut w, &[Mon, Tue, Wed, Thu], ((18, 0), (21, 0)), (22, 0));
            w.push((Tue, (11, 0), (13, 0), O));
            w.push((Thu, (11, 0), (14, 0), O));
            w.push((Thu, (14, 0), (16, 30), P));
            w.push((Sat, (8, 0), (12, 0), O));
        }
        14 => {
            // Edmonton.
            evenings(&mut w, &[Mon, Tue, Wed, Thu], ((18, 0), (21, 0)), (22, 0));
            w.push((Tue, (10, 0), (12, 30), O));
            w.push((Thu, (10, 0), (13, 0), O));
            w.push((Thu, (13, 0), (15, 30), P));
            w.push((Sat, (8, 0), (12, 0), O));
        }
        _ => {
            // Los Angeles.
            evenings(&mut w, &[Mon, Tue, Wed, Thu], ((18, 0), (21, 0)), (22, 0));
            w.push((Tue, (9, 0), (11, 0), O));
            w.push((Thu, (9, 0), (12, 0), O));
            w.push((Thu, (12, 0), (14, 30), P));
            w.push((Sat, (7, 0), (12, 0), O));
        }
    }
    w
}

/// The demo collaborative's availability, keyed by member index `0..16`: Europe/London ×4,
/// America/Toronto, America/New_York ×2, Africa/Lagos ×6, America/Chicago, America/Edmonton,
/// America/Los_Angeles.
pub fn demo_collaborative_availability() -> Vec<DemoMember> {
    DEMO_ZONES
        .iter()
        .zip(NAMES)
        .enumerate()
        .filter_map(|(index, (zone, name))| {
            // The zones and windows above are constants checked by the tests
            // (`demo_data_is_valid`), so nothing is dropped here.
            let zone = TimeZone::parse(zone).ok()?;
            let windows = windows(index)
                .into_iter()
                .map(|(d, s, e, k)| Window::hm(d, s, e, k))
                .collect::<Result<Vec<_>, _>>()
                .ok()?;
            Some(DemoMember {
                index,
                name,
                availability: Availability::new(zone, windows),
            })
        })
        .collect()
}

/// The demo collaborative as slot-finder members.
pub fn demo_members() -> Vec<Member> {
    demo_collaborative_availability()
        .into_iter()
        .map(|m| Member {
            name: m.name.to_owned(),
            availability: m.availability,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_data_is_valid() {
        let members = demo_collaborative_availability();
        assert_eq!(members.len(), 16);
        for (i, m) in members.iter().enumerate() {
            assert_eq!(m.index, i);
            assert_eq!(m.availability.zone().as_str(), DEMO_ZONES[i]);
            assert_eq!(m.availability.windows().len(), windows(i).len());
        }
    }
}
