//! People: mentors, mentees, peer members, leaders — and how they may be contacted.

use crate::ids::PersonId;
use crate::values::{
    CountryCode, Email, LanguageTag, Name, Orcid, PhoneNumber, Slug, TimeZone, YearsOfExperience,
    parse_list,
};
use crate::{FieldError, FieldErrors};
use serde::{Deserialize, Serialize};

/// A way to reach a person. Messages go only through channels the person consented to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactChannel {
    /// Email over SMTP.
    Email,
    /// SMS to the phone number.
    Sms,
    /// WhatsApp to the phone number.
    Whatsapp,
}

impl ContactChannel {
    /// All channels.
    pub const ALL: [Self; 3] = [Self::Email, Self::Sms, Self::Whatsapp];

    /// The stored and API name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Sms => "sms",
            Self::Whatsapp => "whatsapp",
        }
    }

    /// Parses a stored or API name.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let lower = raw.trim().to_ascii_lowercase();
        Self::ALL
            .into_iter()
            .find(|c| c.as_str() == lower)
            .ok_or_else(|| {
                FieldError::new(
                    "contact_consent",
                    format!("'{}' is not a channel (email, sms, whatsapp)", raw.trim()),
                )
            })
    }
}

/// A person's profile, validated. Stored and served as is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PersonProfile {
    /// Full name.
    pub name: Name,
    /// Professional cadre, e.g. `surgeon`, `anesthetist`, `or_nurse`, `physician`.
    pub cadre: Option<Slug>,
    /// Disciplines or specialties.
    pub disciplines: Vec<Slug>,
    /// Years of professional experience.
    pub years_experience: Option<YearsOfExperience>,
    /// Languages spoken, most fluent first.
    pub languages: Vec<LanguageTag>,
    /// Where the person lives now, for scheduling.
    pub time_zone: TimeZone,
    /// Country of residence.
    pub country_of_residence: Option<CountryCode>,
    /// Home country; differs from residence for the diaspora.
    pub home_country: Option<CountryCode>,
    /// ORCID iD for researchers.
    pub orcid: Option<Orcid>,
    /// Mobile number, E.164.
    pub phone: Option<PhoneNumber>,
    /// Email address.
    pub email: Option<Email>,
    /// Channels the person agreed to be contacted on.
    pub contact_consent: Vec<ContactChannel>,
}

impl PersonProfile {
    /// Whether the person lives outside their home country (C12 brain-gain figures).
    pub fn is_diaspora(&self) -> bool {
        matches!((self.country_of_residence, self.home_country), (Some(r), Some(h)) if r != h)
    }
}

/// A person as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Person {
    /// Id.
    pub id: PersonId,
    /// Profile.
    #[serde(flatten)]
    pub profile: PersonProfile,
}

/// Raw person fields from a form, the API or a CSV row. Lists arrive as JSON arrays or as
/// text separated by `,` or `;`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, utoipa::ToSchema)]
pub struct PersonInput {
    /// Full name.
    pub name: String,
    /// Cadre.
    #[serde(default)]
    pub cadre: Option<String>,
    /// Disciplines.
    #[serde(default)]
    pub disciplines: Vec<String>,
    /// Years of experience.
    #[serde(default)]
    pub years_experience: Option<i64>,
    /// Language tags.
    #[serde(default)]
    pub languages: Vec<String>,
    /// IANA time zone.
    pub time_zone: String,
    /// ISO country code of residence.
    #[serde(default)]
    pub country_of_residence: Option<String>,
    /// ISO country code of origin.
    #[serde(default)]
    pub home_country: Option<String>,
    /// ORCID iD.
    #[serde(default)]
    pub orcid: Option<String>,
    /// E.164 phone.
    #[serde(default)]
    pub phone: Option<String>,
    /// Email.
    #[serde(default)]
    pub email: Option<String>,
    /// Consented channels.
    #[serde(default)]
    pub contact_consent: Vec<String>,
}

