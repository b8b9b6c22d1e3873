//! All interface text goes through Fluent (C16/web): one `.ftl` file per language under
//! `locales/`, embedded in the binary. English is the reference; a test checks every language
//! has exactly the same message ids.

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use std::collections::BTreeMap;
use std::sync::Arc;
use unic_langid::LanguageIdentifier;

/// The languages tandem speaks, with their Fluent sources.
pub const LANGUAGES: &[(&str, &str, &str)] = &[
    ("en", "English", include_str!("../locales/en/main.ftl")),
    ("fr", "Français", include_str!("../locales/fr/main.ftl")),
];

/// Loaded bundles, shared by all requests.
pub struct I18n {
    bundles: BTreeMap<&'static str, FluentBundle<FluentResource>>,
}

impl std::fmt::Debug for I18n {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("I18n")
            .field("languages", &self.bundles.keys())
            .finish()
    }
}

/// A Fluent file that does not parse. Only possible if a bad `.ftl` is committed; a test loads
/// every file so that never ships.
#[derive(Debug, thiserror::Error)]
#[error("locale {0}: {1}")]
pub struct LocaleError(&'static str, String);

impl I18n {
    /// Parses every embedded language.
    pub fn load() -> Result<Self, LocaleError> {
        let mut bundles = BTreeMap::new();
        for (code, _, source) in LANGUAGES {
            let resource = FluentResource::try_new((*source).to_owned())
                .map_err(|(_, errors)| LocaleError(code, format!("{errors:?}")))?;
            let lang: LanguageIdentifier = code
                .parse()
                .map_err(|e| LocaleError(code, format!("{e:?}")))?;
            let mut bundle = FluentBundle::new_concurrent(vec![lang]);
            // Bidi isolation marks would leak into plain-text exports and tests.
            bundle.set_use_isolating(false);
            bundle
                .add_resource(resource)
                .map_err(|errors| LocaleError(code, format!("{errors:?}")))?;
            bundles.insert(*code, bundle);
        }
        Ok(Self { bundles })
    }

    /// The supported language closest to `wanted` (an account setting, a cookie or an
    /// `Accept-Language` header), English otherwise.
    pub fn negotiate(&self, wanted: &str) -> &'static str {
        for part in wanted.split(',') {
            let tag = part
                .split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase();
            let primary = tag.split('-').next().unwrap_or("");
            if let Some((code, _, _)) = LANGUAGES.iter().find(|(c, _, _)| *c == primary) {
                return code;
            }
        }
        "en"
    }

    /// A translator for one request.
    pub fn translator(self: &Arc<Self>, lang: &'static str) -> Tr {
        Tr {
            i18n: Arc::clone(self),
            lang,
        }
    }

    /// Message ids of a language, for the completeness test.
    pub fn message_ids(lang: &str) -> Vec<String> {
        LANGUAGES
            .iter()
            .find(|(c, _, _)| *c == lang)
            .and_then(|(_, _, src)| FluentResource::try_new((*src).to_owned()).ok())
            .map(|res| {
                res.entries()
                    .filter_map(|e| match e {
                        fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_owned()),
                        _ => None,
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// A request's translator: `t.get("people-title")` in templates and handlers.
#[derive(Clone)]
pub struct Tr {
    i18n: Arc<I18n>,
    lang: &'static str,
}

impl std::fmt::Debug for Tr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.lang)
    }
}

impl Tr {
    /// The language code (`en`, `fr`).
    pub fn lang(&self) -> &'static str {
        self.lang
    }

    /// The message `id`, or the id itself if missing (visible in review, never a panic).
    pub fn get(&self, id: &str) -> String {
        self.format(id, None)
    }

    /// The message `id` with one argument.
    pub fn with(&self, id: &str, name: &str, value: impl std::fmt::Display) -> String {
        self.with_args(id, &[(name, &value)])
    }

    /// The message `id` with several arguments, each as text.
    pub fn with_args(&self, id: &str, values: &[(&str, &dyn std::fmt::Display)]) -> String {
        let mut args = FluentArgs::new();
        for (name, value) in values {
            args.set((*name).to_owned(), FluentValue::from(value.to_string()));
        }
        self.format(id, Some(&args))
    }

    /// What a refused input says to the reader: its catalogue message in their language when
    /// the error carries one ([`domain::Phrase`]), else the English text with its field, as
    /// the API gives it.
    pub fn refusal(&self, error: &domain::FieldError) -> String {
        match &error.phrase {
            Some(_) => self.refusal_message(error),
            None => error.to_string(),
        }
    }

    /// The message alone, for a page that names the field itself: in the reader's language
    /// when the error carries a phrase, else the English text.
    pub fn refusal_message(&self, error: &domain::FieldError) -> String {
        let Some(phrase) = &error.phrase else {
            return error.message.clone();
        };
        let mut args = FluentArgs::new();
        for (name, value) in &phrase.args {
            // A whole number goes in as a number, so the message can choose its plural.
            match value.parse::<i64>() {
                Ok(number) => args.set(*name, FluentValue::from(number)),
                Err(_) => args.set(*name, FluentValue::from(value.as_str())),
            }
        }
        self.format(phrase.id, Some(&args))
    }

    /// `value` with `places` decimals, written the reader's way: the decimal separator is
    /// the catalogue's `decimal-separator` (a comma in French).
    pub fn decimal(&self, value: impl std::borrow::Borrow<f64>, places: usize) -> String {
        let value = *value.borrow();
        self.with_separator(format!("{value:.places$}"))
    }

    /// `value` as a form field shows it: as few digits as say it exactly, with the reader's
    /// decimal separator (the forms read either).
    pub fn decimal_input(&self, value: f64) -> String {
        self.with_separator(value.to_string())
    }

    fn with_separator(&self, text: String) -> String {
        match self.get("decimal-separator").as_str() {
            "." | "decimal-separator" => text,
            separator => text.replace('.', separator),
        }
    }

    /// The message `id` with a numeric argument (for plural selection).
    pub fn count(&self, id: &str, name: &str, value: i64) -> String {
        let mut args = FluentArgs::new();
        args.set(name.to_owned(), FluentValue::from(value));
        self.format(id, Some(&args))
    }

    fn format(&self, id: &str, args: Option<&FluentArgs<'_>>) -> String {
        let Some(bundle) = self.i18n.bundles.get(self.lang) else {
            return id.to_owned();
        };
        let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) else {
            return id.to_owned();
        };
        let mut errors = Vec::new();
        bundle
            .format_pattern(pattern, args, &mut errors)
            .into_owned()
    }
}
