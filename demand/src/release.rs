//! What of a cell may be shown.

use std::collections::{BTreeMap, BTreeSet};

use crate::cell::Cell;
use crate::{Cardinality, Group, K};

/// What a figure counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// The cell's people (item: empty).
    People,
    /// The people with an option (item: the option id).
    Option,
    /// The people of a city (item: the city).
    City,
    /// The people with one complete configuration (item: its [`crate::config_key`]).
    Config,
}

impl Kind {
    /// Every kind, in order.
    pub const ALL: [Kind; 4] = [Kind::People, Kind::Option, Kind::City, Kind::Config];

    /// The name stored in the database and used in the feed.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::People => "people",
            Kind::Option => "option",
            Kind::City => "city",
            Kind::Config => "config",
        }
    }

    /// The kind of a stored name.
    pub fn parse(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == name)
    }
}

/// A released figure: `n` people out of the `base` people of the cell it was released for.
/// Summed over cells, `n / base` is a share among exactly the cells where it was shown.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Figure {
    /// People counted by the figure.
    pub n: u64,
    /// People of the cell.
    pub base: u64,
}

/// The figures of one cell that may be shown, by kind and item.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Release(BTreeMap<(Kind, String), Figure>);

impl Release {
    /// The released figure of `kind` and `item`, if it was released.
    pub fn figure(&self, kind: Kind, item: &str) -> Option<Figure> {
        self.0.get(&(kind, item.to_string())).copied()
    }

    /// Every released figure.
    pub fn iter(&self) -> impl Iterator<Item = (Kind, &str, Figure)> {
        self.0.iter().map(|((k, item), f)| (*k, item.as_str(), *f))
    }

    /// Whether nothing is released.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// How the figures change from `self` to `next`: what to add to stored sums of released
    /// figures so they stay the sums of the current releases.
    pub fn changes(&self, next: &Release) -> Vec<Change> {
        let mut keys: Vec<&(Kind, String)> = self.0.keys().chain(next.0.keys()).collect();
        keys.sort();
        keys.dedup();
        keys.into_iter()
            .filter_map(|key| {
                let old = self.0.get(key).copied().unwrap_or_default();
                let new = next.0.get(key).copied().unwrap_or_default();
                (old != new).then(|| Change {
                    kind: key.0,
                    item: key.1.clone(),
                    n: new.n as i64 - old.n as i64,
                    base: new.base as i64 - old.base as i64,
                })
            })
            .collect()
    }

    fn insert(&mut self, kind: Kind, item: &str, figure: Figure) {
        self.0.insert((kind, item.to_string()), figure);
    }
}

/// A change to one released figure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// What the figure counts.
    pub kind: Kind,
    /// Its item.
    pub item: String,
    /// The change of its people.
    pub n: i64,
    /// The change of its base.
    pub base: i64,
}

/// Which parts of a partition may be shown. `counts` are the sizes of disjoint groups that
/// together make a known whole: every part of fewer than `K` people is hidden, and if what is
/// hidden is itself fewer than `K` people (whole minus shown parts would reveal it) the
/// smallest shown parts are hidden too until it is not. Parts of 0 people stay shown.
pub fn suppress(counts: &[u64], k: K) -> Vec<bool> {
    let mut shown: Vec<bool> = counts.iter().map(|&n| k.allows(n)).collect();
    let mut hidden: u64 = counts
        .iter()
        .zip(&shown)
        .filter(|(_, s)| !**s)
        .map(|(n, _)| n)
        .sum();
    while !k.allows(hidden) {
        let smallest = (0..counts.len())
            .filter(|&i| shown[i] && counts[i] > 0)
            .min_by_key(|&i| counts[i]);
        let Some(i) = smallest else { break };
        shown[i] = false;
        hidden += counts[i];
    }
    shown
}

/// What the catalog's rules force between two options of different groups.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Pair {
    /// Everyone with the first option has the second.
    Implies(String, String),
    /// Nobody has both.
    Excludes(String, String),
}

/// The figures of `cell` that reveal no group of fewer than `k` people, for a catalog whose
/// groups are `groups` and that has no rules between options of different groups: the same as
/// [`release_with`] without pairs.
pub fn release(cell: &Cell, groups: &[Group], k: K) -> Release {
    release_with(cell, groups, &[], k)
}

