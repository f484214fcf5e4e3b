//! Recursive-descent parser for the rule syntax.
//!
//! ```text
//! rule    := iff (("requires" | "excludes") iff)?
//! iff     := implies ("<->" implies)*          left-associative
//! implies := or ("->" or)*                      right-associative
//! or      := and ("|" and)*
//! and     := unary ("&" unary)*
//! unary   := "!" unary | atom
//! atom    := option_id | "true" | "false" | "(" rule ")"
//! ```

use std::fmt;

use super::expr::Expr;
use super::lexer::{tokenize, Kind, Token};

/// How deeply a rule may nest (parentheses, `!` and operators), so that no input can exhaust
/// the stack of the parser or of the code that walks the expression later.
pub(crate) const MAX_DEPTH: usize = 64;

const OPERAND: &str = "an option id, `!` or `(`";

/// Why a rule does not parse.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ParseError {
    /// 1-based column, in characters, of the offending token.
    pub column: usize,
    /// What the parser expected there.
    pub expected: String,
    /// What it found, e.g. `` `&` `` or `the end of the rule`.
    pub found: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "column {}: expected {}, found {}",
            self.column, self.expected, self.found
        )
    }
}

impl std::error::Error for ParseError {}

/// Parses a rule such as `pack_long & lease -> !tow_hitch`.
///
/// Option ids are `[a-z0-9_]+`; operators by decreasing precedence: `!`, `&`, `|`, `->`
/// (right-associative), `<->`, and the words `a requires b` (`a -> b`) and `a excludes b`
/// (`!(a & b)`). Parentheses group.
///
/// ```
/// use configurator::{parse_rule, Expr};
///
/// let rule = parse_rule("bike_carrier requires tow_hitch").unwrap();
/// assert_eq!(rule.to_string(), "bike_carrier -> tow_hitch");
///
/// let error = parse_rule("glass_roof & & x").unwrap_err();
/// assert_eq!(error.to_string(), "column 14: expected an option id, `!` or `(`, found `&`");
/// ```
pub fn parse_rule(text: &str) -> Result<Expr, ParseError> {
    let mut parser = Parser {
        tokens: tokenize(text),
        pos: 0,
        depth: 0,
    };
    let (expr, sugar) = parser.rule()?;
    let next = parser.peek();
    if next.kind == Kind::End {
        Ok(expr.expr)
    } else {
        Err(error(next, after_operand(sugar, "the end of the rule")))
    }
}

/// An expression and the height of its tree.
struct Node {
    expr: Expr,
    height: usize,
}

impl Node {
    fn leaf(expr: Expr) -> Node {
        Node { expr, height: 1 }
    }
}

struct Parser<'a> {
    tokens: Vec<Token<'a>>,
    pos: usize,
    /// Current nesting of parentheses and `!`.
    depth: usize,
}

fn error(token: Token<'_>, expected: impl Into<String>) -> ParseError {
    ParseError {
        column: token.column,
        expected: expected.into(),
        found: token.kind.describe(),
    }
}

/// What may follow a complete operand: an operator (unless the rule already used `requires` or
/// `excludes`, which take no further operators) or `closing`.
fn after_operand(sugar: bool, closing: &str) -> String {
    if sugar {
        closing.to_owned()
    } else {
        format!("an operator or {closing}")
    }
}

