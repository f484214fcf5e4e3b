//! Rules: their syntax ([`parse_rule`]), their parsed form ([`Expr`]) and the form the engine
//! compiles (option indices instead of ids).

mod expr;
mod formula;
mod lexer;
mod parser;

pub use expr::Expr;
pub use formula::Formula;
pub use parser::{parse_rule, ParseError};

/// The words of the rule syntax, which cannot be option ids.
pub(crate) const KEYWORDS: [&str; 4] = ["true", "false", "requires", "excludes"];

/// Whether `id` can be used as an option id in rules: `[a-z0-9_]+` and not a keyword.
pub(crate) fn is_option_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && !KEYWORDS.contains(&id)
}