/// The figures of `cell` that reveal no group of fewer than `k` people, for a catalog whose
/// groups are `groups` and whose rules force `pairs` (for each option, the options of other
/// groups, and the other options of its own group if that allows any number, that selecting
/// it alone forces on or off), against someone who knows both.
///
/// * Nothing of a cell of fewer than `k` people.
/// * Its people, and its cities as a partition ([`suppress`]).
/// * Options: a group whose options partition the people (exactly one, or at most one with
///   "none" as a hidden part) is suppressed as a partition; an option of an any-group is shown
///   only when both those with it and those without it are 0 or at least `k`.
/// * Options under the rules: each shown option (and the hidden rest of a group, and those
///   without an option of an any-group) is a *class* of people. When the pairs make one class
///   lie inside another of another group (`a -> b`: those with `b` but not `a` are `b - a`), or
///   two classes disjoint (`a -> !b`: those with neither are `people - a - b`), that set is
///   derivable too; while one is not 0 or at least `k`, the smallest option figure behind the
///   two classes is hidden (with the group rules above applied again), until none is.
/// * Complete configurations as a partition, and then, for every set of people the shown
///   options make derivable (those with a shown option, those without it, the hidden rest of a
///   group, the sets the rules make derivable), the people of that set outside the shown
///   configurations must be 0 or at least `k`; the smallest configuration inside a set that
///   fails is hidden until none fails.
/// * Shown configurations must also leave no set of people across two groups derivable (with
///   paint and a package shown, people - package - red + red-with-package are those with
///   neither red nor the package); while they might, the smallest configuration that could is
///   hidden (see `crossing`). Not needed when every person outside the shown configurations is
///   in a configuration (or among those without one) of 0 or at least `k` people.
pub fn release_with(cell: &Cell, groups: &[Group], pairs: &[Pair], k: K) -> Release {
    let mut out = Release::default();
    let people = cell.people;
    if people == 0 || !k.allows(people) {
        return out;
    }
    let whole = |n: u64| Figure { n, base: people };
    out.insert(Kind::People, "", whole(people));

    let cities: Vec<(&String, u64)> = cell.cities.iter().map(|(c, n)| (c, *n)).collect();
    let shown = suppress(&cities.iter().map(|c| c.1).collect::<Vec<_>>(), k);
    for ((city, n), _) in cities.iter().zip(shown).filter(|(_, s)| *s) {
        out.insert(Kind::City, city, whole(*n));
    }

    let count = |option: &str| cell.options.get(option).copied().unwrap_or(0);
    let counts: Vec<Vec<u64>> = groups
        .iter()
        .map(|group| group.options.iter().map(|o| count(o)).collect())
        .collect();
    let mut shown_options: Vec<Vec<bool>> = groups
        .iter()
        .zip(&counts)
        .map(|(group, counts)| match group.cardinality {
            Cardinality::ExactlyOne | Cardinality::AtMostOne => {
                let on: u64 = counts.iter().sum();
                let mut parts = counts.clone();
                parts.push(people.saturating_sub(on));
                let mut shown = suppress(&parts, k);
                shown.pop();
                shown
            }
            Cardinality::Any => counts
                .iter()
                .map(|&n| k.allows(n) && k.allows(people - n.min(people)))
                .collect(),
        })
        .collect();
    // The sets the rules make derivable, once every one of them is 0 or at least `k`.
    let rules = Rules::new(pairs);
    let ruled = loop {
        let ruled = rules.derivable(groups, &shown_options);
        let failing = ruled.iter().find(|(set, _)| !k.allows(set.count(cell)));
        let Some((_, behind)) = failing else {
            break ruled;
        };
        let nonzero = behind.iter().filter(|&&(g, i)| counts[g][i] > 0);
        let smallest = nonzero
            .min_by_key(|&&(g, i)| counts[g][i])
            .or_else(|| behind.first());
        let Some(&(g, i)) = smallest else {
            break ruled; // never: every class stands on a shown figure
        };
        shown_options[g][i] = false;
        if groups[g].cardinality.is_partition() {
            // The group's hidden rest grew: it must still be 0 or at least `k`.
            let shown = &mut shown_options[g];
            loop {
                let on: u64 = (0..shown.len())
                    .filter(|&i| shown[i])
                    .map(|i| counts[g][i])
                    .sum();
                if k.allows(people.saturating_sub(on)) {
                    break;
                }
                let next = (0..shown.len())
                    .filter(|&i| shown[i] && counts[g][i] > 0)
                    .min_by_key(|&i| counts[g][i]);
                let Some(i) = next else { break };
                shown[i] = false;
            }
        }
    };

    // The sets of people the released options make derivable, as tests on a configuration.
    let mut derivable: Vec<Derivable> = ruled.into_iter().map(|(set, _)| set).collect();
    // How the released options split the catalog's configurations (see `crossing`), and how
    // many options of any-groups are hidden (each doubles the configurations of every split).
    let mut axes: Vec<Axis> = Vec::new();
    let mut hidden_any: u32 = 0;
    for ((group, counts), shown) in groups.iter().zip(&counts).zip(&shown_options) {
        let mut hidden_rest: Vec<&str> = Vec::new();
        for ((option, &n), on) in group.options.iter().zip(counts).zip(shown) {
            if *on {
                out.insert(Kind::Option, option, whole(n));
                derivable.push(Derivable::With(option));
                derivable.push(Derivable::Without(vec![option]));
            } else {
                hidden_rest.push(option);
            }
        }
        if group.cardinality.is_partition() && hidden_rest.len() < group.options.len() {
            let shown_options: Vec<&str> = group
                .options
                .iter()
                .zip(shown)
                .filter(|(_, s)| **s)
                .map(|(o, _)| o.as_str())
                .collect();
            derivable.push(Derivable::Without(shown_options));
        }
        if group.cardinality.is_partition() {
            // A class per shown option somebody has, and the rest of the group: its hidden
            // options (never 0: suppress shows parts of 0) and, for at most one, "none".
            let mut axis = Axis::default();
            for ((option, &n), on) in group.options.iter().zip(counts).zip(shown) {
                if *on && n > 0 {
                    axis.classes.push(Derivable::With(option));
                    axis.choices.push(1);
                    axis.made_of.push(Some(vec![option.as_str()]));
                }
            }
            let rest =
                hidden_rest.len() as u64 + u64::from(group.cardinality == Cardinality::AtMostOne);
            if rest > 0 {
                let shown_options = group.options.iter().zip(shown).filter(|(_, s)| **s);
                axis.classes.push(Derivable::Without(
                    shown_options.map(|(o, _)| o.as_str()).collect(),
                ));
                axis.choices.push(rest);
                axis.made_of.push(
                    (group.cardinality == Cardinality::ExactlyOne).then(|| hidden_rest.clone()),
                );
            }
            if !axis.classes.is_empty() {
                axes.push(axis);
            }
        } else {
            for ((option, &n), on) in group.options.iter().zip(counts).zip(shown) {
                if !*on {
                    hidden_any += 1;
                } else if n > 0 {
                    axes.push(Axis {
                        classes: vec![Derivable::With(option), Derivable::Without(vec![option])],
                        choices: vec![1, 1],
                        made_of: vec![Some(vec![option.as_str()]), None],
                    });
                }
            }
        }
    }
    let active = (!pairs.is_empty()).then_some(&rules);
    if active.is_some() {
        // The rules leave fewer configurations than the product of the choices at some points:
        // take every point with a shown configuration as known (see `crossing`).
        for axis in &mut axes {
            axis.choices.iter_mut().for_each(|c| *c = 1);
        }
        hidden_any = 0;
    }

    let configs: Vec<(&String, u64, Vec<&str>)> = cell
        .configs
        .iter()
        .map(|(key, n)| (key, *n, key.split('+').collect()))
        .collect();
    let mut shown = suppress(&configs.iter().map(|c| c.1).collect::<Vec<_>>(), k);
    loop {
        let failing = derivable.iter().find(|set| {
            let total = set.count(cell);
            let inside: u64 = configs
                .iter()
                .zip(&shown)
                .filter(|((_, _, options), s)| **s && set.holds(options))
                .map(|((_, n, _), _)| n)
                .sum();
            !k.allows(total.saturating_sub(inside))
        });
        let smallest = match failing {
            Some(set) => (0..configs.len())
                .filter(|&i| shown[i] && set.holds(&configs[i].2))
                .min_by_key(|&i| configs[i].1),
            None => crossing(cell, k, active, &axes, hidden_any, &configs, &shown),
        };
        match smallest {
            Some(i) => shown[i] = false,
            None => break,
        }
    }
    for ((key, n, _), _) in configs.iter().zip(shown).filter(|(_, s)| *s) {
        out.insert(Kind::Config, key, whole(*n));
    }
    out
}