fn too_deep(token: Token<'_>) -> ParseError {
    error(
        token,
        format!("a rule nested at most {MAX_DEPTH} levels deep"),
    )
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Token<'a> {
        // The token list always ends with `End`, which is never consumed.
        self.tokens[self.pos.min(self.tokens.len() - 1)]
    }

    fn bump(&mut self) -> Token<'a> {
        let token = self.peek();
        if token.kind != Kind::End {
            self.pos += 1;
        }
        token
    }

    /// Builds an operator node, refusing trees deeper than [`MAX_DEPTH`].
    fn node(&self, op: Token<'_>, expr: Expr, children: &[usize]) -> Result<Node, ParseError> {
        let height = 1 + children.iter().copied().max().unwrap_or(0);
        if height > MAX_DEPTH {
            Err(too_deep(op))
        } else {
            Ok(Node { expr, height })
        }
    }

    /// `iff (("requires" | "excludes") iff)?`; also says whether a keyword was used.
    fn rule(&mut self) -> Result<(Node, bool), ParseError> {
        let left = self.iff()?;
        let op = self.peek();
        if !matches!(op.kind, Kind::Requires | Kind::Excludes) {
            return Ok((left, false));
        }
        self.bump();
        let right = self.iff()?;
        let heights = [left.height, right.height];
        let node = if op.kind == Kind::Requires {
            let expr = Expr::Implies(Box::new(left.expr), Box::new(right.expr));
            self.node(op, expr, &heights)?
        } else {
            let both = Expr::And(vec![left.expr, right.expr]);
            let inner = self.node(op, both, &heights)?;
            self.node(op, Expr::Not(Box::new(inner.expr)), &[inner.height])?
        };
        Ok((node, true))
    }

    fn iff(&mut self) -> Result<Node, ParseError> {
        let mut left = self.implies()?;
        while self.peek().kind == Kind::Iff {
            let op = self.bump();
            let right = self.implies()?;
            let expr = Expr::Iff(Box::new(left.expr), Box::new(right.expr));
            left = self.node(op, expr, &[left.height, right.height])?;
        }
        Ok(left)
    }

    /// Parsed iteratively (a long chain must not recurse), then folded from the right.
    fn implies(&mut self) -> Result<Node, ParseError> {
        let first = self.or()?;
        // Each later operand with the `->` before it.
        let mut rest = Vec::new();
        while self.peek().kind == Kind::Implies {
            let op = self.bump();
            rest.push((op, self.or()?));
        }
        let mut rest = rest.into_iter().rev();
        let Some((mut op, mut right)) = rest.next() else {
            return Ok(first);
        };
        for (previous_op, left) in rest {
            let expr = Expr::Implies(Box::new(left.expr), Box::new(right.expr));
            right = self.node(op, expr, &[left.height, right.height])?;
            op = previous_op;
        }
        let expr = Expr::Implies(Box::new(first.expr), Box::new(right.expr));
        self.node(op, expr, &[first.height, right.height])
    }

    fn or(&mut self) -> Result<Node, ParseError> {
        self.list(Kind::Or, Self::and, Expr::Or)
    }

    fn and(&mut self) -> Result<Node, ParseError> {
        self.list(Kind::And, Self::unary, Expr::And)
    }

    /// `operand (op operand)*` as one n-ary node.
    fn list(
        &mut self,
        op: Kind<'_>,
        operand: fn(&mut Self) -> Result<Node, ParseError>,
        build: fn(Vec<Expr>) -> Expr,
    ) -> Result<Node, ParseError> {
        let first = operand(self)?;
        if self.peek().kind != op {
            return Ok(first);
        }
        let op_token = self.peek();
        let mut heights = vec![first.height];
        let mut exprs = vec![first.expr];
        while self.peek().kind == op {
            self.bump();
            let next = operand(self)?;
            heights.push(next.height);
            exprs.push(next.expr);
        }
        self.node(op_token, build(exprs), &heights)
    }

    fn unary(&mut self) -> Result<Node, ParseError> {
        let token = self.peek();
        if token.kind != Kind::Not {
            return self.atom();
        }
        self.bump();
        self.enter(token)?;
        let operand = self.unary();
        self.depth -= 1;
        let operand = operand?;
        self.node(token, Expr::Not(Box::new(operand.expr)), &[operand.height])
    }

    fn atom(&mut self) -> Result<Node, ParseError> {
        let token = self.bump();
        match token.kind {
            Kind::Id(id) => Ok(Node::leaf(Expr::Var(id.to_owned()))),
            Kind::True => Ok(Node::leaf(Expr::Const(true))),
            Kind::False => Ok(Node::leaf(Expr::Const(false))),
            Kind::Open => {
                self.enter(token)?;
                let inner = self.rule();
                self.depth -= 1;
                let (inner, sugar) = inner?;
                let close = self.bump();
                if close.kind == Kind::Close {
                    Ok(inner)
                } else {
                    Err(error(close, after_operand(sugar, "`)`")))
                }
            }
            _ => Err(error(token, OPERAND)),
        }
    }

    fn enter(&mut self, token: Token<'_>) -> Result<(), ParseError> {
        if self.depth >= MAX_DEPTH {
            return Err(too_deep(token));
        }
        self.depth += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::{parse_rule, Expr, ParseError, MAX_DEPTH};

    fn var(id: &str) -> Expr {
        Expr::Var(id.into())
    }

    fn not(e: Expr) -> Expr {
        Expr::Not(Box::new(e))
    }

    fn implies(a: Expr, b: Expr) -> Expr {
        Expr::Implies(Box::new(a), Box::new(b))
    }

    fn err(text: &str) -> String {
        parse_rule(text).unwrap_err().to_string()
    }

    #[test]
    fn precedence() {
        assert_eq!(
            parse_rule("a | b & !c -> d <-> e").unwrap(),
            Expr::Iff(
                Box::new(implies(
                    Expr::Or(vec![var("a"), Expr::And(vec![var("b"), not(var("c"))])]),
                    var("d"),
                )),
                Box::new(var("e")),
            )
        );
    }

    #[test]
    fn implication_is_right_associative_and_iff_left() {
        assert_eq!(
            parse_rule("a -> b -> c").unwrap(),
            implies(var("a"), implies(var("b"), var("c")))
        );
        assert_eq!(
            parse_rule("a <-> b <-> c").unwrap(),
            Expr::Iff(
                Box::new(Expr::Iff(Box::new(var("a")), Box::new(var("b")))),
                Box::new(var("c"))
            )
        );
    }

    #[test]
    fn words() {
        assert_eq!(
            parse_rule("a & b requires c | d").unwrap(),
            implies(
                Expr::And(vec![var("a"), var("b")]),
                Expr::Or(vec![var("c"), var("d")])
            )
        );
        assert_eq!(
            parse_rule("roof_rack excludes glass_roof").unwrap(),
            not(Expr::And(vec![var("roof_rack"), var("glass_roof")]))
        );
        assert_eq!(
            parse_rule("(a requires b) & true").unwrap(),
            Expr::And(vec![implies(var("a"), var("b")), Expr::Const(true)])
        );
    }

    #[test]
    fn parentheses_keep_structure() {
        assert_eq!(
            parse_rule("(a & b) & c").unwrap(),
            Expr::And(vec![Expr::And(vec![var("a"), var("b")]), var("c")])
        );
        assert_eq!(parse_rule(" ((x)) ").unwrap(), var("x"));
    }

    #[test]
    fn errors_name_column_expected_and_found() {
        assert_eq!(
            parse_rule("lease & & x").unwrap_err(),
            ParseError {
                column: 9,
                expected: "an option id, `!` or `(`".into(),
                found: "`&`".into(),
            }
        );
        assert_eq!(
            err("a ->"),
            "column 5: expected an option id, `!` or `(`, found the end of the rule"
        );
        assert_eq!(
            err(""),
            "column 1: expected an option id, `!` or `(`, found the end of the rule"
        );
        assert_eq!(
            err("a b"),
            "column 3: expected an operator or the end of the rule, found `b`"
        );
        assert_eq!(
            err("(a | b"),
            "column 7: expected an operator or `)`, found the end of the rule"
        );
        assert_eq!(
            err("a requires b requires c"),
            "column 14: expected the end of the rule, found `requires`"
        );
        assert_eq!(
            err("a <- b"),
            "column 3: expected an operator or the end of the rule, found `<-`"
        );
        assert_eq!(
            err("Matte"),
            "column 1: expected an option id, `!` or `(`, found `Matte`"
        );
        assert_eq!(
            err("油漆 & a"),
            "column 1: expected an option id, `!` or `(`, found `油`"
        );
        assert_eq!(
            err("a & (b))"),
            "column 8: expected an operator or the end of the rule, found `)`"
        );
    }

    #[test]
    fn nesting_is_bounded() {
        let deep = format!(
            "{}a{}",
            "(".repeat(MAX_DEPTH + 1),
            ")".repeat(MAX_DEPTH + 1)
        );
        assert!(err(&deep).contains("nested at most"));
        let shallow = format!("{}a{}", "(".repeat(MAX_DEPTH), ")".repeat(MAX_DEPTH));
        assert_eq!(parse_rule(&shallow).unwrap(), var("a"));
        assert!(err(&"!".repeat(100_000)).contains("nested at most"));
        let chain = vec!["a"; 100_000].join(" -> ");
        assert!(err(&chain).contains("nested at most"));
        let iffs = vec!["a"; 100_000].join(" <-> ");
        assert!(err(&iffs).contains("nested at most"));
        let wide = vec!["a"; 100_000].join(" & ");
        assert!(parse_rule(&wide).is_ok());
    }
}
