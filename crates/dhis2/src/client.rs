//! The HTTP side: push a [`DataValueSet`] to `POST {base}/api/dataValueSets` and read the
//! answer into an [`ImportSummary`] or a [`Dhis2Error`] that says what to fix.
//!
//! Why `ureq` 3 (blocking) rather than `reqwest` (async): pushing to DHIS2 is an occasional
//! export, not a hot path, so the app can run it in `tokio::task::spawn_blocking`. `ureq` with
//! rustls on `ring` added about 27 s to a cold debug build on two cores (ring's C and assembly
//! ≈ 16 s, rustls ≈ 6 s, ureq and ureq-proto ≈ 5 s). `reqwest` needs the same rustls and ring
//! and on top turns on hyper's and hyper-util's client features, which axum shares, so the
//! whole web stack would rebuild with a larger hyper whenever the binary is built — more cost
//! for an async API nothing here needs. TLS is rustls with the `ring` provider and Mozilla's
//! roots (`webpki-roots`): no OpenSSL, no aws-lc-rs, no gzip.

use std::fmt;
use std::io;
use std::num::NonZeroUsize;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use domain::FieldError;

use crate::payload::{DEFAULT_CHUNK_SIZE, DataValueSet, ImportSummary};

/// DHIS2 answers in seconds normally; ten seconds without a connection means the server or
/// the network is down, and the user should hear so rather than wait.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// A 10,000-value import takes DHIS2 tens of seconds on a busy server; two minutes is
/// generous without leaving an export hanging forever.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(120);

/// An import summary with many conflicts can be large (a few hundred bytes per conflict);
/// 64 MiB holds one per value of the largest chunk with room to spare.
const MAX_ANSWER_BYTES: u64 = 64 * 1024 * 1024;

/// How much of an unexpected answer is quoted in an error.
const SNIPPET_BYTES: usize = 200;

/// A secret that never appears in `Debug` output or logs.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a password or token.
    pub fn new(secret: impl Into<String>) -> Self {
        Self(secret.into())
    }

    fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// How tandem signs in to DHIS2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Auth {
    /// HTTP Basic with a DHIS2 user's name and password.
    Basic {
        /// The DHIS2 username.
        username: String,
        /// The password.
        password: Secret,
    },
    /// A personal access token (DHIS2 2.37+), sent as `Authorization: ApiToken d2pat_…`.
    ApiToken(Secret),
}

impl Auth {
    /// Basic credentials. The username cannot be empty or hold `:` (HTTP Basic would split
    /// it there) or control characters.
    pub fn basic(username: &str, password: impl Into<String>) -> Result<Self, FieldError> {
        if username.is_empty() {
            return Err(FieldError::new(
                "dhis2_username",
                "the DHIS2 username is empty",
            ));
        }
        if username.contains(':') || username.chars().any(char::is_control) {
            return Err(FieldError::new(
                "dhis2_username",
                "a DHIS2 username for HTTP Basic cannot contain ':' or control characters",
            ));
        }
        let password = password.into();
        if password.chars().any(char::is_control) {
            return Err(FieldError::new(
                "dhis2_password",
                "the DHIS2 password contains a control character",
            ));
        }
        Ok(Self::Basic {
            username: username.to_owned(),
            password: Secret(password),
        })
    }

    /// A personal access token. It must be printable ASCII without spaces (it goes into a
    /// header); DHIS2's tokens start with `d2pat_`, but other prefixes are let through so a
    /// future token format still works.
    pub fn api_token(token: &str) -> Result<Self, FieldError> {
        let token = token.trim();
        if token.is_empty() || !token.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(FieldError::new(
                "dhis2_token",
                "a DHIS2 personal access token is printable ASCII without spaces (d2pat_…)",
            ));
        }
        Ok(Self::ApiToken(Secret(token.to_owned())))
    }

    fn header(&self) -> String {
        match self {
            Self::Basic { username, password } => {
                let pair = format!("{username}:{}", password.expose());
                format!("Basic {}", BASE64.encode(pair))
            }
            Self::ApiToken(token) => format!("ApiToken {}", token.expose()),
        }
    }

    fn kind(&self) -> CredentialKind {
        match self {
            Self::Basic { .. } => CredentialKind::Password,
            Self::ApiToken(_) => CredentialKind::ApiToken,
        }
    }
}