/// A shown configuration to hide because, together with the shown options, the shown
/// configurations might make a set of people across two groups derivable; `None` when they
/// cannot. Called once every set of `derivable` passes.
///
/// Each axis splits the catalog's configurations into classes: those with each shown option
/// of a partition group and the rest of the group, or those with and without a shown option of
/// an any-group. A configuration is then a point of the product of the axes' classes, and
/// every released option is a sum over classes of one axis. (Cities split the people apart
/// from their configurations: combined with them, the figures reveal unions of cities or sets
/// of configurations, never a part of both.) The people the attacker does not know are those
/// outside the shown configurations, at the points where both
///
/// * every class has people outside the shown configurations (a class whose rest is 0 is
///   known to be entirely in shown configurations), and
/// * some configuration of the catalog there is not shown (`choices` multiplied out, and
///   doubled for each hidden option of an any-group: a point all of whose configurations are
///   shown is known entirely).
///
/// The indicator of a set of people derivable from the figures is, on the unknown points, a
/// sum `c + f1(class on axis 1) + f2(class on axis 2) + ...` that is 0 or 1. If it varied
/// along two axes `g` and `h` (between classes `a`, `a'` of `g` and `b`, `b'` of `h`), it would
/// take the values `v`, `v + dg`, `v + dh` and `v + dg + dh` at the four points
/// `{a, a'} x {b, b'} x z`, for any classes `z` of the other axes, which cannot all be 0 or 1:
/// so each such rectangle would need a known point in every `z`. When no rectangle has one in
/// every `z`, every derivable set varies along one axis at most: among the unknown people it
/// is all of them (the hidden configurations, 0 or at least `k` by `suppress`) or a union of
/// classes of one axis, whose rests `release` has checked (and a class with a rest of 0 adds
/// nothing new when it is dropped). Otherwise the smallest shown configuration at a known point
/// of a rectangle that has one in every `z` is hidden, which makes that point unknown.
///
/// Nothing needs hiding when every person outside the shown configurations is in a
/// configuration (or among those without one) of 0 or at least `k` people: then so is every
/// set of them.
fn crossing(
    cell: &Cell,
    k: K,
    rules: Option<&Rules<'_>>,
    axes: &[Axis],
    hidden_any: u32,
    configs: &[(&String, u64, Vec<&str>)],
    shown: &[bool],
) -> Option<usize> {
    let in_configs: u64 = configs.iter().map(|c| c.1).sum();
    let hidden = configs.iter().zip(shown).filter(|(_, s)| !**s);
    if hidden.map(|(c, _)| c.1).all(|n| k.allows(n))
        && k.allows(cell.people.saturating_sub(in_configs))
    {
        return None;
    }
    // The classes with people outside the shown configurations, per axis.
    let open: Vec<Vec<bool>> = axes
        .iter()
        .map(|axis| {
            axis.classes
                .iter()
                .map(|class| {
                    let inside: u64 = configs
                        .iter()
                        .zip(shown)
                        .filter(|((_, _, options), s)| **s && class.holds(options))
                        .map(|((_, n, _), _)| n)
                        .sum();
                    class.count(cell) > inside
                })
                .collect()
        })
        .collect();
    // The point of each shown configuration, if all its classes are open.
    let point = |options: &[&str]| -> Option<Vec<usize>> {
        axes.iter()
            .zip(&open)
            .map(|(axis, open)| {
                let c = axis.classes.iter().position(|class| class.holds(options))?;
                open[c].then_some(c)
            })
            .collect()
    };
    let mut at: BTreeMap<Vec<usize>, Vec<usize>> = BTreeMap::new();
    for (i, (_, _, options)) in configs.iter().enumerate() {
        if shown[i] {
            if let Some(p) = point(options) {
                at.entry(p).or_default().push(i);
            }
        }
    }
    // The known points: every configuration of the catalog there is shown.
    at.retain(|p, shown_there| {
        let catalog = p
            .iter()
            .zip(axes)
            .fold(1u64 << hidden_any.min(63), |m, (&c, axis)| {
                m.saturating_mul(axis.choices[c])
            });
        shown_there.len() as u64 >= catalog
    });
    if at.is_empty() {
        return None;
    }
    let live: Vec<usize> = (0..axes.len())
        .filter(|&a| open[a].iter().filter(|o| **o).count() >= 2)
        .collect();
    let classes = |a: usize| {
        let row: &Vec<bool> = &open[a];
        (0..row.len()).filter(move |&c| row[c])
    };
    if rules.is_some() {
        return crossing_under_rules(rules, axes, &open, &live, &at, configs);
    }
    for (x, &g) in live.iter().enumerate() {
        for &h in &live[x + 1..] {
            let others: Vec<usize> = live.iter().copied().filter(|&a| a != g && a != h).collect();
            let slices = others.iter().fold(1u64, |m, &a| {
                m.saturating_mul(open[a].iter().filter(|o| **o).count() as u64)
            });
            // A rectangle with a known point in every slice needs at least one per slice.
            if (at.len() as u64) < slices {
                continue;
            }
            for p in at.keys() {
                for a2 in classes(g).filter(|&c| c != p[g]) {
                    for b2 in classes(h).filter(|&c| c != p[h]) {
                        let inside = |q: &Vec<usize>| {
                            (q[g] == p[g] || q[g] == a2) && (q[h] == p[h] || q[h] == b2)
                        };
                        let covered: BTreeSet<Vec<usize>> = at
                            .keys()
                            .filter(|q| inside(q))
                            .map(|q| others.iter().map(|&a| q[a]).collect())
                            .collect();
                        if covered.len() as u64 >= slices {
                            return at
                                .iter()
                                .filter(|(q, _)| inside(q))
                                .flat_map(|(_, shown_there)| shown_there.iter().copied())
                                .min_by_key(|&i| configs[i].1);
                        }
                    }
                }
            }
        }
    }
    None
}

