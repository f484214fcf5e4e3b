//! Catalog validation, error messages and the serde shapes the web app relies on.

use configurator::{
    Cardinality, Catalog, CatalogError, Check, Choice, Click, Engine, Money, OptionState, Reason,
    SalesMode,
};
use serde_json::json;

/// A small valid catalog in TOML, with `extra` appended.
fn toml(extra: &str) -> String {
    format!(
        r##"
car_line = "t"
version = 3
name = {{ zh = "测试", en = "Test" }}
base_price = {{ purchase = 100, lease = 50 }}

[[groups]]
id = "mode"
name = {{ zh = "方式", en = "Mode" }}
cardinality = "exactly-one"
display = "cards"
options = [
    {{ id = "purchase", name = {{ zh = "买", en = "Buy" }}, sales_mode = "purchase" }},
    {{ id = "lease", name = {{ zh = "租", en = "Lease" }}, sales_mode = "lease" }},
]

[[groups]]
id = "paint"
name = {{ zh = "漆", en = "Paint" }}
cardinality = "exactly-one"
display = "swatch"
default = "red"
options = [
    {{ id = "red", name = {{ zh = "红", en = "Red" }}, swatch = "#c00", price = {{ purchase = 7 }} }},
    {{ id = "blue", name = {{ zh = "蓝", en = "Blue" }} }},
]
{extra}
"##
    )
}

fn rule(id: &str, expr: &str) -> String {
    format!(
        "[[rules]]\nid = \"{id}\"\nexpr = \"{expr}\"\ntext = {{ zh = \"规则\", en = \"rule\" }}\n"
    )
}

fn load(extra: &str) -> Result<Catalog, CatalogError> {
    Catalog::from_toml(&toml(extra))
}

#[test]
fn a_valid_catalog_loads_with_defaults() {
    let catalog = load(&rule("r", "blue -> lease")).unwrap();
    let (group, red) = catalog.option("red").unwrap();
    assert_eq!(group.id, "paint");
    assert_eq!(group.cardinality, Cardinality::ExactlyOne);
    assert_eq!(red.price.purchase, Money(7));
    assert_eq!(red.price.lease, Money(0));
    assert_eq!(red.description, None);
    assert!(catalog.option("green").is_none());
    assert!(Engine::new(catalog).is_ok());
}

#[test]
fn validation_errors() {
    let cases: Vec<(String, CatalogError)> = vec![
        (
            rule("r", "red & & blue"),
            CatalogError::Parse {
                rule: "r".into(),
                error: configurator::parse_rule("red & & blue").unwrap_err(),
            },
        ),
        (
            rule("r", "red -> green"),
            CatalogError::UnknownOption {
                rule: "r".into(),
                option: "green".into(),
            },
        ),
        (
            rule("r", "red") + &rule("r", "blue"),
            CatalogError::DuplicateId("r".into()),
        ),
        (
            r#"[[groups]]
id = "paint"
name = { zh = "x", en = "x" }
cardinality = "any"
display = "list"
options = []"#
                .into(),
            CatalogError::DuplicateId("paint".into()),
        ),
        (
            r#"[[groups]]
id = "more"
name = { zh = "x", en = "x" }
cardinality = "any"
display = "list"
options = [{ id = "red", name = { zh = "x", en = "x" } }]"#
                .into(),
            CatalogError::DuplicateId("red".into()),
        ),
        (
            r#"[[groups]]
id = "more"
name = { zh = "x", en = "x" }
cardinality = "any"
display = "list"
options = [{ id = "Green", name = { zh = "x", en = "x" } }]"#
                .into(),
            CatalogError::BadId("Green".into()),
        ),
        (
            r#"[[groups]]
id = "more"
name = { zh = "x", en = "x" }
cardinality = "any"
display = "list"
default = "red"
options = [{ id = "green", name = { zh = "x", en = "x" } }]"#
                .into(),
            CatalogError::BadDefault {
                group: "more".into(),
                option: "red".into(),
            },
        ),
    ];
    for (extra, expected) in cases {
        assert_eq!(load(&extra), Err(expected), "{extra}");
    }
    let error = load(&rule("r", "red & & blue")).unwrap_err();
    assert_eq!(
        error.to_string(),
        "rule `r`: column 7: expected an option id, `!` or `(`, found `&`"
    );
    let Err(CatalogError::Toml(message)) = Catalog::from_toml("car_line = 1") else {
        panic!("malformed TOML accepted");
    };
    assert!(message.contains("car_line"), "{message}");
}

#[test]
fn sales_modes_are_checked() {
    let base = Catalog::from_toml(&toml("")).unwrap();
    let mut no_lease = base.clone();
    no_lease.groups[0].options[1].sales_mode = None;
    let mut two_groups = base.clone();
    let lease = two_groups.groups[0].options.pop().unwrap();
    two_groups.groups[1].options.push(lease);
    let mut any = base.clone();
    any.groups[0].cardinality = Cardinality::Any;
    let mut crowded = base.clone();
    let mut extra = crowded.groups[1].options[1].clone();
    extra.id = "maybe".into();
    crowded.groups[0].options.push(extra);
    let mut twice = base.clone();
    twice.groups[1].options[0].sales_mode = Some(SalesMode::Purchase);
    for catalog in [no_lease, two_groups, any, crowded, twice] {
        assert!(
            matches!(catalog.validate(), Err(CatalogError::SalesModes(_))),
            "{catalog:?}"
        );
    }
}