/// Which kind of credential DHIS2 refused, so the error can say what to check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialKind {
    /// Username and password (HTTP Basic).
    Password,
    /// Personal access token.
    ApiToken,
}

impl fmt::Display for CredentialKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Password => {
                "check the DHIS2 username and password (and that the account is not disabled \
                 or locked after failed sign-ins)"
            }
            Self::ApiToken => {
                "check the personal access token: it may be mistyped, expired or revoked, or \
                 limited to other IP addresses, HTTP methods or referrers"
            }
        })
    }
}

/// How to push.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PushOptions {
    /// `dryRun=true`: DHIS2 checks everything and reports conflicts but stores nothing.
    pub dry_run: bool,
    /// Values per request.
    pub chunk_size: NonZeroUsize,
}

impl Default for PushOptions {
    fn default() -> Self {
        Self {
            dry_run: false,
            chunk_size: DEFAULT_CHUNK_SIZE,
        }
    }
}

/// Why a push did not produce an import summary. Each message says what to check.
#[derive(Debug, thiserror::Error)]
pub enum Dhis2Error {
    /// The base URL is not an `http://` or `https://` address.
    #[error(
        "DHIS2 base URL {url:?} is not an http:// or https:// address (expected something like https://dhis2.example.org)"
    )]
    BadBaseUrl {
        /// The URL given.
        url: String,
    },
    /// No connection: DNS failure, refused connection, TLS failure.
    #[error("cannot reach DHIS2 at {url}: {reason}")]
    Unreachable {
        /// The address tried.
        url: String,
        /// What failed.
        reason: String,
    },
    /// Connected or connecting, but no answer in time.
    #[error("DHIS2 at {url} did not answer within {} s", after.as_secs_f64())]
    Timeout {
        /// The address tried.
        url: String,
        /// The limit that was hit.
        after: Duration,
    },
    /// 401: DHIS2 did not accept the credentials.
    #[error("DHIS2 refused the credentials (401 Unauthorized): {kind}")]
    Unauthorized {
        /// Which credential to check.
        kind: CredentialKind,
    },
    /// 403: signed in, but not allowed to import.
    #[error(
        "DHIS2 accepted the credentials but refused the import (403 Forbidden): the account needs the authority to add data values (F_DATAVALUE_ADD) and data-write access to the data sets and org units{}",
        message.as_deref().map(|m| format!("; DHIS2 said: {m}")).unwrap_or_default()
    )]
    Forbidden {
        /// DHIS2's message, if it sent one.
        message: Option<String>,
    },
    /// 404: there is no DHIS2 API at that address.
    #[error(
        "no DHIS2 API at {url} (404 Not Found): the base URL is probably wrong; it is the address DHIS2's login page is under, without /api (for example https://dhis2.example.org or https://example.org/dhis)"
    )]
    NotFound {
        /// The address that answered 404.
        url: String,
    },
    /// 3xx: tandem does not follow redirects for a POST with credentials.
    #[error(
        "DHIS2 at {url} answered {status} redirecting to {location:?}: set the base URL to the address it redirects to (credentials are not sent on to a redirect)"
    )]
    Redirected {
        /// The address tried.
        url: String,
        /// The status code.
        status: u16,
        /// Where DHIS2 pointed.
        location: String,
    },
    /// 5xx: the server failed.
    #[error(
        "DHIS2 failed with {status} (a server error; try again later or ask its administrator): {snippet}"
    )]
    Server {
        /// The status code.
        status: u16,
        /// The start of the answer.
        snippet: String,
    },
    /// A DHIS2 WebMessage that refuses the request without an import summary.
    #[error("DHIS2 refused the import ({status}): {message}")]
    Rejected {
        /// The status code.
        status: u16,
        /// DHIS2's message.
        message: String,
    },
    /// An answer that is not an import summary (a login page, a proxy's error page…).
    #[error(
        "DHIS2 answered {status} with something that is not an import summary; is the base URL a DHIS2 server? The answer begins: {snippet}"
    )]
    NotAnImportSummary {
        /// The status code.
        status: u16,
        /// The first 200 bytes of the answer.
        snippet: String,
    },
    /// An earlier chunk was imported before a later one failed; `summary` says what landed.
    #[error(
        "{source} (after the first {sent} of {total} values had been sent and answered: {summary})"
    )]
    Partial {
        /// Values sent and answered before the failure.
        sent: usize,
        /// Values in the whole payload.
        total: usize,
        /// The merged summary of the chunks that were answered.
        summary: Box<ImportSummary>,
        /// Why the next chunk failed.
        source: Box<Dhis2Error>,
    },
}

