//! UVL (Universal Variability Language) at the Boolean level: a feature tree with
//! `mandatory`, `optional`, `or`, `alternative` and `[n..m]` groups, and cross-tree
//! constraints with `!`, `&`, `|`, `=>`, `<=>` and parentheses. Attributes (`{...}`) are
//! skipped with a warning; `namespace` and `include` are accepted, `imports` are not.

use std::collections::HashMap;

use configurator::sat::{Encoder, Formula, Lit};

use crate::{FeatureModel, ModelError};

/// A parsed UVL model and the warnings about what was skipped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Uvl {
    /// The model as clauses: features first (declaration order), then auxiliary variables.
    pub model: FeatureModel,
    /// What the Boolean level ignores (attributes, typed features), one line each.
    pub warnings: Vec<String>,
}

/// Parses UVL text.
pub fn parse_uvl(text: &str) -> Result<Uvl, ModelError> {
    let lines = lines(text)?;
    let mut p = Parser {
        lines,
        i: 0,
        names: Vec::new(),
        ids: HashMap::new(),
        parents: Vec::new(),
        optional: Vec::new(),
        groups: Vec::new(),
        constraints: Vec::new(),
        attributes: 0,
        warnings: Vec::new(),
    };
    p.parse()?;
    Ok(p.finish())
}

