//! The parsed form of a rule.

use std::fmt;

/// A boolean expression over option ids, as produced by [`crate::parse_rule`].
///
/// `Display` writes it back in the rule syntax with as few parentheses as the precedence
/// needs, so that parsing the text gives the same expression again.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Expr {
    /// `true` or `false`.
    Const(bool),
    /// An option id: true when the option is on.
    Var(String),
    /// `!e`.
    Not(Box<Expr>),
    /// `a & b & ...`; the empty conjunction is true.
    And(Vec<Expr>),
    /// `a | b | ...`; the empty disjunction is false.
    Or(Vec<Expr>),
    /// `a -> b` (also written `a requires b`).
    Implies(Box<Expr>, Box<Expr>),
    /// `a <-> b`.
    Iff(Box<Expr>, Box<Expr>),
}

impl Expr {
    /// The value of the expression when `is_on` tells which options are on.
    pub fn eval<F: Fn(&str) -> bool>(&self, is_on: &F) -> bool {
        match self {
            Expr::Const(value) => *value,
            Expr::Var(id) => is_on(id),
            Expr::Not(e) => !e.eval(is_on),
            Expr::And(es) => es.iter().all(|e| e.eval(is_on)),
            Expr::Or(es) => es.iter().any(|e| e.eval(is_on)),
            Expr::Implies(a, b) => !a.eval(is_on) || b.eval(is_on),
            Expr::Iff(a, b) => a.eval(is_on) == b.eval(is_on),
        }
    }

    /// The option ids the expression mentions, in order of first occurrence, without repeats.
    pub fn options(&self) -> Vec<&str> {
        let mut ids = Vec::new();
        self.collect_options(&mut ids);
        ids
    }

    fn collect_options<'a>(&'a self, ids: &mut Vec<&'a str>) {
        match self {
            Expr::Const(_) => {}
            Expr::Var(id) => {
                if !ids.contains(&id.as_str()) {
                    ids.push(id);
                }
            }
            Expr::Not(e) => e.collect_options(ids),
            Expr::And(es) | Expr::Or(es) => es.iter().for_each(|e| e.collect_options(ids)),
            Expr::Implies(a, b) | Expr::Iff(a, b) => {
                a.collect_options(ids);
                b.collect_options(ids);
            }
        }
    }

    /// Binding strength when written out: higher binds tighter.
    fn precedence(&self) -> u8 {
        match self {
            Expr::Iff(..) => 1,
            Expr::Implies(..) => 2,
            Expr::Or(es) if es.len() >= 2 => 3,
            Expr::And(es) if es.len() >= 2 => 4,
            Expr::And(es) | Expr::Or(es) => es.first().map_or(ATOM, Expr::precedence),
            Expr::Not(_) => 5,
            Expr::Const(_) | Expr::Var(_) => ATOM,
        }
    }
}

const ATOM: u8 = 6;

/// Writes `e`, in parentheses when it binds less tightly than `min`.
fn write_operand(f: &mut fmt::Formatter<'_>, e: &Expr, min: u8) -> fmt::Result {
    if e.precedence() < min {
        write!(f, "({e})")
    } else {
        write!(f, "{e}")
    }
}

fn write_list(f: &mut fmt::Formatter<'_>, es: &[Expr], op: &str, min: u8) -> fmt::Result {
    for (i, e) in es.iter().enumerate() {
        if i > 0 {
            f.write_str(op)?;
        }
        write_operand(f, e, min)?;
    }
    Ok(())
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Const(value) => write!(f, "{value}"),
            Expr::Var(id) => f.write_str(id),
            Expr::Not(e) => {
                f.write_str("!")?;
                write_operand(f, e, 5)
            }
            Expr::And(es) if es.is_empty() => f.write_str("true"),
            Expr::Or(es) if es.is_empty() => f.write_str("false"),
            Expr::And(es) | Expr::Or(es) if es.len() == 1 => write!(f, "{}", es[0]),
            // A nested `&` inside `&` keeps its parentheses so that it re-parses as written.
            Expr::And(es) => write_list(f, es, " & ", 5),
            Expr::Or(es) => write_list(f, es, " | ", 4),
            // `->` is right-associative, `<->` left-associative.
            Expr::Implies(a, b) => {
                write_operand(f, a, 3)?;
                f.write_str(" -> ")?;
                write_operand(f, b, 2)
            }
            Expr::Iff(a, b) => {
                write_operand(f, a, 1)?;
                f.write_str(" <-> ")?;
                write_operand(f, b, 2)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Expr;

    fn var(id: &str) -> Expr {
        Expr::Var(id.into())
    }

    #[test]
    fn display_uses_precedence() {
        let e = Expr::Implies(
            Box::new(Expr::And(vec![
                var("a"),
                Expr::Or(vec![var("b"), var("c")]),
            ])),
            Box::new(Expr::Not(Box::new(var("d")))),
        );
        assert_eq!(e.to_string(), "a & (b | c) -> !d");
        let nested = Expr::Implies(
            Box::new(Expr::Implies(Box::new(var("a")), Box::new(var("b")))),
            Box::new(var("c")),
        );
        assert_eq!(nested.to_string(), "(a -> b) -> c");
        assert_eq!(Expr::And(vec![]).to_string(), "true");
        assert_eq!(Expr::Or(vec![var("x")]).to_string(), "x");
    }

    #[test]
    fn eval_and_options() {
        let e = Expr::Iff(
            Box::new(var("a")),
            Box::new(Expr::Or(vec![var("b"), var("a")])),
        );
        assert_eq!(e.options(), ["a", "b"]);
        assert!(e.eval(&|id| id == "a"));
        assert!(!e.eval(&|id| id == "b"));
    }
}