/// At most this many slices of a rectangle are looked at one by one under rules; a rectangle
/// with more counts as having a known point in every slice (which can only hide more).
const MAX_SLICES: u64 = 4096;

/// `crossing` for a catalog with rules: a point where the rules leave no configuration (two of
/// its classes that the pairs keep apart) is known as well, and known for good, so a rectangle
/// is only resolved by hiding a shown configuration of it; one without any is left to the
/// option rules (the sets the rules make derivable).
fn crossing_under_rules(
    rules: Option<&Rules<'_>>,
    axes: &[Axis],
    open: &[Vec<bool>],
    live: &[usize],
    at: &BTreeMap<Vec<usize>, Vec<usize>>,
    configs: &[(&String, u64, Vec<&str>)],
) -> Option<usize> {
    let rules = rules?;
    let classes = |a: usize| (0..open[a].len()).filter(move |&c| open[a][c]);
    // The class of every axis that is not live (none when it has no open class: then nobody
    // is unknown).
    let mut fixed: Vec<usize> = Vec::with_capacity(axes.len());
    for a in 0..axes.len() {
        fixed.push(classes(a).next()?);
    }
    // Whether the option `x` cannot be in class `d` of axis `h`.
    let apart = |x: &str, h: usize, d: usize| {
        let y = &axes[h];
        rules.apart(&Some(vec![x]), &y.classes[d])
            || rules.apart(&y.made_of[d], &Derivable::With(x))
    };
    // Some class of the point is made of options each of which another class rules out.
    let impossible = |point: &[usize]| {
        (0..point.len()).any(|g| {
            axes[g].made_of[point[g]].as_ref().is_some_and(|options| {
                options
                    .iter()
                    .all(|x| (0..point.len()).any(|h| h != g && apart(x, h, point[h])))
            })
        })
    };
    let known = |point: &Vec<usize>| at.contains_key(point) || impossible(point);
    for (x, &g) in live.iter().enumerate() {
        for &h in &live[x + 1..] {
            let others: Vec<usize> = live.iter().copied().filter(|&a| a != g && a != h).collect();
            let slices = others.iter().fold(1u64, |m, &a| {
                m.saturating_mul(open[a].iter().filter(|o| **o).count() as u64)
            });
            for a1 in classes(g) {
                for a2 in classes(g).filter(|&c| c > a1) {
                    for b1 in classes(h) {
                        for b2 in classes(h).filter(|&c| c > b1) {
                            let inside = |q: &Vec<usize>| {
                                (q[g] == a1 || q[g] == a2) && (q[h] == b1 || q[h] == b2)
                            };
                            let smallest = at
                                .iter()
                                .filter(|(q, _)| inside(q))
                                .flat_map(|(_, shown_there)| shown_there.iter().copied())
                                .min_by_key(|&i| configs[i].1);
                            let Some(smallest) = smallest else { continue };
                            if slices > MAX_SLICES {
                                return Some(smallest);
                            }
                            // Every slice, one by one.
                            let mut point = fixed.clone();
                            for &a in &others {
                                point[a] = classes(a).next()?;
                            }
                            let covered = loop {
                                let corner = |c: usize, d: usize| {
                                    let mut q = point.clone();
                                    q[g] = c;
                                    q[h] = d;
                                    known(&q)
                                };
                                if !(corner(a1, b1)
                                    || corner(a1, b2)
                                    || corner(a2, b1)
                                    || corner(a2, b2))
                                {
                                    break false;
                                }
                                // The next slice.
                                let mut carried = true;
                                for &a in &others {
                                    match classes(a).find(|&c| c > point[a]) {
                                        Some(c) => {
                                            point[a] = c;
                                            carried = false;
                                            break;
                                        }
                                        None => point[a] = classes(a).next()?,
                                    }
                                }
                                if carried {
                                    break true;
                                }
                            };
                            if covered {
                                return Some(smallest);
                            }
                        }
                    }
                }
            }
        }
    }
    None
}

