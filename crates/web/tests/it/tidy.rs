//! Checks on the code base itself, run inside `cargo test` (rust-analyzer's tidy idea).

use std::path::Path;

#[test]
fn every_language_has_exactly_the_english_message_ids() {
    let mut english = app::i18n::I18n::message_ids("en");
    english.sort();
    assert!(english.len() > 50);
    for (code, _, _) in app::i18n::LANGUAGES {
        let mut ids = app::i18n::I18n::message_ids(code);
        ids.sort();
        let missing: Vec<_> = english.iter().filter(|id| !ids.contains(id)).collect();
        let extra: Vec<_> = ids.iter().filter(|id| !english.contains(id)).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "{code}: missing {missing:?}, extra {extra:?}"
        );
    }
    app::i18n::I18n::load().expect("every locale parses");
}

#[test]
fn french_counts_say_none_for_zero() {
    // CLDR puts 0 in French's `one` category, so a `[one] Un binôme` variant alone would show
    // "one pair" when there are none; each such message needs its own `[0]` variant.
    let i18n = std::sync::Arc::new(app::i18n::I18n::load().expect("locales load"));
    let (en, fr) = (i18n.translator("en"), i18n.translator("fr"));
    let mut wrong = Vec::new();
    for id in app::i18n::I18n::message_ids("en") {
        let plural = en.count(&id, "count", 0) != en.count(&id, "count", 2);
        let text = fr.count(&id, "count", 0);
        let says_one = ["Un ", "Une ", "un ", "une "]
            .iter()
            .any(|one| text.starts_with(one));
        if plural && says_one {
            wrong.push(format!("{id}: {text}"));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn templates_use_only_known_message_ids() {
    let english = app::i18n::I18n::message_ids("en");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut unknown = Vec::new();
    for dir in ["templates", "src"] {
        visit(&root.join(dir), &mut |path, text| {
            for piece in text.split("t.get(\"").skip(1) {
                let id = piece.split('"').next().unwrap_or("");
                let dynamic = id.is_empty() || id.ends_with('-');
                if !dynamic && !english.iter().any(|e| e == id) {
                    unknown.push(format!("{}: {id}", path.display()));
                }
            }
        });
    }
    assert!(
        unknown.is_empty(),
        "message ids missing from en/main.ftl: {unknown:?}"
    );
}

fn visit(dir: &Path, f: &mut dyn FnMut(&Path, &str)) {
    for entry in std::fs::read_dir(dir).expect("dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            visit(&path, f);
        } else if let Ok(text) = std::fs::read_to_string(&path) {
            f(&path, &text);
        }
    }
}

#[test]
fn openapi_snapshot_is_current() {
    let current = serde_json::to_string_pretty(&web::api::document()).expect("serialise") + "\n";
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/openapi.json");
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, &current).expect("write snapshot");
    }
    let saved = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        saved == current,
        "docs/openapi.json is stale: run `cargo xtask openapi` and commit it"
    );
}
