//! The rule syntax: printing re-parses to the same expression, and no text makes the parser
//! panic.

use configurator::{parse_rule, Expr};
use proptest::prelude::*;

/// Expressions of the shape the parser produces (`&` and `|` with at least two operands).
fn expr() -> impl Strategy<Value = Expr> {
    let leaf = prop_oneof![
        6 => "[a-z][a-z0-9_]{0,6}"
            .prop_filter("keyword", |id| !["true", "false", "requires", "excludes"].contains(&id.as_str()))
            .prop_map(Expr::Var),
        1 => any::<bool>().prop_map(Expr::Const),
    ];
    leaf.prop_recursive(5, 40, 4, |inner| {
        prop_oneof![
            inner.clone().prop_map(|e| Expr::Not(Box::new(e))),
            prop::collection::vec(inner.clone(), 2..5).prop_map(Expr::And),
            prop::collection::vec(inner.clone(), 2..5).prop_map(Expr::Or),
            (inner.clone(), inner.clone())
                .prop_map(|(a, b)| Expr::Implies(Box::new(a), Box::new(b))),
            (inner.clone(), inner).prop_map(|(a, b)| Expr::Iff(Box::new(a), Box::new(b))),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn display_round_trips(e in expr()) {
        let text = e.to_string();
        prop_assert_eq!(parse_rule(&text), Ok(e), "{}", text);
    }

    #[test]
    fn any_text_parses_or_fails_cleanly(text in r"[a-z_ ()!&|<>\-éA-Z0-9]{0,40}") {
        match parse_rule(&text) {
            Ok(e) => prop_assert_eq!(parse_rule(&e.to_string()), Ok(e)),
            Err(error) => {
                prop_assert!(error.column >= 1 && error.column <= text.chars().count() + 1);
                prop_assert!(!error.expected.is_empty() && !error.found.is_empty());
            }
        }
    }

    #[test]
    fn rule_words_mean_their_operators(a in "[a-z]{1,3}", b in "[a-z]{1,3}") {
        prop_assume!(![&a, &b].iter().any(|id| ["true", "false"].contains(&id.as_str())));
        let va = Expr::Var(a.clone());
        let vb = Expr::Var(b.clone());
        prop_assert_eq!(
            parse_rule(&format!("{a} requires {b}")),
            Ok(Expr::Implies(Box::new(va.clone()), Box::new(vb.clone())))
        );
        prop_assert_eq!(
            parse_rule(&format!("{a} excludes {b}")),
            Ok(Expr::Not(Box::new(Expr::And(vec![va, vb]))))
        );
    }
}