/// How the released options of one group (or one option of an any-group) split the catalog's
/// configurations.
#[derive(Default)]
struct Axis<'a> {
    /// Its classes; every configuration of the catalog is in exactly one.
    classes: Vec<Derivable<'a>>,
    /// How many choices of the group each class holds: 1 for a shown option, the hidden
    /// options (and "none") for the rest of a partition group.
    choices: Vec<u64>,
    /// The options each class is known to be made of (see `Class`).
    made_of: Vec<Option<Vec<&'a str>>>,
}

impl Cardinality {
    fn is_partition(self) -> bool {
        !matches!(self, Cardinality::Any)
    }
}

/// A set of a cell's people that released figures determine.
#[derive(Clone)]
enum Derivable<'a> {
    /// Those with the option.
    With(&'a str),
    /// Those with none of the options.
    Without(Vec<&'a str>),
    /// Those of the last set outside the first ones, which are disjoint and which the rules
    /// put inside it.
    Outside(Vec<Derivable<'a>>, Box<Derivable<'a>>),
    /// Those in none of the sets, which are disjoint (by the groups and the rules).
    Neither(Vec<Derivable<'a>>),
}

impl Derivable<'_> {
    fn holds(&self, config: &[&str]) -> bool {
        match self {
            Derivable::With(option) => config.contains(option),
            Derivable::Without(options) => !options.iter().any(|o| config.contains(o)),
            Derivable::Outside(inner, outer) => {
                outer.holds(config) && !inner.iter().any(|set| set.holds(config))
            }
            Derivable::Neither(sets) => !sets.iter().any(|set| set.holds(config)),
        }
    }

    fn count(&self, cell: &Cell) -> u64 {
        let of = |o: &str| cell.options.get(o).copied().unwrap_or(0);
        match self {
            Derivable::With(option) => of(option),
            // The options of one group are never on together (or, for one option, trivially).
            Derivable::Without(options) => cell
                .people
                .saturating_sub(options.iter().map(|o| of(o)).sum()),
            Derivable::Outside(inner, outer) => outer
                .count(cell)
                .saturating_sub(inner.iter().map(|set| set.count(cell)).sum()),
            Derivable::Neither(sets) => cell
                .people
                .saturating_sub(sets.iter().map(|set| set.count(cell)).sum()),
        }
    }
}

/// The family of disjoint classes a class of group `g` standing on the figures `behind`
/// belongs to: the group for a partition group, the option for an any-group.
fn family(groups: &[Group], g: usize, behind: &[(usize, usize)]) -> usize {
    if groups[g].cardinality.is_partition() {
        usize::MAX
    } else {
        behind.first().map_or(usize::MAX, |&(_, i)| i)
    }
}

/// The shown figures a derived set stands on: those of its container and of its classes.
fn behind_of(y: &Class<'_>, chosen: &[&Class<'_>]) -> Vec<(usize, usize)> {
    let mut behind = y.2.clone();
    for c in chosen {
        behind.extend(&c.2);
    }
    behind
}

