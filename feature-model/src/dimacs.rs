//! DIMACS CNF with feature names in comments: `c <n> <name>` names variable `n` (1-based).

use crate::{FeatureModel, ModelError};

/// The largest variable count accepted.
const MAX_VARS: u32 = 1 << 24;

/// Parses DIMACS CNF. Every variable is a feature; unnamed ones are called `x<n>`.
pub fn parse_dimacs(text: &str) -> Result<FeatureModel, ModelError> {
    let mut named: Vec<(usize, String)> = Vec::new();
    let mut header: Option<(u32, usize)> = None;
    let mut clauses = Vec::new();
    let mut clause = Vec::new();
    let mut clause_start = (0, 0);
    for (l, line) in text.lines().enumerate() {
        let line_no = l + 1;
        let mut tokens = Tokens::new(line, line_no);
        let Some((col, first)) = tokens.peek() else {
            continue;
        };
        if first == "c" {
            tokens.next();
            // `c <n> <name>`: a name when the second word is a number.
            if let Some((_, n)) = tokens.peek() {
                if let Ok(n) = n.parse::<usize>() {
                    tokens.next();
                    let name = tokens.rest().trim();
                    if n > 0 && !name.is_empty() {
                        named.push((n, name.to_string()));
                    }
                }
            }
            continue;
        }
        if first == "%" {
            break; // SATLIB end marker
        }
        if first == "p" {
            if header.is_some() {
                return Err(ModelError::new(
                    line_no,
                    col,
                    "a clause",
                    "a second `p` line",
                ));
            }
            tokens.next();
            tokens.expect("cnf", "`cnf`")?;
            let vars_col = tokens.peek().map_or(0, |(c, _)| c);
            let vars = tokens.number::<u32>("the number of variables")?;
            if vars > MAX_VARS {
                return Err(ModelError::new(
                    line_no,
                    vars_col,
                    &format!("at most {MAX_VARS} variables"),
                    &vars.to_string(),
                ));
            }
            let count = tokens.number::<usize>("the number of clauses")?;
            if let Some((col, t)) = tokens.next() {
                return Err(ModelError::new(
                    line_no,
                    col,
                    "the end of the line",
                    &format!("`{t}`"),
                ));
            }
            header = Some((vars, count));
            continue;
        }
        let Some((vars, _)) = header else {
            return Err(ModelError::new(
                line_no,
                col,
                "`p cnf <variables> <clauses>` or a comment",
                &format!("`{first}`"),
            ));
        };
        while let Some((col, t)) = tokens.next() {
            let lit: i32 = t.parse().map_err(|_| {
                ModelError::new(
                    line_no,
                    col,
                    "a literal (a non-zero integer) or 0",
                    &format!("`{t}`"),
                )
            })?;
            if lit == 0 {
                clauses.push(std::mem::take(&mut clause));
            } else {
                if lit.unsigned_abs() > vars {
                    return Err(ModelError::new(
                        line_no,
                        col,
                        &format!("a literal within ±{vars}"),
                        &format!("`{t}`"),
                    ));
                }
                if clause.is_empty() {
                    clause_start = (line_no, col);
                }
                clause.push(lit);
            }
        }
    }
    let Some((vars, count)) = header else {
        return Err(ModelError::new(
            text.lines().count().max(1),
            1,
            "`p cnf <variables> <clauses>`",
            "the end of the input",
        ));
    };
    if !clause.is_empty() {
        let (line, column) = clause_start;
        return Err(ModelError::new(
            line,
            column,
            "a clause ending in 0",
            "the end of the input",
        ));
    }
    if clauses.len() != count {
        return Err(ModelError::new(
            text.lines().count().max(1),
            1,
            &format!("{count} clauses as declared"),
            &format!("{} clauses", clauses.len()),
        ));
    }
    let mut names: Vec<Option<String>> = vec![None; vars as usize];
    for (n, name) in named {
        // Names of variables beyond the header are ignored.
        if let Some(slot) = names.get_mut(n - 1) {
            *slot = Some(name);
        }
    }
    let names: Vec<String> = names
        .into_iter()
        .enumerate()
        .map(|(i, n)| n.unwrap_or_else(|| format!("x{}", i + 1)))
        .collect();
    let n = names.len();
    Ok(FeatureModel {
        names,
        vars,
        clauses,
        parents: vec![None; n],
        optional: vec![false; n],
        aux_determined: true,
        constraints: Vec::new(),
    })
}

/// Writes `model` as DIMACS CNF with a `c <n> <name>` line per feature.
pub fn write_dimacs(model: &FeatureModel) -> String {
    let mut out = String::new();
    for (i, name) in model.names.iter().enumerate() {
        out.push_str(&format!("c {} {}\n", i + 1, name));
    }
    out.push_str(&format!("p cnf {} {}\n", model.vars, model.clauses.len()));
    for c in &model.clauses {
        for l in c {
            out.push_str(&format!("{l} "));
        }
        out.push_str("0\n");
    }
    out
}

/// Whitespace-separated words of a line with their 1-based columns.
struct Tokens<'a> {
    line: &'a str,
    line_no: usize,
    pos: usize,
}

impl<'a> Tokens<'a> {
    fn new(line: &'a str, line_no: usize) -> Self {
        Tokens {
            line,
            line_no,
            pos: 0,
        }
    }

    fn peek(&self) -> Option<(usize, &'a str)> {
        let rest = &self.line[self.pos..];
        let start = self.pos + (rest.len() - rest.trim_start().len());
        let word = self.line[start..].split_whitespace().next()?;
        Some((self.line[..start].chars().count() + 1, word))
    }

    fn next(&mut self) -> Option<(usize, &'a str)> {
        let rest = &self.line[self.pos..];
        let start = self.pos + (rest.len() - rest.trim_start().len());
        let word = self.line[start..].split_whitespace().next()?;
        self.pos = start + word.len();
        Some((self.line[..start].chars().count() + 1, word))
    }

    fn rest(&self) -> &'a str {
        &self.line[self.pos..]
    }

    fn end_column(&self) -> usize {
        self.line.chars().count() + 1
    }

    fn expect(&mut self, word: &str, expected: &str) -> Result<(), ModelError> {
        match self.next() {
            Some((_, w)) if w == word => Ok(()),
            Some((col, w)) => Err(ModelError::new(
                self.line_no,
                col,
                expected,
                &format!("`{w}`"),
            )),
            None => Err(ModelError::new(
                self.line_no,
                self.end_column(),
                expected,
                "the end of the line",
            )),
        }
    }

    fn number<T: std::str::FromStr>(&mut self, expected: &str) -> Result<T, ModelError> {
        match self.next() {
            Some((col, w)) => w
                .parse()
                .map_err(|_| ModelError::new(self.line_no, col, expected, &format!("`{w}`"))),
            None => Err(ModelError::new(
                self.line_no,
                self.end_column(),
                expected,
                "the end of the line",
            )),
        }
    }
}