fn optional<T>(
    errors: &mut FieldErrors,
    raw: Option<&str>,
    field: &str,
    parse: impl Fn(&str) -> Result<T, FieldError>,
) -> Option<T> {
    match raw.map(str::trim) {
        None | Some("") => None,
        Some(value) => errors.check(parse(value).map_err(|e| e.at(field))),
    }
}

fn list<T: PartialEq>(
    errors: &mut FieldErrors,
    raw: &[String],
    field: &str,
    parse: impl Fn(&str) -> Result<T, FieldError>,
) -> Vec<T> {
    errors
        .check(parse_list(&raw.join(","), field, parse))
        .unwrap_or_default()
}

impl PersonInput {
    /// Validates every field, reporting all problems at once.
    pub fn validate(&self) -> Result<PersonProfile, FieldErrors> {
        let mut errors = FieldErrors::default();
        let name = errors.check(Name::parse(&self.name));
        let cadre = optional(&mut errors, self.cadre.as_deref(), "cadre", Slug::parse);
        let disciplines = list(&mut errors, &self.disciplines, "disciplines", Slug::parse);
        let years_experience = match self.years_experience {
            None => None,
            Some(years) => errors.check(YearsOfExperience::new(years)),
        };
        let languages = list(
            &mut errors,
            &self.languages,
            "languages",
            LanguageTag::parse,
        );
        let time_zone = errors.check(TimeZone::parse(&self.time_zone));
        let country_of_residence = optional(
            &mut errors,
            self.country_of_residence.as_deref(),
            "country_of_residence",
            CountryCode::parse,
        );
        let home_country = optional(
            &mut errors,
            self.home_country.as_deref(),
            "home_country",
            CountryCode::parse,
        );
        let orcid = optional(&mut errors, self.orcid.as_deref(), "orcid", Orcid::parse);
        let phone = optional(
            &mut errors,
            self.phone.as_deref(),
            "phone",
            PhoneNumber::parse,
        );
        let email = optional(&mut errors, self.email.as_deref(), "email", Email::parse);
        let contact_consent = list(
            &mut errors,
            &self.contact_consent,
            "contact_consent",
            ContactChannel::parse,
        );
        for channel in &contact_consent {
            let reachable = match channel {
                ContactChannel::Email => email.is_some(),
                ContactChannel::Sms | ContactChannel::Whatsapp => phone.is_some(),
            };
            if !reachable {
                errors.0.push(FieldError::new(
                    "contact_consent",
                    format!(
                        "consent to {} needs a matching contact detail",
                        channel.as_str()
                    ),
                ));
            }
        }
        match (name, time_zone) {
            (Some(name), Some(time_zone)) if errors.0.is_empty() => Ok(PersonProfile {
                name,
                cadre,
                disciplines,
                years_experience,
                languages,
                time_zone,
                country_of_residence,
                home_country,
                orcid,
                phone,
                email,
                contact_consent,
            }),
            _ => Err(errors),
        }
    }
}

/// A membership named by codes, as an import row gives it.
#[derive(Debug, Clone, PartialEq)]
pub struct MembershipByCode {
    /// Program code.
    pub program: crate::values::Slug,
    /// Role.
    pub role: crate::access::Role,
    /// Org-unit code.
    pub org_unit: crate::values::OrgUnitCode,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> PersonInput {
        PersonInput {
            name: "Adaeze Okafor".into(),
            time_zone: "Europe/London".into(),
            country_of_residence: Some("GB".into()),
            home_country: Some("NG".into()),
            email: Some("adaeze@example.org".into()),
            contact_consent: vec!["email".into()],
            languages: vec!["en, yo".into()],
            ..PersonInput::default()
        }
    }

    #[test]
    fn valid_input_gives_a_diaspora_profile() {
        let profile = input().validate().unwrap();
        assert!(profile.is_diaspora());
        assert_eq!(profile.languages.len(), 2);
    }

    #[test]
    fn every_bad_field_is_reported() {
        let mut bad = input();
        bad.time_zone = "Lagos".into();
        bad.orcid = Some("0000-0002-1825-0098".into());
        bad.contact_consent = vec!["sms".into()];
        let errors = bad.validate().unwrap_err();
        let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["time_zone", "orcid", "contact_consent"]);
    }
}
