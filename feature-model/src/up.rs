//! Unit propagation with two watched literals: the cheap first pass of every propagation
//! (most forced and excluded features of real models follow by unit propagation alone).

use configurator::sat::Lit;

fn code(l: Lit) -> usize {
    (l.var() as usize) << 1 | usize::from(!l.is_positive())
}

/// Clauses under a partial assignment that grows by [`Up::assign`] and shrinks by
/// [`Up::backtrack`]. Watches need no repair on backtracking.
#[derive(Clone, Debug)]
pub(crate) struct Up {
    /// Clauses of two or more literals; the first two are watched.
    clauses: Vec<Vec<Lit>>,
    /// Clause indices by watched literal code.
    watches: Vec<Vec<u32>>,
    /// By variable: 0 unassigned, 1 true, -1 false.
    value: Vec<i8>,
    trail: Vec<Lit>,
    head: usize,
    /// False once the clauses alone proved contradictory.
    ok: bool,
}

impl Up {
    pub(crate) fn new(vars: u32, clauses: &[Vec<Lit>]) -> Up {
        let mut up = Up {
            clauses: Vec::new(),
            watches: vec![Vec::new(); 2 * vars as usize],
            value: vec![0; vars as usize],
            trail: Vec::new(),
            head: 0,
            ok: true,
        };
        let mut units = Vec::new();
        for c in clauses {
            let mut c = c.clone();
            c.sort_unstable();
            c.dedup();
            if c.windows(2).any(|w| w[0] == !w[1]) {
                continue; // tautology
            }
            match c.len() {
                0 => up.ok = false,
                1 => units.push(c[0]),
                _ => {
                    let i = up.clauses.len() as u32;
                    up.watches[code(c[0])].push(i);
                    up.watches[code(c[1])].push(i);
                    up.clauses.push(c);
                }
            }
        }
        for u in units {
            if !up.assign(u) {
                up.ok = false;
            }
        }
        if !up.propagate() {
            up.ok = false;
        }
        up
    }

    pub(crate) fn ok(&self) -> bool {
        self.ok
    }

    /// `Some(value)` of `l` when assigned.
    pub(crate) fn value(&self, l: Lit) -> Option<bool> {
        match self.value[l.var() as usize] {
            0 => None,
            v => Some((v > 0) == l.is_positive()),
        }
    }

    pub(crate) fn mark(&self) -> usize {
        self.trail.len()
    }

    /// Makes `l` true (to be propagated); false when it is already false.
    pub(crate) fn assign(&mut self, l: Lit) -> bool {
        match self.value(l) {
            Some(v) => v,
            None => {
                self.value[l.var() as usize] = if l.is_positive() { 1 } else { -1 };
                self.trail.push(l);
                true
            }
        }
    }

    /// Propagates the pending assignments; false on a conflict (then backtrack).
    pub(crate) fn propagate(&mut self) -> bool {
        while self.head < self.trail.len() {
            let falsified = !self.trail[self.head];
            self.head += 1;
            let mut ws = std::mem::take(&mut self.watches[code(falsified)]);
            let (mut i, mut j) = (0, 0);
            let mut conflict = false;
            'clauses: while i < ws.len() {
                let ci = ws[i];
                i += 1;
                let c = &mut self.clauses[ci as usize];
                if c[0] == falsified {
                    c.swap(0, 1);
                }
                let first = c[0];
                let val = |l: Lit, value: &[i8]| match value[l.var() as usize] {
                    0 => None,
                    v => Some((v > 0) == l.is_positive()),
                };
                if val(first, &self.value) == Some(true) {
                    ws[j] = ci;
                    j += 1;
                    continue;
                }
                for k in 2..c.len() {
                    if val(c[k], &self.value) != Some(false) {
                        c.swap(1, k);
                        self.watches[code(c[1])].push(ci);
                        continue 'clauses;
                    }
                }
                ws[j] = ci;
                j += 1;
                if val(first, &self.value) == Some(false) {
                    conflict = true;
                    while i < ws.len() {
                        ws[j] = ws[i];
                        j += 1;
                        i += 1;
                    }
                    break;
                }
                self.value[first.var() as usize] = if first.is_positive() { 1 } else { -1 };
                self.trail.push(first);
            }
            ws.truncate(j);
            self.watches[code(falsified)] = ws;
            if conflict {
                return false;
            }
        }
        true
    }

    /// Undoes the assignments after `mark`.
    pub(crate) fn backtrack(&mut self, mark: usize) {
        for l in &self.trail[mark..] {
            self.value[l.var() as usize] = 0;
        }
        self.trail.truncate(mark);
        self.head = mark;
    }
}

#[cfg(test)]
mod tests {
    use super::Up;
    use configurator::sat::Lit;

    #[test]
    fn propagates_and_backtracks() {
        let l = |v: u32, b: bool| Lit::new(v, b);
        // a -> b, b -> c | d, !d
        let up = &mut Up::new(
            4,
            &[
                vec![!l(0, true), l(1, true)],
                vec![!l(1, true), l(2, true), l(3, true)],
                vec![!l(3, true)],
            ],
        );
        assert!(up.ok());
        assert_eq!(up.value(l(3, true)), Some(false));
        let m = up.mark();
        assert!(up.assign(l(0, true)) && up.propagate());
        assert_eq!(up.value(l(2, true)), Some(true));
        up.backtrack(m);
        assert_eq!(up.value(l(2, true)), None);
        assert!(up.assign(l(2, false)) && up.assign(l(0, true)));
        assert!(!up.propagate());
        up.backtrack(m);
        assert!(up.assign(l(1, true)) && up.propagate());
        assert_eq!(up.value(l(2, true)), Some(true));
    }
}