/// The pairs, for looking up.
struct Rules<'a> {
    implies: BTreeSet<(&'a str, &'a str)>,
    /// Both ways round.
    excludes: BTreeSet<(&'a str, &'a str)>,
}

/// A class of people the shown options of one group determine, the options it is known to be
/// made of (`None`: not only options, such as "none" or those without an option), and the
/// shown figures (group, option) it is computed from.
type Class<'a> = (Derivable<'a>, Option<Vec<&'a str>>, Vec<(usize, usize)>);

impl<'a> Rules<'a> {
    fn new(pairs: &'a [Pair]) -> Rules<'a> {
        let mut rules = Rules {
            implies: BTreeSet::new(),
            excludes: BTreeSet::new(),
        };
        for pair in pairs {
            match pair {
                Pair::Implies(a, b) => {
                    rules.implies.insert((a, b));
                }
                Pair::Excludes(a, b) => {
                    rules.excludes.insert((a, b));
                    rules.excludes.insert((b, a));
                }
            }
        }
        rules
    }

    /// The sets of people the rules make derivable from the shown options, each with the shown
    /// figures it is computed from.
    fn derivable(
        &self,
        groups: &'a [Group],
        shown: &[Vec<bool>],
    ) -> Vec<(Derivable<'a>, Vec<(usize, usize)>)> {
        if self.implies.is_empty() && self.excludes.is_empty() {
            return Vec::new();
        }
        let mut classes: Vec<(usize, Class<'a>)> = Vec::new();
        for (g, (group, shown)) in groups.iter().zip(shown).enumerate() {
            let on: Vec<(usize, &str)> = group
                .options
                .iter()
                .enumerate()
                .filter(|(i, _)| shown[*i])
                .map(|(i, o)| (i, o.as_str()))
                .collect();
            for &(i, o) in &on {
                classes.push((g, (Derivable::With(o), Some(vec![o]), vec![(g, i)])));
                if !group.cardinality.is_partition() {
                    classes.push((g, (Derivable::Without(vec![o]), None, vec![(g, i)])));
                }
            }
            let rest = on.len() < shown.len() || group.cardinality == Cardinality::AtMostOne;
            if group.cardinality.is_partition() && !on.is_empty() && rest {
                let hidden: Vec<&str> = group
                    .options
                    .iter()
                    .zip(shown)
                    .filter(|(_, s)| !**s)
                    .map(|(o, _)| o.as_str())
                    .collect();
                let made_of = (group.cardinality == Cardinality::ExactlyOne).then_some(hidden);
                let set = Derivable::Without(on.iter().map(|(_, o)| *o).collect());
                classes.push((g, (set, made_of, on.iter().map(|(i, _)| (g, *i)).collect())));
            }
        }
        // For each class and each family of disjoint classes of another group (the classes of
        // a partition group, or one option of an any-group and those without it): those of
        // the class outside the family's classes the rules put inside it, and those in neither
        // the class nor the family's classes the rules keep apart from it. Families whose
        // classes the rules keep apart from each other's combine: with `a -> y`, `b -> y` and
        // `a -> !b` from three groups, `y - a - b` is derivable too.
        let mut sets = Vec::new();
        for (gy, y) in &classes {
            // Another group's families, or another option's of the same any-group.
            let own = (*gy, family(groups, *gy, &y.2));
            let mut families: Vec<(usize, usize)> = classes
                .iter()
                .map(|(g, c)| (*g, family(groups, *g, &c.2)))
                .filter(|&(g, f)| {
                    g != own.0 || (f != own.1 && !groups[g].cardinality.is_partition())
                })
                .collect();
            families.dedup();
            let (mut insides, mut aparts) = (Vec::new(), Vec::new());
            for (g, f) in families {
                let members = classes
                    .iter()
                    .filter(|(gc, c)| *gc == g && family(groups, g, &c.2) == f);
                let (mut inside, mut apart): (Vec<&Class<'a>>, Vec<&Class<'a>>) =
                    (Vec::new(), Vec::new());
                for (_, c) in members {
                    if self.inside(&c.1, &y.0) {
                        inside.push(c);
                    }
                    if self.apart(&c.1, &y.0) || self.apart(&y.1, &c.0) {
                        apart.push(c);
                    }
                }
                if !inside.is_empty() {
                    insides.push(inside);
                }
                if !apart.is_empty() {
                    aparts.push(apart);
                }
            }
            for chosen in self.disjoint_unions(&insides) {
                let behind = behind_of(y, &chosen);
                let inner = chosen.iter().map(|c| c.0.clone()).collect();
                sets.push((Derivable::Outside(inner, Box::new(y.0.clone())), behind));
            }
            for chosen in self.disjoint_unions(&aparts) {
                let behind = behind_of(y, &chosen);
                let mut sets_apart: Vec<Derivable<'a>> =
                    chosen.iter().map(|c| c.0.clone()).collect();
                sets_apart.push(y.0.clone());
                sets.push((Derivable::Neither(sets_apart), behind));
            }
        }
        sets
    }

    /// The unions of whole families (each a list of disjoint classes) whose classes are all
    /// disjoint from each other's: every family alone, and every set of families the rules
    /// keep pairwise apart (cliques, found depth first; the rules are sparse, so they are few).
    fn disjoint_unions<'c>(&self, families: &[Vec<&'c Class<'a>>]) -> Vec<Vec<&'c Class<'a>>> {
        let apart = |f: &[&Class<'a>], h: &[&Class<'a>]| {
            f.iter().all(|a| {
                h.iter()
                    .all(|b| self.apart(&a.1, &b.0) || self.apart(&b.1, &a.0))
            })
        };
        let mut unions = Vec::new();
        let mut stack: Vec<Vec<usize>> = (0..families.len()).map(|i| vec![i]).collect();
        while let Some(clique) = stack.pop() {
            let last = *clique.last().expect("never empty");
            for next in last + 1..families.len() {
                if clique.iter().all(|&i| apart(&families[i], &families[next])) {
                    let mut grown = clique.clone();
                    grown.push(next);
                    stack.push(grown);
                }
            }
            unions.push(clique.iter().flat_map(|&i| families[i].clone()).collect());
        }
        unions
    }

    /// Whether the rules put everyone of a class made of the options `a` in `b`.
    fn inside(&self, a: &Option<Vec<&str>>, b: &Derivable<'_>) -> bool {
        let Some(options) = a else { return false };
        options.iter().all(|&x| match b {
            Derivable::With(y) => self.implies.contains(&(x, *y)),
            Derivable::Without(ys) => ys.iter().all(|y| self.excludes.contains(&(x, *y))),
            _ => false,
        })
    }

    /// Whether the rules keep everyone of a class made of the options `a` out of `b`.
    fn apart(&self, a: &Option<Vec<&str>>, b: &Derivable<'_>) -> bool {
        let Some(options) = a else { return false };
        options.iter().all(|&x| match b {
            Derivable::With(y) => self.excludes.contains(&(x, *y)),
            Derivable::Without(ys) => ys.iter().any(|y| self.implies.contains(&(x, *y))),
            _ => false,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Person;

    fn k(n: u64) -> K {
        K::new(n).unwrap()
    }

    fn cell(people: &[(&str, &[&str], u64)]) -> Cell {
        let mut cell = Cell::default();
        for (city, options, n) in people {
            let selections: Vec<String> = options.iter().map(|s| s.to_string()).collect();
            for _ in 0..*n {
                cell.add(&Person {
                    city,
                    selections: &selections,
                });
            }
        }
        cell
    }

    fn groups() -> Vec<Group> {
        vec![
            Group::new("paint", Cardinality::ExactlyOne, ["white", "red", "grey"]),
            Group::new("pack", Cardinality::Any, ["tow", "sound"]),
        ]
    }

    #[test]
    fn suppress_hides_small_parts_and_small_rests() {
        assert_eq!(suppress(&[20, 20, 5, 5], k(10)), [true, true, false, false]);
        assert_eq!(suppress(&[45, 5], k(10)), [false, false]);
        assert_eq!(suppress(&[30, 12, 5], k(10)), [true, false, false]);
        assert_eq!(suppress(&[30, 0, 12], k(10)), [true, true, true]);
        assert_eq!(suppress(&[3], k(1)), [true]);
    }

    #[test]
    fn a_small_cell_releases_nothing() {
        let c = cell(&[("Wuhan", &["white"], 9)]);
        assert!(release(&c, &groups(), k(10)).is_empty());
        assert!(!release(&c, &groups(), k(9)).is_empty());
    }

    #[test]
    fn a_group_with_a_small_part_is_hidden_with_its_next_smallest() {
        let c = cell(&[
            ("Wuhan", &["white"], 30),
            ("Wuhan", &["red"], 12),
            ("Wuhan", &["grey"], 4),
        ]);
        let r = release(&c, &groups(), k(10));
        assert_eq!(r.figure(Kind::Option, "white").map(|f| f.n), Some(30));
        assert_eq!(r.figure(Kind::Option, "red"), None);
        assert_eq!(r.figure(Kind::Option, "grey"), None);
        assert_eq!(r.figure(Kind::People, ""), Some(Figure { n: 46, base: 46 }));
    }

    #[test]
    fn an_any_option_is_hidden_when_those_without_it_are_few() {
        let c = cell(&[("Wuhan", &["white", "tow"], 40), ("Wuhan", &["white"], 3)]);
        let r = release(&c, &groups(), k(10));
        assert_eq!(r.figure(Kind::Option, "tow"), None);
        assert_eq!(r.figure(Kind::Option, "sound").map(|f| f.n), Some(0));
    }

    #[test]
    fn configurations_never_leave_a_small_rest_of_a_shown_option() {
        // white = 20 shown; white+tow = 18 would leave 2 white people elsewhere.
        let c = cell(&[
            ("Wuhan", &["white", "tow"], 18),
            ("Wuhan", &["white", "sound"], 2),
            ("Wuhan", &["red"], 30),
        ]);
        let r = release(&c, &groups(), k(10));
        assert_eq!(r.figure(Kind::Option, "white").map(|f| f.n), Some(20));
        assert_eq!(r.figure(Kind::Config, "tow+white"), None);
    }

    /// With `tow -> white`, white (23) - tow (20) is the 3 with white and no tow.
    #[test]
    fn an_implication_hides_an_option_when_the_rest_it_leaves_is_small() {
        let c = cell(&[
            ("Wuhan", &["white", "tow"], 20),
            ("Wuhan", &["white"], 3),
            ("Wuhan", &["red"], 30),
        ]);
        let shown_both = |r: &Release| {
            r.figure(Kind::Option, "white").is_some() && r.figure(Kind::Option, "tow").is_some()
        };
        assert!(
            shown_both(&release(&c, &groups(), k(10))),
            "leaks without the rule"
        );
        let pairs = [Pair::Implies("tow".into(), "white".into())];
        let r = release_with(&c, &groups(), &pairs, k(10));
        assert!(!shown_both(&r));
        assert_eq!(r.figure(Kind::Option, "tow"), None, "the smaller one");
        assert_eq!(r.figure(Kind::Option, "white").map(|f| f.n), Some(23));
    }

    /// With `red -> !tow`, people (53) - red (30) - tow (20) is the 3 with neither.
    #[test]
    fn an_exclusion_hides_an_option_when_those_with_neither_are_few() {
        let c = cell(&[
            ("Wuhan", &["white", "tow"], 20),
            ("Wuhan", &["white"], 3),
            ("Wuhan", &["red"], 30),
        ]);
        let shown_both = |r: &Release| {
            r.figure(Kind::Option, "red").is_some() && r.figure(Kind::Option, "tow").is_some()
        };
        assert!(
            shown_both(&release(&c, &groups(), k(10))),
            "leaks without the rule"
        );
        let pairs = [Pair::Excludes("red".into(), "tow".into())];
        let r = release_with(&c, &groups(), &pairs, k(10));
        assert!(!shown_both(&r));
        assert_eq!(r.figure(Kind::Option, "tow"), None, "the smaller one");
        assert_eq!(r.figure(Kind::Option, "red").map(|f| f.n), Some(30));
    }

    #[test]
    fn changes_are_the_difference_of_two_releases() {
        let g = groups();
        let a = release(&cell(&[("Wuhan", &["white"], 10)]), &g, k(10));
        let b = release(&cell(&[("Wuhan", &["white"], 11)]), &g, k(10));
        let changes = a.changes(&b);
        assert!(changes.contains(&Change {
            kind: Kind::People,
            item: String::new(),
            n: 1,
            base: 1
        }));
        assert!(a.changes(&a).is_empty());
        assert_eq!(Kind::parse("config"), Some(Kind::Config));
    }
}
