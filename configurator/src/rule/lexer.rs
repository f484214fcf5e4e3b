//! Splits a rule into tokens. Never fails: text it does not know becomes [`Kind::Unknown`],
//! which the parser reports together with what it expected there.

/// What a token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind<'a> {
    Id(&'a str),
    True,
    False,
    Not,
    And,
    Or,
    Implies,
    Iff,
    Requires,
    Excludes,
    Open,
    Close,
    End,
    Unknown(&'a str),
}

impl Kind<'_> {
    /// How an error message shows the token.
    pub(crate) fn describe(self) -> String {
        let text = match self {
            Kind::Id(text) | Kind::Unknown(text) => text,
            Kind::True => "true",
            Kind::False => "false",
            Kind::Not => "!",
            Kind::And => "&",
            Kind::Or => "|",
            Kind::Implies => "->",
            Kind::Iff => "<->",
            Kind::Requires => "requires",
            Kind::Excludes => "excludes",
            Kind::Open => "(",
            Kind::Close => ")",
            Kind::End => return "the end of the rule".to_owned(),
        };
        format!("`{text}`")
    }
}

/// A token and the 1-based column (in characters) where it starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Token<'a> {
    pub(crate) kind: Kind<'a>,
    pub(crate) column: usize,
}

/// The tokens of `text`, ending with [`Kind::End`].
pub(crate) fn tokenize(text: &str) -> Vec<Token<'_>> {
    let mut tokens = Vec::new();
    let mut chars = text.char_indices().peekable();
    let mut column = 0;
    while let Some((start, c)) = chars.next() {
        column += 1;
        let token_column = column;
        let mut end = start + c.len_utf8();
        // Consumes the next character when it is `expected`.
        let mut eat = |expected: char, end: &mut usize, column: &mut usize| {
            if chars.peek().map(|&(_, next)| next) == Some(expected) {
                chars.next();
                *end += expected.len_utf8();
                *column += 1;
                true
            } else {
                false
            }
        };
        let kind = match c {
            c if c.is_whitespace() => continue,
            '!' => Kind::Not,
            '&' => Kind::And,
            '|' => Kind::Or,
            '(' => Kind::Open,
            ')' => Kind::Close,
            '-' if eat('>', &mut end, &mut column) => Kind::Implies,
            '<' if eat('-', &mut end, &mut column) && eat('>', &mut end, &mut column) => Kind::Iff,
            c if is_word_char(c) => {
                while let Some(&(i, next)) = chars.peek() {
                    if !is_word_char(next) {
                        break;
                    }
                    chars.next();
                    end = i + next.len_utf8();
                    column += 1;
                }
                word(&text[start..end])
            }
            _ => Kind::Unknown(&text[start..end]),
        };
        tokens.push(Token {
            kind,
            column: token_column,
        });
    }
    tokens.push(Token {
        kind: Kind::End,
        column: column + 1,
    });
    tokens
}

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

fn word(text: &str) -> Kind<'_> {
    match text {
        "true" => Kind::True,
        "false" => Kind::False,
        "requires" => Kind::Requires,
        "excludes" => Kind::Excludes,
        _ if super::is_option_id(text) => Kind::Id(text),
        _ => Kind::Unknown(text),
    }
}

#[cfg(test)]
mod tests {
    use super::{tokenize, Kind};

    fn kinds(text: &str) -> Vec<(Kind<'_>, usize)> {
        tokenize(text)
            .into_iter()
            .map(|t| (t.kind, t.column))
            .collect()
    }

    #[test]
    fn tokens_and_columns() {
        assert_eq!(
            kinds("a_1 -> !(b <-> c)"),
            [
                (Kind::Id("a_1"), 1),
                (Kind::Implies, 5),
                (Kind::Not, 8),
                (Kind::Open, 9),
                (Kind::Id("b"), 10),
                (Kind::Iff, 12),
                (Kind::Id("c"), 16),
                (Kind::Close, 17),
                (Kind::End, 18),
            ]
        );
    }

    #[test]
    fn unknown_text_and_wide_characters() {
        assert_eq!(
            kinds("漆 & Matte <- x"),
            [
                (Kind::Unknown("漆"), 1),
                (Kind::And, 3),
                (Kind::Unknown("Matte"), 5),
                (Kind::Unknown("<-"), 11),
                (Kind::Id("x"), 14),
                (Kind::End, 15),
            ]
        );
        assert_eq!(
            kinds("- >"),
            [
                (Kind::Unknown("-"), 1),
                (Kind::Unknown(">"), 3),
                (Kind::End, 4)
            ]
        );
    }
}