#[test]
fn inconsistent_catalogs_are_rejected() {
    let catalog = load(&(rule("a", "red | blue -> lease") + &rule("b", "!lease"))).unwrap();
    assert_eq!(
        Engine::new(catalog).unwrap_err(),
        CatalogError::Inconsistent
    );
    let mut empty_group = load("").unwrap();
    empty_group.groups[1].options.clear();
    empty_group.groups[1].default = None;
    assert_eq!(
        Engine::new(empty_group).unwrap_err(),
        CatalogError::Inconsistent
    );
}

#[test]
fn serde_shapes() {
    assert_eq!(
        serde_json::to_value(Choice::Select("a".into())).unwrap(),
        json!({"select": "a"})
    );
    assert_eq!(
        serde_json::to_value(Choice::Deselect("a".into())).unwrap(),
        json!({"deselect": "a"})
    );
    assert_eq!(
        serde_json::to_value(Reason::Chosen {
            option: "a".into(),
            selected: false
        })
        .unwrap(),
        json!({"kind": "chosen", "option": "a", "selected": false})
    );
    assert_eq!(
        serde_json::to_value(Reason::Rule { rule: "r".into() }).unwrap(),
        json!({"kind": "rule", "rule": "r"})
    );
    assert_eq!(
        serde_json::to_value(Reason::Group { group: "g".into() }).unwrap(),
        json!({"kind": "group", "group": "g"})
    );
    assert_eq!(
        serde_json::to_value(OptionState::Forced).unwrap(),
        json!("forced")
    );
    assert_eq!(
        serde_json::to_value(Cardinality::AtMostOne).unwrap(),
        json!("at-most-one")
    );
    assert_eq!(
        serde_json::to_value(SalesMode::Lease).unwrap(),
        json!("lease")
    );
    assert_eq!(
        serde_json::to_value(Money(8_990_000)).unwrap(),
        json!(8_990_000)
    );
    assert_eq!(
        serde_json::to_value(Click::Impossible).unwrap(),
        json!("impossible")
    );

    let mut engine = Engine::new(load("").unwrap()).unwrap();
    let check = engine.check(&[Choice::Select("lease".into())]);
    let value = serde_json::to_value(&check).unwrap();
    assert_eq!(value["sales_mode"], json!("lease"));
    assert_eq!(
        value["options"][0],
        json!({"id": "purchase", "state": "excluded", "reasons": [
            {"kind": "chosen", "option": "lease", "selected": true},
            {"kind": "group", "group": "mode"},
        ]})
    );
    let back: Check = serde_json::from_value(value).unwrap();
    assert_eq!(back, check);

    let catalog = load(&rule("r", "blue -> lease")).unwrap();
    let json = serde_json::to_string(&catalog).unwrap();
    assert_eq!(serde_json::from_str::<Catalog>(&json).unwrap(), catalog);
}

#[test]
fn engine_is_send() {
    fn send<T: Send>() {}
    send::<Engine>();
}

#[test]
fn large_groups_use_the_counter_encoding() {
    let options = |prefix: &str, n: usize| {
        (0..n)
            .map(|i| format!("{{ id = \"{prefix}{i}\", name = {{ zh = \"x\", en = \"x\" }} }}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let extra = format!(
        r#"
[[groups]]
id = "big"
name = {{ zh = "x", en = "x" }}
cardinality = "exactly-one"
display = "list"
default = "b4"
options = [{}]

[[groups]]
id = "few"
name = {{ zh = "x", en = "x" }}
cardinality = "at-most-one"
display = "list"
options = [{}]
"#,
        options("b", 9),
        options("f", 8)
    );
    let mut engine = Engine::new(load(&extra).unwrap()).unwrap();
    let check = engine.check(&[]);
    assert!(check
        .options
        .iter()
        .all(|o| o.state == OptionState::Selectable));
    assert_eq!(check.open_groups, ["mode", "paint", "big"]);

    let check = engine.check(&[Choice::Select("b7".into()), Choice::Select("f2".into())]);
    assert!(check.valid);
    for i in (0..9).filter(|&i| i != 7) {
        let status = check.status(&format!("b{i}")).unwrap();
        assert_eq!(status.state, OptionState::Excluded);
        assert_eq!(
            status.reasons,
            [
                Reason::Chosen {
                    option: "b7".into(),
                    selected: true
                },
                Reason::Group {
                    group: "big".into()
                }
            ]
        );
    }
    assert_eq!(check.state("f7"), Some(OptionState::Excluded));

    let deselected: Vec<Choice> = (0..8).map(|i| Choice::Deselect(format!("b{i}"))).collect();
    let check = engine.check(&deselected);
    assert_eq!(check.state("b8"), Some(OptionState::Forced));
    assert_eq!(check.status("b8").unwrap().reasons.len(), 9);

    let check = engine.check(&[Choice::Select("f1".into()), Choice::Select("f6".into())]);
    assert!(!check.valid);
    assert_eq!(
        check.conflict.last(),
        Some(&Reason::Group {
            group: "few".into()
        })
    );

    let completed = engine.complete(&[]);
    assert!(completed.contains(&Choice::Select("b4".into())));
    assert!(!completed.iter().any(|c| c.option().starts_with('f')));
}