/// One non-blank line without its comment: indentation width and tokens.
struct Line {
    no: usize,
    indent: usize,
    tokens: Vec<Token>,
    /// Column after the last character.
    end: usize,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Tok {
    Name(String),
    Number(u64),
    Sym(&'static str),
    /// A `{...}` attribute block, skipped.
    Attributes,
}

#[derive(Clone, Debug)]
struct Token {
    tok: Tok,
    col: usize,
}

fn describe(t: Option<&Token>) -> String {
    match t.map(|t| &t.tok) {
        None => "the end of the line".into(),
        Some(Tok::Name(n)) => format!("`{n}`"),
        Some(Tok::Number(n)) => format!("`{n}`"),
        Some(Tok::Sym(s)) => format!("`{s}`"),
        Some(Tok::Attributes) => "an attribute block".into(),
    }
}

const SYMBOLS: [&str; 12] = [
    "<=>", "=>", "..", "&", "|", "!", "(", ")", "[", "]", ",", "*",
];

fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '.' || c == '-' || c == '\''
}

/// Splits the text into lines of tokens. Attribute blocks may span lines.
fn lines(text: &str) -> Result<Vec<Line>, ModelError> {
    let mut out: Vec<Line> = Vec::new();
    let chars_by_line: Vec<Vec<char>> = text.lines().map(|l| l.chars().collect()).collect();
    let mut l = 0;
    while l < chars_by_line.len() {
        let chars = &chars_by_line[l];
        let no = l + 1;
        let mut indent = 0;
        let mut c = 0;
        while c < chars.len() && (chars[c] == ' ' || chars[c] == '\t') {
            indent += if chars[c] == '\t' { 4 } else { 1 };
            c += 1;
        }
        let mut tokens = Vec::new();
        let mut line_idx = l;
        loop {
            let chars = &chars_by_line[line_idx];
            if c >= chars.len() {
                break;
            }
            let ch = chars[c];
            let col = c + 1;
            if ch.is_whitespace() {
                c += 1;
            } else if ch == '/' && chars.get(c + 1) == Some(&'/') {
                break;
            } else if ch == '"' {
                let mut name = String::new();
                c += 1;
                loop {
                    match chars.get(c) {
                        None => {
                            return Err(ModelError::new(
                                line_idx + 1,
                                chars.len() + 1,
                                "a closing `\"`",
                                "the end of the line",
                            ))
                        }
                        Some('"') => break,
                        Some(&x) => name.push(x),
                    }
                    c += 1;
                }
                c += 1;
                tokens.push(Token {
                    tok: Tok::Name(name),
                    col,
                });
            } else if ch == '{' {
                // Skip to the matching `}`, across lines and strings.
                let (start_line, start_col) = (line_idx + 1, col);
                let mut depth = 0usize;
                let mut in_string = false;
                loop {
                    let chars = &chars_by_line[line_idx];
                    if c >= chars.len() {
                        line_idx += 1;
                        c = 0;
                        if line_idx >= chars_by_line.len() {
                            return Err(ModelError::new(
                                start_line,
                                start_col,
                                "a `}` closing this attribute block",
                                "the end of the input",
                            ));
                        }
                        continue;
                    }
                    match chars[c] {
                        '"' => in_string = !in_string,
                        '{' if !in_string => depth += 1,
                        '}' if !in_string => {
                            depth -= 1;
                            if depth == 0 {
                                c += 1;
                                break;
                            }
                        }
                        _ => {}
                    }
                    c += 1;
                }
                tokens.push(Token {
                    tok: Tok::Attributes,
                    col,
                });
            } else if ch.is_ascii_digit() {
                let start = c;
                while c < chars.len() && chars[c].is_ascii_digit() {
                    c += 1;
                }
                if c < chars.len() && is_name_char(chars[c]) && chars[c] != '.' {
                    // A name starting with a digit.
                    while c < chars.len() && is_name_char(chars[c]) {
                        c += 1;
                    }
                    tokens.push(Token {
                        tok: Tok::Name(chars[start..c].iter().collect()),
                        col,
                    });
                } else {
                    let s: String = chars[start..c].iter().collect();
                    let n = s
                        .parse()
                        .map_err(|_| ModelError::new(no, col, "a number", &format!("`{s}`")))?;
                    tokens.push(Token {
                        tok: Tok::Number(n),
                        col,
                    });
                }
            } else if is_name_char(ch) && ch != '.' {
                let start = c;
                while c < chars.len() && is_name_char(chars[c]) {
                    // `..` ends a name (as in `[1..2]` never needs it, but be safe).
                    if chars[c] == '.' && chars.get(c + 1) == Some(&'.') {
                        break;
                    }
                    c += 1;
                }
                tokens.push(Token {
                    tok: Tok::Name(chars[start..c].iter().collect()),
                    col,
                });
            } else {
                let rest: String = chars[c..chars.len().min(c + 3)].iter().collect();
                let Some(sym) = SYMBOLS.iter().find(|s| rest.starts_with(**s)) else {
                    return Err(ModelError::new(
                        line_idx + 1,
                        col,
                        "a name, a number or one of ! & | => <=> ( ) [ ] .. { }",
                        &format!("`{ch}`"),
                    ));
                };
                c += sym.chars().count();
                tokens.push(Token {
                    tok: Tok::Sym(sym),
                    col,
                });
            }
        }
        if !tokens.is_empty() {
            out.push(Line {
                no,
                indent,
                tokens,
                end: chars_by_line[line_idx].len() + 1,
            });
        }
        l = line_idx + 1;
    }
    Ok(out)
}

enum GroupKind {
    Mandatory,
    Optional,
    Or,
    Alternative,
    Cardinality(u64, Option<u64>),
}

struct Parser {
    lines: Vec<Line>,
    i: usize,
    names: Vec<String>,
    ids: HashMap<String, usize>,
    parents: Vec<Option<usize>>,
    optional: Vec<bool>,
    /// (parent, kind, children)
    groups: Vec<(usize, GroupKind, Vec<usize>)>,
    constraints: Vec<Formula>,
    attributes: usize,
    warnings: Vec<String>,
}

impl Parser {
    fn parse(&mut self) -> Result<(), ModelError> {
        let mut seen_features = false;
        while self.i < self.lines.len() {
            let line = &self.lines[self.i];
            let (no, col) = (line.no, line.tokens[0].col);
            let word = match &line.tokens[0].tok {
                Tok::Name(n) => n.clone(),
                _ => String::new(),
            };
            match word.as_str() {
                "namespace" if !seen_features => {
                    if line.tokens.len() != 2 || !matches!(line.tokens[1].tok, Tok::Name(_)) {
                        return Err(ModelError::new(
                            no,
                            line.tokens.get(1).map_or(line.end, |t| t.col),
                            "a namespace name",
                            &describe(line.tokens.get(1)),
                        ));
                    }
                    self.i += 1;
                }
                "include" if !seen_features => {
                    // Language levels: the Boolean level is all we use.
                    self.i += 1;
                    self.skip_block(line_indent(&self.lines, self.i - 1));
                }
                "features" if !seen_features => {
                    seen_features = true;
                    let indent = self.lines[self.i].indent;
                    self.expect_end(1, "the end of the line after `features`")?;
                    self.i += 1;
                    if self.i >= self.lines.len() || self.lines[self.i].indent <= indent {
                        let (no, col) = self.here();
                        return Err(ModelError::new(
                            no,
                            col,
                            "the root feature, indented",
                            "nothing",
                        ));
                    }
                    self.feature(None, false)?;
                    if self.i < self.lines.len() && self.lines[self.i].indent > indent {
                        let (no, col) = self.here();
                        return Err(ModelError::new(
                            no,
                            col,
                            "`constraints` or the end of the input (one root feature)",
                            &describe(self.lines[self.i].tokens.first()),
                        ));
                    }
                }
                "constraints" if seen_features => {
                    let indent = self.lines[self.i].indent;
                    self.expect_end(1, "the end of the line after `constraints`")?;
                    self.i += 1;
                    while self.i < self.lines.len() && self.lines[self.i].indent > indent {
                        let line = &self.lines[self.i];
                        let mut e = Expr {
                            tokens: &line.tokens,
                            pos: 0,
                            line: line.no,
                            end: line.end,
                            ids: &self.ids,
                        };
                        let f = e.iff()?;
                        if e.pos < line.tokens.len() {
                            let t = &line.tokens[e.pos];
                            return Err(ModelError::new(
                                line.no,
                                t.col,
                                "an operator (& | => <=>) or the end of the constraint",
                                &describe(Some(t)),
                            ));
                        }
                        self.constraints.push(f);
                        self.i += 1;
                    }
                }
                "imports" => {
                    return Err(ModelError::new(
                        no,
                        col,
                        "`namespace`, `include` or `features` (imports are not supported)",
                        "`imports`",
                    ));
                }
                _ => {
                    let expected = if seen_features {
                        "`constraints` or the end of the input"
                    } else {
                        "`namespace`, `include` or `features`"
                    };
                    return Err(ModelError::new(
                        no,
                        col,
                        expected,
                        &describe(line.tokens.first()),
                    ));
                }
            }
        }
        if !seen_features {
            return Err(ModelError::new(
                self.lines.last().map_or(1, |l| l.no),
                1,
                "`features`",
                "the end of the input",
            ));
        }
        Ok(())
    }

