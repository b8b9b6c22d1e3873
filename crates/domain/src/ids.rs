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