/// A DHIS2 server that tandem pushes data values to.
#[derive(Debug, Clone)]
pub struct Dhis2Client {
    base_url: String,
    auth: Auth,
    connect_timeout: Duration,
    request_timeout: Duration,
    agent: ureq::Agent,
}

impl Dhis2Client {
    /// A client for the DHIS2 instance at `base_url` (the address before `/api`; a trailing
    /// `/` or `/api` is dropped so a pasted API address works too), with the default timeouts.
    pub fn new(base_url: &str, auth: Auth) -> Result<Self, Dhis2Error> {
        Self::with_timeouts(base_url, auth, CONNECT_TIMEOUT, REQUEST_TIMEOUT)
    }

    /// Like [`Dhis2Client::new`] with other timeouts: `connect` for opening the connection,
    /// `request` for each whole request (send and answer).
    pub fn with_timeouts(
        base_url: &str,
        auth: Auth,
        connect: Duration,
        request: Duration,
    ) -> Result<Self, Dhis2Error> {
        let trimmed = base_url.trim();
        let lower = trimmed.to_ascii_lowercase();
        if !(lower.starts_with("http://") || lower.starts_with("https://"))
            || trimmed.contains(char::is_whitespace)
        {
            return Err(Dhis2Error::BadBaseUrl {
                url: base_url.to_owned(),
            });
        }
        let mut base = trimmed.trim_end_matches('/');
        base = base.strip_suffix("/api").unwrap_or(base);
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_connect(Some(connect))
            .timeout_global(Some(request))
            // Statuses are DHIS2's answers (409 carries the import summary); read them all.
            .http_status_as_error(false)
            // A redirect on a POST would be replayed as a GET without credentials; report it.
            .max_redirects(0)
            .max_redirects_will_error(false)
            .build()
            .into();
        Ok(Self {
            base_url: base.to_owned(),
            auth,
            connect_timeout: connect,
            request_timeout: request,
            agent,
        })
    }

    /// The base URL requests go under.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The full address of one push, query string included. The parameters are always all
    /// present and in this order, so requests are reproducible and easy to read in DHIS2's
    /// logs:
    /// `{base}/api/dataValueSets?dryRun=…&dataElementIdScheme=…&orgUnitIdScheme=…&categoryOptionComboIdScheme=…&importStrategy=CREATE_AND_UPDATE`.
    pub fn push_url(&self, payload: &DataValueSet, options: &PushOptions) -> String {
        let s = payload.id_schemes();
        format!(
            "{}/api/dataValueSets?dryRun={}&dataElementIdScheme={}&orgUnitIdScheme={}\
             &categoryOptionComboIdScheme={}&importStrategy=CREATE_AND_UPDATE",
            self.base_url,
            options.dry_run,
            s.data_element.as_param(),
            s.org_unit.as_param(),
            s.category_option_combo.as_param(),
        )
    }

