//! BibTeX export.
//!
//! Hand-written rather than built on a crate: the `biblatex` crate (typst) is a parser first
//! and writing means building its chunk model for every field, and `hayagriva` brings YAML,
//! CSL and locale machinery we do not need. What we write is small: three entry types, a
//! dozen fields, one escaping rule. The output parses with `bibtexparser` 2 in CI
//! (`tests/formats/check_exports.py`).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use chrono::Datelike;

use crate::outputs::{Author, Output};

/// Writes `outputs` as BibTeX: `@article` for publications, `@inproceedings` for
/// presentations (the conference is the `booktitle`), `@misc` for trainings. Entries appear in
/// the given order with keys from [`citation_keys`]. Text is UTF-8 with LaTeX specials escaped.
pub fn to_bibtex(outputs: &[Output]) -> String {
    let keys = citation_keys(outputs);
    let mut out = String::new();
    for (output, key) in outputs.iter().zip(&keys) {
        let date = output.date();
        let mut fields: Vec<(&str, String)> = Vec::new();
        let kind = match output {
            Output::Publication(p) => {
                fields.push(("author", authors(&p.authors)));
                fields.push(("title", escape(&p.title)));
                fields.push(("journal", escape(&p.journal)));
                push_date(&mut fields, date);
                if let Some(v) = &p.volume {
                    fields.push(("volume", escape(v)));
                }
                if let Some(i) = &p.issue {
                    fields.push(("number", escape(i)));
                }
                if let Some(pages) = &p.pages {
                    // BibTeX writes page ranges with an en dash, `--`.
                    fields.push(("pages", escape(&pages.replace('-', "--"))));
                }
                if let Some(doi) = &p.doi {
                    fields.push(("doi", escape_verbatim(doi.as_str())));
                }
                "article"
            }
            Output::Presentation(p) => {
                fields.push(("author", authors(&p.presenters)));
                fields.push(("title", escape(&p.title)));
                fields.push(("booktitle", escape(&p.event)));
                fields.push(("address", escape(&p.place)));
                push_date(&mut fields, date);
                fields.push(("note", "Conference presentation".to_owned()));
                "inproceedings"
            }
            Output::Training(t) => {
                fields.push(("author", authors(&t.trainers)));
                fields.push(("title", escape(&t.title)));
                fields.push((
                    "howpublished",
                    escape(&format!("Training for {}, {}", t.audience, t.place)),
                ));
                push_date(&mut fields, date);
                fields.push(("note", format!("{} participants", t.participants)));
                "misc"
            }
        };
        let _ = writeln!(out, "@{kind}{{{key},");
        for (name, value) in fields {
            let _ = writeln!(out, "  {name} = {{{value}}},");
        }
        out.push_str("}\n\n");
    }
    out
}

fn push_date(fields: &mut Vec<(&str, String)>, date: chrono::NaiveDate) {
    fields.push(("year", date.year().to_string()));
    fields.push(("month", date.month().to_string()));
    // biblatex reads the full date; BibTeX styles ignore the unknown field.
    fields.push(("date", date.format("%Y-%m-%d").to_string()));
}

/// `Family, Given and Family, Given`, escaped. A family name containing ` and ` or a comma is
/// braced so BibTeX does not split it.
fn authors(people: &[Author]) -> String {
    people
        .iter()
        .map(|a| {
            let family = escape(&a.family);
            let family = if family.contains(',') || family.to_lowercase().contains(" and ") {
                format!("{{{family}}}")
            } else {
                family
            };
            if a.given.is_empty() {
                family
            } else {
                format!("{family}, {}", escape(&a.given))
            }
        })
        .collect::<Vec<_>>()
        .join(" and ")
}

/// Escapes the LaTeX specials `{ } % & $ # _ ~ ^ \`; other characters, UTF-8 included, pass
/// through (biber and modern BibTeX read UTF-8).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\textbackslash{}"),
            '~' => out.push_str("\\textasciitilde{}"),
            '^' => out.push_str("\\textasciicircum{}"),
            '{' | '}' | '%' | '&' | '$' | '#' | '_' => {
                out.push('\\');
                out.push(c);
            }
            // Line breaks inside a field are just spaces to BibTeX.
            '\n' | '\r' | '\t' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