    fn here(&self) -> (usize, usize) {
        match self.lines.get(self.i) {
            Some(l) => (l.no, l.tokens[0].col),
            None => (self.lines.last().map_or(1, |l| l.no + 1), 1),
        }
    }

    fn expect_end(&self, from: usize, expected: &str) -> Result<(), ModelError> {
        let line = &self.lines[self.i];
        match line.tokens.get(from) {
            None => Ok(()),
            Some(t) => Err(ModelError::new(
                line.no,
                t.col,
                expected,
                &describe(Some(t)),
            )),
        }
    }

    fn skip_block(&mut self, indent: usize) {
        while self.i < self.lines.len() && self.lines[self.i].indent > indent {
            self.i += 1;
        }
    }

    /// A feature line and its groups.
    fn feature(&mut self, parent: Option<usize>, optional: bool) -> Result<usize, ModelError> {
        let line = &self.lines[self.i];
        let (no, indent, end) = (line.no, line.indent, line.end);
        let tokens = line.tokens.clone();
        let mut k = 0;
        // An optional type: `Boolean Name`, `Integer Name`, ...
        if let (Some(Tok::Name(t)), Some(Tok::Name(_))) = (
            tokens.first().map(|t| &t.tok),
            tokens.get(1).map(|t| &t.tok),
        ) {
            if ["Boolean", "Integer", "Real", "String"].contains(&t.as_str()) {
                if t != "Boolean" {
                    self.warnings
                        .push(format!("line {no}: {t} feature treated as Boolean"));
                }
                k = 1;
            }
        }
        let name = match tokens.get(k).map(|t| &t.tok) {
            Some(Tok::Name(n)) if !is_keyword(n) => n.clone(),
            _ => {
                return Err(ModelError::new(
                    no,
                    tokens.get(k).map_or(end, |t| t.col),
                    "a feature name",
                    &describe(tokens.get(k)),
                ))
            }
        };
        k += 1;
        if let Some(Tok::Name(c)) = tokens.get(k).map(|t| &t.tok) {
            if c == "cardinality" {
                // A feature cardinality `cardinality [n..m]` (clones): not Boolean; skipped.
                self.warnings.push(format!(
                    "line {no}: feature cardinality of `{name}` skipped"
                ));
                k += 1;
                while k < tokens.len() && tokens[k].tok != Tok::Sym("]") {
                    k += 1;
                }
                k += 1;
            }
        }
        if let Some(Tok::Attributes) = tokens.get(k).map(|t| &t.tok) {
            self.attributes += 1;
            k += 1;
        }
        if let Some(t) = tokens.get(k) {
            return Err(ModelError::new(
                no,
                t.col,
                "an attribute block `{...}` or the end of the line",
                &describe(Some(t)),
            ));
        }
        if self.ids.contains_key(&name) {
            return Err(ModelError::new(
                no,
                tokens[0].col,
                "a feature name not declared before",
                &format!("`{name}` again"),
            ));
        }
        let f = self.names.len();
        self.ids.insert(name.clone(), f);
        self.names.push(name);
        self.parents.push(parent);
        self.optional.push(optional);
        self.i += 1;
        while self.i < self.lines.len() && self.lines[self.i].indent > indent {
            self.group(f)?;
        }
        Ok(f)
    }

