//! People and their profiles.

use crate::audit::Action;
use crate::error::stored;
use crate::{Actor, Db, DbError, Tx, join_list, on_pool, on_tx, split_list};
use domain::access::PersonScope;
use domain::ids::{PersonId, ProgramId};
use domain::people::{ContactChannel, MembershipByCode, Person, PersonProfile};
use domain::values::{
    CountryCode, Email, LanguageTag, Name, Orcid, PhoneNumber, Slug, TimeZone, YearsOfExperience,
};

const COLUMNS: &str = "p.id, p.name, p.cadre, p.disciplines, p.years_experience, p.languages, p.time_zone, \
     p.country_of_residence, p.home_country, p.orcid, p.phone, p.email, p.contact_consent";

type Row = (
    i64,
    String,
    Option<String>,
    String,
    Option<i64>,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
);

fn opt<T>(
    raw: Option<String>,
    parse: impl Fn(&str) -> Result<T, domain::FieldError>,
) -> Result<Option<T>, DbError> {
    raw.as_deref().map(|r| stored(parse(r))).transpose()
}

fn list<T>(
    raw: &str,
    parse: impl Fn(&str) -> Result<T, domain::FieldError>,
) -> Result<Vec<T>, DbError> {
    split_list(raw).map(|r| stored(parse(r))).collect()
}

fn from_row(row: Row) -> Result<Person, DbError> {
    let (
        id,
        name,
        cadre,
        disciplines,
        years,
        languages,
        tz,
        residence,
        home,
        orcid,
        phone,
        email,
        consent,
    ) = row;
    Ok(Person {
        id: PersonId(id),
        profile: PersonProfile {
            name: stored(Name::parse(&name))?,
            cadre: opt(cadre, Slug::parse)?,
            disciplines: list(&disciplines, Slug::parse)?,
            years_experience: years
                .map(|y| stored(YearsOfExperience::new(y)))
                .transpose()?,
            languages: list(&languages, LanguageTag::parse)?,
            time_zone: stored(TimeZone::parse(&tz))?,
            country_of_residence: opt(residence, CountryCode::parse)?,
            home_country: opt(home, CountryCode::parse)?,
            orcid: opt(orcid, Orcid::parse)?,
            phone: opt(phone, PhoneNumber::parse)?,
            email: opt(email, Email::parse)?,
            contact_consent: list(&consent, ContactChannel::parse)?,
        },
    })
}

/// Binds the twelve profile columns in table order.
macro_rules! bind_profile_impl {
    ($query:expr, $p:expr) => {
        $query
            .bind($p.name.as_str().to_owned())
            .bind($p.cadre.as_ref().map(|c| c.as_str().to_owned()))
            .bind(join_list(&$p.disciplines))
            .bind($p.years_experience.map(i64::from))
            .bind(join_list(&$p.languages))
            .bind($p.time_zone.as_str())
            .bind($p.country_of_residence.map(|c| c.as_str().to_owned()))
            .bind($p.home_country.map(|c| c.as_str().to_owned()))
            .bind($p.orcid.as_ref().map(|o| o.as_str().to_owned()))
            .bind($p.phone.as_ref().map(|o| o.as_str().to_owned()))
            .bind($p.email.as_ref().map(|o| o.as_str().to_owned()))
            .bind(join_list(
                &$p.contact_consent
                    .iter()
                    .map(|c| c.as_str())
                    .collect::<Vec<_>>(),
            ))
    };
}

/// (program, org-unit path) of a membership.
type Placement = (i64, String);
/// (program, mentor, mentee) of a pairing.
type PairRow = (i64, i64, i64);

/// A page of people.
#[derive(Debug, Clone, PartialEq)]
pub struct PeoplePage {
    /// The people on this page.
    pub people: Vec<Person>,
    /// How many match in all.
    pub total: i64,
}

/// Which people to list.
#[derive(Debug, Clone, Default)]
pub struct PeopleFilter {
    /// Only members of this program.
    pub program: Option<ProgramId>,
    /// Only people placed in this org-unit subtree (path prefix).
    pub under_path: Option<String>,
    /// Only these people (a mentor's mentees), when set.
    pub only: Option<Vec<PersonId>>,
    /// Name contains this text, case-insensitively.
    pub search: Option<String>,
}

