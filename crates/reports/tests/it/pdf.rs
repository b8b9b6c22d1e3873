//! The PDF read back by decoding its (uncompressed) content streams: the strings shown with
//! `Tj`, WinAnsi bytes mapped back to text. `pdftotext` is not installed on the build machines,
//! so the test does not depend on it.

use reports::{Labels, sample, to_pdf};

use crate::long_report;

/// Each page's text, its shown strings joined by spaces, in drawing order.
fn page_texts(pdf: &[u8]) -> Vec<String> {
    let mut pages = Vec::new();
    let mut rest = pdf;
    while let Some(start) = find(rest, b"stream\n") {
        let body = &rest[start + 7..];
        let end = find(body, b"\nendstream").expect("every stream ends");
        let stream = &body[..end];
        // Content streams are the ones that show text; the fonts are not streams here.
        if find(stream, b"BT").is_some() {
            pages.push(shown_strings(stream).join(" "));
        }
        rest = &body[end + b"\nendstream".len()..];
    }
    pages
}

/// The operands of every `Tj` in a content stream, decoded from WinAnsi.
fn shown_strings(stream: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < stream.len() {
        let (bytes, next) = match stream[i] {
            b'(' => literal(stream, i + 1),
            b'<' => hex(stream, i + 1),
            _ => {
                i += 1;
                continue;
            }
        };
        let after = &stream[next..];
        let op = after
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .unwrap_or(0);
        if after[op..].starts_with(b"Tj") {
            out.push(bytes.iter().map(|&b| winansi(b)).collect());
        }
        i = next;
    }
    out
}

fn literal(s: &[u8], mut i: usize) -> (Vec<u8>, usize) {
    let mut out = Vec::new();
    let mut depth = 0;
    while i < s.len() {
        match s[i] {
            b'\\' => {
                i += 1;
                match s[i] {
                    b'n' => out.push(b'\n'),
                    b'r' => out.push(b'\r'),
                    b't' => out.push(b'\t'),
                    b'b' => out.push(8),
                    b'f' => out.push(12),
                    b'0'..=b'7' => {
                        let digits = s[i..]
                            .iter()
                            .take(3)
                            .take_while(|b| (b'0'..=b'7').contains(b))
                            .count();
                        let text = std::str::from_utf8(&s[i..i + digits]).unwrap();
                        out.push(u8::from_str_radix(text, 8).unwrap());
                        i += digits - 1;
                    }
                    other => out.push(other),
                }
            }
            b'(' => {
                depth += 1;
                out.push(b'(');
            }
            b')' if depth > 0 => {
                depth -= 1;
                out.push(b')');
            }
            b')' => return (out, i + 1),
            b => out.push(b),
        }
        i += 1;
    }
    panic!("unterminated string")
}

fn hex(s: &[u8], i: usize) -> (Vec<u8>, usize) {
    let end = i + s[i..].iter().position(|&b| b == b'>').unwrap();
    let digits: Vec<u8> = s[i..end]
        .iter()
        .copied()
        .filter(u8::is_ascii_hexdigit)
        .collect();
    let bytes = digits
        .chunks(2)
        .map(|pair| u8::from_str_radix(std::str::from_utf8(pair).unwrap(), 16).unwrap())
        .collect();
    (bytes, end + 1)
}

/// WinAnsi back to text for the characters the sample uses (Latin-1 is the identity).
fn winansi(b: u8) -> char {
    match b {
        0x95 => '•',
        0x96 => '–',
        0x97 => '—',
        0x80 => '€',
        0x9C => 'œ',
        0x91 => '\u{2018}',
        0x92 => '\u{2019}',
        _ => char::from(b),
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn page_count(pdf: &[u8]) -> usize {
    let text = String::from_utf8_lossy(pdf);
    let counted = text.matches("/Type /Page\n").count() + text.matches("/Type /Page ").count();
    let declared: usize = text
        .split("/Count ")
        .nth(1)
        .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|n| n.parse().ok())
        .unwrap();
    assert_eq!(
        counted, declared,
        "the page tree's /Count matches its pages"
    );
    declared
}

#[test]
fn the_sample_is_one_a4_page_with_every_section() {
    let report = sample();
    let pdf = to_pdf(&report);
    assert!(pdf.starts_with(b"%PDF-"));
    assert!(pdf.ends_with(b"%%EOF") || pdf.ends_with(b"%%EOF\n"));
    assert_eq!(page_count(&pdf), 1);
    assert!(String::from_utf8_lossy(&pdf).contains("/MediaBox [0 0 595.28 841.89]"));

    let text = page_texts(&pdf).join(" ");
    for expected in [
        "Quarterly program report",
        "Program: Safe Surgery Mentorship — Ethiopia",
        "Period: July–September 2026",
        "Surgical site infection rate",
        "78.4%",
        "90.0%",
        "At risk",
        "Off track",
        "+7.2 pp",
        "Provider behaviours",
        "Debre Markos Referral Hospital",
        "41.5",
        "34 of 38",
        "Dessie's visits were suspended",
        "Page 1 of 1",
    ] {
        assert!(text.contains(expected), "{expected:?} missing from {text}");
    }
    // Long names wrap inside their cell; read back they are whole again.
    assert!(text.contains("Prophylactic antibiotics within 60 minutes before incision"));
    assert!(text.contains("Felege Hiwot Comprehensive Specialized Hospital"));
}

#[test]
fn a_long_table_breaks_across_pages_and_repeats_its_header() {
    let report = long_report(80);
    let pdf = to_pdf(&report);
    let pages = page_texts(&pdf);
    assert!(page_count(&pdf) > 1);
    assert_eq!(pages.len(), page_count(&pdf));
    let all = pages.join(" ");
    for kpi in &report.kpis {
        assert!(all.contains(&kpi.name), "{} missing", kpi.name);
    }
    // The KPI header row opens every page the table continues on.
    let header = "Indicator Value Target Status Change";
    let with_header = pages.iter().filter(|p| p.contains(header)).count();
    assert!(with_header >= 2, "header repeated: {with_header} pages");
    // A category continued on a new page is named again under the header.
    for page in pages.iter().skip(1).filter(|p| p.contains(header)) {
        let after = page.split(header).nth(1).unwrap().trim_start();
        assert!(
            ["Inputs", "Provider behaviours", "Patient outcomes"]
                .iter()
                .any(|group| after.starts_with(group)),
            "{after}"
        );
    }
    let last = pages.len();
    assert!(pages[last - 1].contains(&format!("Page {last} of {last}")));
}

#[test]
fn french_uses_its_labels_and_decimal_comma_and_marks_geez() {
    let mut report = sample();
    report.labels = Labels::french();
    report.scope = "Région Amhara (ጎንደር)".into();
    let text = page_texts(&to_pdf(&report)).join(" ");
    assert!(text.contains("Périmètre: Région Amhara (????)"), "{text}");
    assert!(text.contains("78,4%"));
    assert!(text.contains("+7,2 pts"));
    assert!(text.contains("Hors trajectoire"));
    assert!(text.contains("Page 1 sur 1"));
}

#[test]
fn empty_sections_say_so() {
    let mut report = sample();
    report.kpis.clear();
    report.dose.clear();
    report.participation.clear();
    report.notable_changes.clear();
    let text = page_texts(&to_pdf(&report)).join(" ");
    assert_eq!(text.matches("None this quarter.").count(), 4);
}