    /// A group line and its features.
    fn group(&mut self, parent: usize) -> Result<(), ModelError> {
        let line = &self.lines[self.i];
        let (no, indent, end) = (line.no, line.indent, line.end);
        let tokens = line.tokens.clone();
        let expected = "a group: mandatory, optional, or, alternative or [n..m]";
        let mut k = 1;
        let kind = match &tokens[0].tok {
            Tok::Name(n) if n == "mandatory" => GroupKind::Mandatory,
            Tok::Name(n) if n == "optional" => GroupKind::Optional,
            Tok::Name(n) if n == "or" => GroupKind::Or,
            Tok::Name(n) if n == "alternative" => GroupKind::Alternative,
            Tok::Name(n) if n == "cardinality" => {
                let (min, max, next) = cardinality(&tokens, 1, no, end)?;
                k = next;
                GroupKind::Cardinality(min, max)
            }
            Tok::Sym("[") => {
                let (min, max, next) = cardinality(&tokens, 0, no, end)?;
                k = next;
                GroupKind::Cardinality(min, max)
            }
            _ => {
                return Err(ModelError::new(
                    no,
                    tokens[0].col,
                    expected,
                    &describe(tokens.first()),
                ))
            }
        };
        if let Some(t) = tokens.get(k) {
            return Err(ModelError::new(
                no,
                t.col,
                "the end of the line after the group",
                &describe(Some(t)),
            ));
        }
        self.i += 1;
        let mut children = Vec::new();
        let optional = matches!(kind, GroupKind::Optional);
        while self.i < self.lines.len() && self.lines[self.i].indent > indent {
            children.push(self.feature(Some(parent), optional)?);
        }
        self.groups.push((parent, kind, children));
        Ok(())
    }