impl Db {
    /// The person with this id.
    pub async fn person(&self, id: PersonId) -> Result<Person, DbError> {
        let row: Row = self
            .one_by_id(
                format!("SELECT {COLUMNS} FROM people p WHERE p.id = $1"),
                id.0,
                "person",
            )
            .await?;
        from_row(row)
    }

    /// The person with this email address, if any.
    pub async fn person_by_email(&self, email: &Email) -> Result<Option<Person>, DbError> {
        let sql = format!("SELECT {COLUMNS} FROM people p WHERE p.email = $1");
        let row: Option<Row> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(email.as_str()).fetch_optional(pool).await?
        });
        row.map(from_row).transpose()
    }

    /// People matching `filter`, by name, one page at a time.
    pub async fn people(
        &self,
        filter: &PeopleFilter,
        limit: i64,
        offset: i64,
    ) -> Result<PeoplePage, DbError> {
        // One query text serves every combination: an unset filter binds a value that makes
        // its condition true, so there is no string building of SQL from input.
        let conditions = "FROM people p WHERE \
             ($1 = 0 OR EXISTS (SELECT 1 FROM memberships m JOIN org_units o ON o.id = m.org_unit_id \
                 WHERE m.person_id = p.id AND m.program_id = $1 AND o.path LIKE $2 ESCAPE '\\')) \
             AND ($3 = '' OR $3 LIKE '%,' || CAST(p.id AS TEXT) || ',%') \
             AND lower(p.name) LIKE $4 ESCAPE '\\'";
        let program = filter.program.map_or(0, |p| p.0);
        let under = format!(
            "{}%",
            like_escape(filter.under_path.as_deref().unwrap_or(""))
        );
        // `,3,8,` lists the allowed ids; `,` allows nobody; '' turns the condition off.
        let only = match &filter.only {
            None => String::new(),
            Some(ids) => format!(
                ",{}",
                ids.iter().map(|i| format!("{i},")).collect::<String>()
            ),
        };
        let search = format!(
            "%{}%",
            like_escape(&filter.search.clone().unwrap_or_default().to_lowercase())
        );
        let count_sql = format!("SELECT COUNT(*) {conditions}");
        let page_sql =
            format!("SELECT {COLUMNS} {conditions} ORDER BY p.name, p.id LIMIT $5 OFFSET $6");
        let (total, rows): (i64, Vec<Row>) = on_pool!(self, pool => {
            let total = sqlx::query_scalar(sqlx::AssertSqlSafe(count_sql))
                .bind(program).bind(&under).bind(&only).bind(&search)
                .fetch_one(pool).await?;
            let rows = sqlx::query_as(sqlx::AssertSqlSafe(page_sql))
                .bind(program).bind(&under).bind(&only).bind(&search).bind(limit).bind(offset)
                .fetch_all(pool).await?;
            (total, rows)
        });
        Ok(PeoplePage {
            people: rows.into_iter().map(from_row).collect::<Result<_, _>>()?,
            total,
        })
    }

    /// Where a person sits (memberships with org-unit paths) and whom they are paired with:
    /// what access rules need to decide who may see them.
    pub async fn person_scope(&self, id: PersonId) -> Result<PersonScope, DbError> {
        let (placements, pairs): (Vec<Placement>, Vec<PairRow>) = on_pool!(self, pool => {
            let placements = sqlx::query_as(
                "SELECT m.program_id, o.path FROM memberships m JOIN org_units o ON o.id = m.org_unit_id WHERE m.person_id = $1",
            )
            .bind(id.0)
            .fetch_all(pool)
            .await?;
            let pairs = sqlx::query_as(
                "SELECT program_id, mentor_id, mentee_id FROM pairings \
                 WHERE status <> 'ended' AND (mentor_id = $1 OR mentee_id = $1)",
            )
            .bind(id.0)
            .fetch_all(pool)
            .await?;
            (placements, pairs)
        });
        Ok(PersonScope {
            person: Some(id),
            placements: placements
                .into_iter()
                .map(|(p, path)| (ProgramId(p), path))
                .collect(),
            mentors: pairs
                .iter()
                .filter(|(_, _, mentee)| *mentee == id.0)
                .map(|(p, mentor, _)| (ProgramId(*p), PersonId(*mentor)))
                .collect(),
            mentees: pairs
                .iter()
                .filter(|(_, mentor, _)| *mentor == id.0)
                .map(|(p, _, mentee)| (ProgramId(*p), PersonId(*mentee)))
                .collect(),
        })
    }

    /// Creates a person.
    pub async fn create_person(
        &self,
        actor: &Actor,
        profile: &PersonProfile,
    ) -> Result<Person, DbError> {
        let mut tx = self.begin().await?;
        let person = tx.insert_person(actor, profile).await?;
        tx.commit().await?;
        Ok(person)
    }

    /// Replaces a person's profile.
    pub async fn update_person(
        &self,
        actor: &Actor,
        id: PersonId,
        profile: &PersonProfile,
    ) -> Result<Person, DbError> {
        let before = self.person(id).await?;
        let mut tx = self.begin().await?;
        let after = Person {
            id,
            profile: profile.clone(),
        };
        let sql = "UPDATE people SET name = $1, cadre = $2, disciplines = $3, years_experience = $4, languages = $5, \
             time_zone = $6, country_of_residence = $7, home_country = $8, orcid = $9, phone = $10, email = $11, \
             contact_consent = $12, updated_at = $13 WHERE id = $14";
        on_tx!(&mut tx, conn => {
            bind_profile_impl!(sqlx::query(sql), profile)
                .bind(crate::now())
                .bind(id.0)
                .execute(&mut *conn)
                .await?
                .rows_affected()
        });
        tx.audit(
            actor,
            Action::Update,
            "person",
            id,
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }
}

