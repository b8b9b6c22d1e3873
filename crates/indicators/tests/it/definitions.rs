use indicators::Error;
use indicators::definitions::{Catalog, Category, DataElement, Indicator};

fn catalog() -> Catalog {
    let mut c = Catalog::new();
    c.add(DataElement {
        code: "SSI".into(),
        name: "SSI cases".into(),
        category_option_combos: vec![],
    })
    .expect("add");
    c.add(DataElement {
        code: "SURG".into(),
        name: "Surgeries".into(),
        category_option_combos: vec!["ELECTIVE".into(), "EMERGENCY".into()],
    })
    .expect("add");
    c
}

#[test]
fn unknown_data_element_is_named() {
    let ind = Indicator::new(
        "SSI_RATE",
        "SSI rate",
        Category::Outcome,
        "#{SSI}",
        "#{SURGERIES}",
        100.0,
    )
    .expect("shape ok");
    let err = catalog().resolve(&ind).expect_err("unknown element");
    assert!(
        matches!(&err, Error::UnknownDataElement { indicator, element } if indicator == "SSI_RATE" && element == "SURGERIES")
    );
    assert_eq!(
        err.to_string(),
        "indicator \"SSI_RATE\": unknown data element \"SURGERIES\""
    );
}

#[test]
fn unknown_category_option_combo_is_named() {
    let ind = Indicator::new(
        "X",
        "x",
        Category::Outcome,
        "#{SSI}",
        "#{SURG.URGENT}",
        100.0,
    )
    .expect("shape ok");
    let err = catalog().resolve(&ind).expect_err("bad combo").to_string();
    assert!(err.contains("URGENT") && err.contains("\"X\""), "{err}");
    let ok = Indicator::new(
        "Y",
        "y",
        Category::Outcome,
        "#{SSI}",
        "#{SURG.ELECTIVE} + #{SURG.EMERGENCY}",
        100.0,
    )
    .expect("ok");
    assert!(catalog().resolve(&ok).is_ok());
}

#[test]
fn malformed_indicators() {
    assert!(Indicator::new("", "x", Category::Input, "visits", "1", 1.0).is_err());
    assert!(Indicator::new("A", "x", Category::Input, "visits", "1", 0.0).is_err());
    assert!(Indicator::new("A", "x", Category::Input, "visits", "", 1.0).is_err());
    let err = Indicator::new("A", "x", Category::Input, "#{}", "1", 1.0)
        .expect_err("empty ref")
        .to_string();
    assert!(err.contains("\"A\""), "{err}");
}