    fn finish(self) -> Uvl {
        let n = self.names.len();
        let mut enc = Encoder::new(n as u32);
        let pos = |i: usize| Lit::new(i as u32, true);
        if n > 0 {
            enc.push(vec![pos(0)]);
        }
        for (f, p) in self.parents.iter().enumerate() {
            if let Some(p) = p {
                enc.push(vec![!pos(f), pos(*p)]);
            }
        }
        for (p, kind, children) in &self.groups {
            let p = pos(*p);
            let cs: Vec<Lit> = children.iter().map(|&c| pos(c)).collect();
            let k = cs.len() as u64;
            let (min, max) = match kind {
                GroupKind::Mandatory => {
                    for &c in &cs {
                        enc.push(vec![!p, c]);
                    }
                    continue;
                }
                GroupKind::Optional => continue,
                GroupKind::Or => (1, k),
                GroupKind::Alternative => (1, 1),
                GroupKind::Cardinality(min, max) => (*min, max.unwrap_or(k).min(k)),
            };
            if min > max {
                enc.push(vec![!p]);
                continue;
            }
            if min == 1 {
                let mut c = vec![!p];
                c.extend(&cs);
                enc.push(c);
            }
            if max == 1 {
                for (i, &a) in cs.iter().enumerate() {
                    for &b in &cs[i + 1..] {
                        enc.push(vec![!a, !b]);
                    }
                }
            }
            if min <= 1 && (max == 1 || max >= k) {
                continue;
            }
            // General bounds: r[j] is "at least j of the children so far", each defined by an
            // equivalence so the auxiliary variables stay functions of the features.
            let top = (max + 1).min(k) as usize;
            let mut r: Vec<Formula> = vec![Formula::Const(true)];
            r.extend((0..top).map(|_| Formula::Const(false)));
            for &c in &cs {
                let c = Formula::Var(c.var() as usize);
                let mut next = vec![Formula::Const(true)];
                for j in 1..=top {
                    let f = Formula::Or(vec![
                        r[j].clone(),
                        Formula::And(vec![r[j - 1].clone(), c.clone()]),
                    ]);
                    let l = enc.define(&f);
                    next.push(lit_formula(l));
                }
                r = next;
            }
            let p = Formula::Var(p.var() as usize);
            if min >= 1 {
                enc.add(&Formula::Implies(
                    Box::new(p.clone()),
                    Box::new(r[min as usize].clone()),
                ));
            }
            if max < k {
                enc.add(&Formula::Implies(
                    Box::new(p),
                    Box::new(Formula::Not(Box::new(r[max as usize + 1].clone()))),
                ));
            }
        }
        // Each constraint under an activation literal of its own, asserted by a unit clause, so
        // that analyses can tell constraints apart (`FeatureModel::constraints`).
        let mut constraints = Vec::with_capacity(self.constraints.len());
        for f in &self.constraints {
            let act = enc.fresh_var();
            enc.add_guarded(act, f);
            enc.push(vec![act]);
            constraints.push(act);
        }
        let cnf = enc.into_cnf();
        let mut warnings = self.warnings;
        if self.attributes > 0 {
            warnings.insert(
                0,
                format!(
                    "attributes of {} features skipped (Boolean level)",
                    self.attributes
                ),
            );
        }
        Uvl {
            model: FeatureModel {
                names: self.names,
                vars: cnf.vars,
                clauses: cnf.clauses.iter().map(|c| crate::to_dimacs(c)).collect(),
                parents: self.parents,
                optional: self.optional,
                aux_determined: true,
                constraints: crate::to_dimacs(&constraints),
            },
            warnings,
        }
    }
}

fn lit_formula(l: Lit) -> Formula {
    let v = Formula::Var(l.var() as usize);
    if l.is_positive() {
        v
    } else {
        Formula::Not(Box::new(v))
    }
}

fn line_indent(lines: &[Line], i: usize) -> usize {
    lines[i].indent
}

fn is_keyword(n: &str) -> bool {
    matches!(
        n,
        "mandatory"
            | "optional"
            | "or"
            | "alternative"
            | "features"
            | "constraints"
            | "namespace"
            | "imports"
            | "include"
    )
}

/// `[n]`, `[n..m]` or `[n..*]` from `tokens[k]`; returns (min, max, next index).
fn cardinality(
    tokens: &[Token],
    k: usize,
    no: usize,
    end: usize,
) -> Result<(u64, Option<u64>, usize), ModelError> {
    let at = |i: usize| tokens.get(i).map_or(end, |t| t.col);
    let tok = |i: usize| tokens.get(i).map(|t| &t.tok);
    if tok(k) != Some(&Tok::Sym("[")) {
        return Err(ModelError::new(no, at(k), "`[`", &describe(tokens.get(k))));
    }
    let Some(Tok::Number(min)) = tok(k + 1) else {
        return Err(ModelError::new(
            no,
            at(k + 1),
            "a number",
            &describe(tokens.get(k + 1)),
        ));
    };
    match tok(k + 2) {
        Some(Tok::Sym("]")) => Ok((*min, Some(*min), k + 3)),
        Some(Tok::Sym("..")) => {
            let max = match tok(k + 3) {
                Some(Tok::Number(m)) => Some(*m),
                Some(Tok::Sym("*")) => None,
                _ => {
                    return Err(ModelError::new(
                        no,
                        at(k + 3),
                        "a number or `*`",
                        &describe(tokens.get(k + 3)),
                    ))
                }
            };
            if tok(k + 4) != Some(&Tok::Sym("]")) {
                return Err(ModelError::new(
                    no,
                    at(k + 4),
                    "`]`",
                    &describe(tokens.get(k + 4)),
                ));
            }
            Ok((*min, max, k + 5))
        }
        _ => Err(ModelError::new(
            no,
            at(k + 2),
            "`..` or `]`",
            &describe(tokens.get(k + 2)),
        )),
    }
}

/// A constraint expression; precedence from loosest: `<=>`, `=>`, `|`, `&`, `!`.
struct Expr<'a> {
    tokens: &'a [Token],
    pos: usize,
    line: usize,
    end: usize,
    ids: &'a HashMap<String, usize>,
}

