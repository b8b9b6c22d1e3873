//! Closed sets of states, kinds and reasons, each an enum stored and sent as a stable
//! snake_case code and shown to people through the interface's catalogue, never compared as
//! text. [`coded_enum!`] writes the code table once per enum.

/// An enum with a stable code per variant (written by [`coded_enum!`]); the store reads and
/// writes columns of these through it.
pub trait Coded: Sized + Copy + 'static {
    /// The variant a code names, if any.
    fn from_code(code: &str) -> Option<Self>;
    /// The variant's code.
    fn code(self) -> &'static str;
}

/// Declares an enum whose variants each have a stable code, the snake_case of the variant's
/// name: `as_str`, `parse` (a refusal names the field and lists the codes, as input validation
/// says it everywhere), `ALL`, `Display`, serde as the code, and a utoipa schema listing the
/// codes.
#[macro_export]
macro_rules! coded_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $code:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            serde::Serialize, serde::Deserialize, utoipa::ToSchema,
        )]
        // serde and utoipa read the codes from the variant names (a macro's literal cannot be
        // given to their attributes); the test below holds each code to its variant's name.
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $( $(#[$vmeta])* $variant ),+
        }

        impl $name {
            /// Every variant, in declaration order.
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            /// The stored and API code.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $code),+
                }
            }

            /// Parses a code; a refusal names `field`.
            pub fn parse(raw: &str, field: &str) -> Result<Self, $crate::FieldError> {
                match raw.trim() {
                    $($code => Ok(Self::$variant),)+
                    other => Err($crate::FieldError::new(
                        field,
                        format!(
                            "must be one of {}, not {other:?}",
                            [$($code),+].join(", ")
                        ),
                    )),
                }
            }
        }

        impl $crate::codes::Coded for $name {
            fn from_code(code: &str) -> Option<Self> {
                match code {
                    $($code => Some(Self::$variant),)+
                    _ => None,
                }
            }
            fn code(self) -> &'static str {
                self.as_str()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::Coded;

    crate::coded_enum! {
        /// A test set.
        pub enum Light {
            /// Go.
            Green = "green",
            /// Stop.
            RedLight = "red_light",
        }
    }

    #[test]
    fn codes_round_trip_and_refusals_list_them() {
        for light in Light::ALL {
            assert_eq!(Light::parse(light.as_str(), "light"), Ok(*light));
        }
        assert_eq!(Light::RedLight.to_string(), "red_light");
        let refused = Light::parse("amber", "lights[2]").unwrap_err();
        assert_eq!(refused.field, "lights[2]");
        assert_eq!(
            refused.message,
            "must be one of green, red_light, not \"amber\""
        );
        assert_eq!(
            serde_json::to_string(&Light::RedLight).ok().as_deref(),
            Some("\"red_light\"")
        );
    }

    /// Each code is what serde and the API schema say for its variant.
    fn serde_says_the_codes<T: Coded + serde::Serialize>(all: &[T]) {
        for value in all {
            assert_eq!(
                serde_json::to_value(value).ok(),
                Some(serde_json::Value::String(value.code().to_owned()))
            );
        }
    }

    #[test]
    fn every_coded_enum_serialises_as_its_code() {
        use crate::{field, indicators, matching, research, scheduling};
        serde_says_the_codes(Light::ALL);
        serde_says_the_codes(matching::PairingStatus::ALL);
        serde_says_the_codes(matching::ProposalStatus::ALL);
        serde_says_the_codes(field::ActivityKind::ALL);
        serde_says_the_codes(field::ActionStatus::ALL);
        serde_says_the_codes(field::FormPurpose::ALL);
        serde_says_the_codes(field::ParticipantRole::ALL);
        serde_says_the_codes(field::CheckInChannel::ALL);
        serde_says_the_codes(field::PerformedBy::ALL);
        serde_says_the_codes(field::SiteStatus::ALL);
        serde_says_the_codes(scheduling::SessionStatus::ALL);
        serde_says_the_codes(scheduling::AttendanceStatus::ALL);
        serde_says_the_codes(indicators::ValueType::ALL);
        serde_says_the_codes(research::TaskKind::ALL);
        serde_says_the_codes(research::OutputKind::ALL);
    }
}