impl Tx {
    /// Inserts a person.
    pub async fn insert_person(
        &mut self,
        actor: &Actor,
        profile: &PersonProfile,
    ) -> Result<Person, DbError> {
        let now = crate::now();
        let sql = "INSERT INTO people (name, cadre, disciplines, years_experience, languages, time_zone, \
             country_of_residence, home_country, orcid, phone, email, contact_consent, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING id";
        let id: i64 = on_tx!(self, conn => {
            let (row,): (i64,) = bind_profile_impl!(sqlx::query_as(sql), profile)
                .bind(now)
                .fetch_one(&mut *conn)
                .await?;
            row
        });
        let person = Person {
            id: PersonId(id),
            profile: profile.clone(),
        };
        self.audit::<(), _>(actor, Action::Create, "person", id, None, Some(&person))
            .await?;
        Ok(person)
    }
}

/// Escapes user text placed in a LIKE pattern, so `%` and `_` match themselves: each query
/// names `\` as its escape character (`ESCAPE '\'`), since the backends disagree on the
/// default (SQLite has none, PostgreSQL `\`).
fn like_escape(raw: &str) -> String {
    let mut escaped = String::with_capacity(raw.len());
    for c in raw.chars() {
        if matches!(c, '\\' | '%' | '_') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

/// What a people import did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PeopleImportCounts {
    /// New people.
    pub created: usize,
    /// Existing people (matched by email) updated.
    pub updated: usize,
    /// Memberships added.
    pub memberships: usize,
}

impl Db {
    /// Imports people in file order, all or nothing. A row whose email matches a person
    /// updates that person; a row naming a program, role and org unit also adds that
    /// membership (if not already held).
    pub async fn import_people(
        &self,
        actor: &Actor,
        rows: &[(usize, PersonProfile, Option<MembershipByCode>)],
    ) -> Result<PeopleImportCounts, DbError> {
        let mut tx = self.begin().await?;
        let mut counts = PeopleImportCounts::default();
        for (row, profile, membership) in rows {
            let result: Result<(), DbError> = async {
                let existing = match &profile.email {
                    Some(email) => tx.person_id_by_email(email).await?,
                    None => None,
                };
                let person = match existing {
                    Some(id) => {
                        tx.replace_person(actor, id, profile).await?;
                        counts.updated += 1;
                        id
                    }
                    None => {
                        counts.created += 1;
                        tx.insert_person(actor, profile).await?.id
                    }
                };
                if let Some(m) = membership
                    && tx.insert_membership_by_code(actor, person, m).await?
                {
                    counts.memberships += 1;
                }
                Ok(())
            }
            .await;
            result.map_err(|e| e.at_row(*row))?;
        }
        tx.commit().await?;
        Ok(counts)
    }
}

impl Tx {
    async fn person_id_by_email(&mut self, email: &Email) -> Result<Option<PersonId>, DbError> {
        let id: Option<i64> = on_tx!(self, conn => {
            sqlx::query_scalar("SELECT id FROM people WHERE email = $1").bind(email.as_str()).fetch_optional(&mut *conn).await?
        });
        Ok(id.map(PersonId))
    }

    async fn replace_person(
        &mut self,
        actor: &Actor,
        id: PersonId,
        profile: &PersonProfile,
    ) -> Result<(), DbError> {
        let sql = format!("SELECT {COLUMNS} FROM people p WHERE p.id = $1");
        let row: Row = on_tx!(self, conn => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id.0).fetch_one(&mut *conn).await?
        });
        let before = from_row(row)?;
        let after = Person {
            id,
            profile: profile.clone(),
        };
        if before == after {
            return Ok(());
        }
        let sql = "UPDATE people SET name = $1, cadre = $2, disciplines = $3, years_experience = $4, languages = $5, \
             time_zone = $6, country_of_residence = $7, home_country = $8, orcid = $9, phone = $10, email = $11, \
             contact_consent = $12, updated_at = $13 WHERE id = $14";
        on_tx!(self, conn => {
            bind_profile_impl!(sqlx::query(sql), profile)
                .bind(crate::now())
                .bind(id.0)
                .execute(&mut *conn)
                .await?
                .rows_affected()
        });
        self.audit(
            actor,
            Action::Update,
            "person",
            id,
            Some(&before),
            Some(&after),
        )
        .await
    }

    /// Adds a membership named by codes unless already held; true if added.
    async fn insert_membership_by_code(
        &mut self,
        actor: &Actor,
        person: PersonId,
        m: &MembershipByCode,
    ) -> Result<bool, DbError> {
        let program: Option<i64> = on_tx!(self, conn => {
            sqlx::query_scalar("SELECT id FROM programs WHERE code = $1").bind(m.program.as_str()).fetch_optional(&mut *conn).await?
        });
        let program = program.ok_or_else(|| {
            DbError::Invalid(domain::FieldError::new(
                "program",
                format!("no program has code {}", m.program),
            ))
        })?;
        let unit: Option<(i64, i64)> = on_tx!(self, conn => {
            sqlx::query_as("SELECT id, level FROM org_units WHERE code = $1").bind(m.org_unit.as_str()).fetch_optional(&mut *conn).await?
        });
        let (unit, level) = unit.ok_or_else(|| {
            DbError::Invalid(domain::FieldError::new(
                "org_unit",
                format!("no org unit has code {}", m.org_unit),
            ))
        })?;
        m.role
            .check_scope(stored(domain::org_units::OrgUnitLevel::from_number(level))?)?;
        let inserted: Option<i64> = on_tx!(self, conn => {
            sqlx::query_scalar(
                "INSERT INTO memberships (program_id, person_id, role, org_unit_id, created_at) VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (program_id, person_id, role, org_unit_id) DO NOTHING RETURNING id",
            )
            .bind(program).bind(person.0).bind(m.role.as_str()).bind(unit).bind(crate::now())
            .fetch_optional(&mut *conn).await?
        });
        let Some(id) = inserted else { return Ok(false) };
        let record = serde_json::json!({ "id": id, "program": program, "person": person, "role": m.role, "org_unit": unit });
        self.audit::<(), _>(actor, Action::Create, "membership", id, None, Some(&record))
            .await?;
        Ok(true)
    }
}