/// For DOIs, which biblatex reads verbatim: only braces and backslashes, which would break the
/// field's own delimiters, are escaped.
fn escape_verbatim(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '{' | '}' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Words that never start a citation key.
const STOP_WORDS: [&str; 16] = [
    "a", "an", "the", "of", "on", "in", "for", "and", "to", "at", "by", "from", "with", "as", "is",
    "are",
];

/// One stable key per output, `Ogbeide2025Surgical`: first credited person's family name
/// (ASCII letters only), year, first significant title word. Keys that collide all get
/// `a`, `b`, … suffixes in input order (`Ogbeide2025Surgicala`, `Ogbeide2025Surgicalb`), so
/// one entry's key does not depend on whether another came first. CSL-JSON uses the same ids.
pub fn citation_keys(outputs: &[Output]) -> Vec<String> {
    let bases: Vec<String> = outputs.iter().map(base_key).collect();
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for base in &bases {
        *counts.entry(base.as_str()).or_default() += 1;
    }
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    bases
        .iter()
        .map(|base| {
            if counts.get(base.as_str()).copied().unwrap_or(0) < 2 {
                return base.clone();
            }
            let n = seen.entry(base.as_str()).or_default();
            let suffix = suffix_letters(*n);
            *n += 1;
            format!("{base}{suffix}")
        })
        .collect()
}

/// 0 → `a`, 25 → `z`, 26 → `aa`…
fn suffix_letters(mut n: usize) -> String {
    let mut letters = Vec::new();
    loop {
        // n % 26 < 26, so the byte is a lower-case letter.
        letters.push(char::from(b'a' + (n % 26) as u8));
        if n < 26 {
            break;
        }
        n = n / 26 - 1;
    }
    letters.iter().rev().collect()
}

fn base_key(output: &Output) -> String {
    let family = output
        .people()
        .first()
        .map(|a| ascii_word(&a.family))
        .filter(|f| !f.is_empty())
        .unwrap_or_else(|| "Anon".to_owned());
    let word = output
        .title()
        .split_whitespace()
        .map(ascii_word)
        .find(|w| !w.is_empty() && !STOP_WORDS.contains(&w.to_lowercase().as_str()))
        .unwrap_or_default();
    format!(
        "{}{}{}",
        capitalise(&family),
        output.year(),
        capitalise(&word)
    )
}

fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}

/// Keeps ASCII letters and digits, folding common accented Latin letters (including the
/// Yoruba dotted vowels `ẹ ọ ṣ`) to their base letter so `Ọ̀kọ́` keys as `Oko`.
fn ascii_word(text: &str) -> String {
    text.chars()
        .filter_map(|c| {
            if c.is_ascii_alphanumeric() {
                Some(c)
            } else {
                fold(c)
            }
        })
        .collect()
}

fn fold(c: char) -> Option<char> {
    const TABLE: [(&str, char); 14] = [
        ("àáâãäåāăąạảấầẩẫậắằẳẵặ", 'a'),
        ("ÀÁÂÃÄÅĀĂĄẠẢẤẦẨẪẬẮẰẲẴẶ", 'A'),
        ("èéêëēĕėęěẹẻẽếềểễệ", 'e'),
        ("ÈÉÊËĒĔĖĘĚẸẺẼẾỀỂỄỆ", 'E'),
        ("ìíîïĩīĭįịỉ", 'i'),
        ("ÌÍÎÏĨĪĬĮỊỈ", 'I'),
        ("òóôõöøōŏőọỏốồổỗộớờởỡợ", 'o'),
        ("ÒÓÔÕÖØŌŎŐỌỎỐỒỔỖỘỚỜỞỠỢ", 'O'),
        ("ùúûüũūŭůűųụủứừửữự", 'u'),
        ("ÙÚÛÜŨŪŬŮŰŲỤỦỨỪỬỮỰ", 'U'),
        ("ñńňṅṇ", 'n'),
        ("ÑŃŇṄṆ", 'N'),
        ("śšşṣ", 's'),
        ("ŚŠŞṢ", 'S'),
    ];
    TABLE
        .iter()
        .find(|(set, _)| set.contains(c))
        .map(|(_, base)| *base)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_specials() {
        assert_eq!(
            escape("50% & $5 #1 a_b {x} ~ ^ \\"),
            "50\\% \\& \\$5 \\#1 a\\_b \\{x\\} \\textasciitilde{} \\textasciicircum{} \\textbackslash{}"
        );
        assert_eq!(escape("Ọ̀kọ́"), "Ọ̀kọ́");
    }

    #[test]
    fn folds_names() {
        assert_eq!(ascii_word("Ọ̀kọ́"), "Oko");
        assert_eq!(ascii_word("Adébáyọ̀"), "Adebayo");
    }

    #[test]
    fn suffixes() {
        assert_eq!(suffix_letters(0), "a");
        assert_eq!(suffix_letters(25), "z");
        assert_eq!(suffix_letters(26), "aa");
    }
}