impl Expr<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.tokens.get(self.pos).map(|t| &t.tok)
    }

    fn error(&self, expected: &str) -> ModelError {
        ModelError::new(
            self.line,
            self.tokens.get(self.pos).map_or(self.end, |t| t.col),
            expected,
            &describe(self.tokens.get(self.pos)),
        )
    }

    fn iff(&mut self) -> Result<Formula, ModelError> {
        let mut f = self.implies()?;
        while self.peek() == Some(&Tok::Sym("<=>")) {
            self.pos += 1;
            let g = self.implies()?;
            f = Formula::Iff(Box::new(f), Box::new(g));
        }
        Ok(f)
    }

    fn implies(&mut self) -> Result<Formula, ModelError> {
        let mut f = self.or()?;
        while self.peek() == Some(&Tok::Sym("=>")) {
            self.pos += 1;
            let g = self.or()?;
            f = Formula::Implies(Box::new(f), Box::new(g));
        }
        Ok(f)
    }

    fn or(&mut self) -> Result<Formula, ModelError> {
        self.chain("|", Self::and, Formula::Or)
    }

    fn and(&mut self) -> Result<Formula, ModelError> {
        self.chain("&", Self::not, Formula::And)
    }

    /// `operand (op operand)*`, as one n-ary node (or the operand alone).
    fn chain(
        &mut self,
        op: &'static str,
        operand: fn(&mut Self) -> Result<Formula, ModelError>,
        node: fn(Vec<Formula>) -> Formula,
    ) -> Result<Formula, ModelError> {
        let mut fs = vec![operand(self)?];
        while self.peek() == Some(&Tok::Sym(op)) {
            self.pos += 1;
            fs.push(operand(self)?);
        }
        Ok(match fs.len() {
            1 => fs.remove(0),
            _ => node(fs),
        })
    }

    fn not(&mut self) -> Result<Formula, ModelError> {
        match self.peek() {
            Some(Tok::Sym("!")) => {
                self.pos += 1;
                Ok(Formula::Not(Box::new(self.not()?)))
            }
            Some(Tok::Sym("(")) => {
                self.pos += 1;
                let f = self.iff()?;
                if self.peek() != Some(&Tok::Sym(")")) {
                    return Err(self.error("`)` or an operator (& | => <=>)"));
                }
                self.pos += 1;
                Ok(f)
            }
            Some(Tok::Name(n)) => match self.ids.get(n) {
                Some(&i) => {
                    self.pos += 1;
                    Ok(Formula::Var(i))
                }
                None => Err(self.error("a declared feature")),
            },
            _ => Err(self.error("a feature, `!` or `(`")),
        }
    }
}