    /// Sends `payload` in chunks of `options.chunk_size` values, one request each, in order,
    /// and merges the summaries: counts summed, conflicts concatenated with indexes into the
    /// whole payload. A 409 carrying an import summary is a normal answer (DHIS2 2.38+ sends
    /// it when values were refused), not an error. If a later chunk fails, the error is
    /// [`Dhis2Error::Partial`] with what the earlier chunks did.
    pub fn push(
        &self,
        payload: &DataValueSet,
        options: &PushOptions,
    ) -> Result<ImportSummary, Dhis2Error> {
        let url = self.push_url(payload, options);
        let mut merged: Option<ImportSummary> = None;
        let mut sent = 0;
        for chunk in payload.chunks(options.chunk_size) {
            let summary = match self.post(&url, &chunk.to_json()) {
                Ok(summary) => summary,
                Err(error) => {
                    return Err(match merged {
                        None => error,
                        Some(summary) => Dhis2Error::Partial {
                            sent,
                            total: payload.len(),
                            summary: Box::new(summary),
                            source: Box::new(error),
                        },
                    });
                }
            };
            merged = Some(match merged {
                None => summary.shifted(chunk.offset),
                Some(mut acc) => {
                    acc.merge(summary, chunk.offset);
                    acc
                }
            });
            sent += chunk.values.len();
        }
        // `DataValueSet` is never empty, so at least one chunk was sent.
        merged.ok_or_else(|| Dhis2Error::NotAnImportSummary {
            status: 0,
            snippet: "nothing was sent".to_owned(),
        })
    }

    fn post(&self, url: &str, body: &[u8]) -> Result<ImportSummary, Dhis2Error> {
        let mut response = self
            .agent
            .post(url)
            .header("Authorization", self.auth.header())
            .header("Content-Type", "application/json")
            .header("Accept", "application/json")
            .send(body)
            .map_err(|e| self.transport_error(url, e))?;
        let status = response.status().as_u16();
        let location = response
            .headers()
            .get("location")
            .and_then(|l| l.to_str().ok())
            .unwrap_or("")
            .to_owned();
        let answer = response
            .body_mut()
            .with_config()
            .limit(MAX_ANSWER_BYTES)
            .read_to_vec()
            .map_err(|e| self.transport_error(url, e))?;
        interpret(url, status, &location, &answer, self.auth.kind())
    }

    fn transport_error(&self, url: &str, error: ureq::Error) -> Dhis2Error {
        let url = url.split('?').next().unwrap_or(url).to_owned();
        match error {
            ureq::Error::Timeout(which) => {
                let after = if matches!(which, ureq::Timeout::Connect) {
                    self.connect_timeout
                } else {
                    self.request_timeout
                };
                Dhis2Error::Timeout { url, after }
            }
            ureq::Error::Io(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock
                ) =>
            {
                Dhis2Error::Timeout {
                    url,
                    after: self.request_timeout,
                }
            }
            ureq::Error::HostNotFound => Dhis2Error::Unreachable {
                url,
                reason: "the host name was not found (check the address and DNS)".to_owned(),
            },
            other => Dhis2Error::Unreachable {
                url,
                reason: other.to_string(),
            },
        }
    }
}

fn snippet(body: &[u8]) -> String {
    String::from_utf8_lossy(&body[..body.len().min(SNIPPET_BYTES)]).into_owned()
}

/// Turns a status and body into a summary or an error. 2xx and 409 carry the summary
/// normally; any other 4xx that holds one is shown as a summary too, since its conflicts say
/// more than the status does.
fn interpret(
    url: &str,
    status: u16,
    location: &str,
    body: &[u8],
    kind: CredentialKind,
) -> Result<ImportSummary, Dhis2Error> {
    let url = url.split('?').next().unwrap_or(url).to_owned();
    let parsed = ImportSummary::parse(body);
    match status {
        200..=299 | 409 => match parsed {
            Ok(summary) => Ok(summary),
            Err(not) => Err(match not.message {
                Some(message) if status == 409 => Dhis2Error::Rejected { status, message },
                _ => Dhis2Error::NotAnImportSummary {
                    status,
                    snippet: snippet(body),
                },
            }),
        },
        300..=399 => Err(Dhis2Error::Redirected {
            url,
            status,
            location: location.to_owned(),
        }),
        401 => Err(Dhis2Error::Unauthorized { kind }),
        403 => Err(Dhis2Error::Forbidden {
            message: parsed.err().and_then(|n| n.message),
        }),
        404 => Err(Dhis2Error::NotFound { url }),
        500..=599 => Err(Dhis2Error::Server {
            status,
            snippet: snippet(body),
        }),
        _ => match parsed {
            Ok(summary) => Ok(summary),
            Err(not) => Err(match not.message {
                Some(message) => Dhis2Error::Rejected { status, message },
                None => Dhis2Error::NotAnImportSummary {
                    status,
                    snippet: snippet(body),
                },
            }),
        },
    }
}
