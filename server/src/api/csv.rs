//! The demand report as CSV: written where it is served (the API's export), not in the wire
//! types.

use models::{DemandReport, Signals};

/// The figures a CSV export can hold.
pub const CSV_FIGURES: [&str; 11] = [
    "funnel",
    "trend",
    "modes",
    "options",
    "provinces",
    "cities",
    "configurations",
    "polls",
    "thresholds",
    "auctions",
    "groups",
];

/// The report as CSV, one row per number: `figure,key,label,signal,n,base` (`n` empty when
/// suppressed; `base` set for shares). `figure` limits it to one figure of [`CSV_FIGURES`].
pub fn demand_csv(report: &DemandReport, figure: Option<&str>) -> String {
    let mut out = String::from("figure,key,label,signal,n,base\n");
    let wants = |f: &str| figure.is_none_or(|w| w == f);
    let mut row =
        |figure: &str, key: &str, label: &str, signal: &str, n: Option<u64>, base: Option<u64>| {
            let cell = |v: Option<u64>| v.map(|v| v.to_string()).unwrap_or_default();
            out.push_str(&format!(
                "{figure},{},{},{signal},{},{}\n",
                csv_field(key),
                csv_field(label),
                cell(n),
                cell(base)
            ));
        };
    let signals = |s: &Signals<u64>| {
        [
            ("configured", s.configured),
            ("reserved", s.reserved),
            ("locked", s.locked),
        ]
    };
    if wants("funnel") {
        for step in &report.funnel {
            row(
                "funnel",
                step.stage.as_str(),
                step.stage.as_str(),
                "people",
                step.people,
                None,
            );
        }
    }
    if wants("trend") {
        for d in &report.trend {
            for (signal, n) in [
                ("configured", d.configured),
                ("voted", d.voted),
                ("reserved", d.reserved),
                ("locked", d.locked),
            ] {
                row("trend", &d.date, &d.date, signal, Some(n), None);
            }
        }
    }
    if wants("modes") {
        for m in &report.modes {
            for (signal, n) in signals(&m.people) {
                row(
                    "modes",
                    m.mode.as_str(),
                    m.mode.as_str(),
                    signal,
                    Some(n),
                    None,
                );
            }
        }
    }
    if wants("groups") {
        for g in &report.groups {
            if let Some(t) = &g.taken_per_mille {
                for (signal, n) in signals(t) {
                    row("groups", &g.id, &g.name.en, signal, Some(n), Some(1000));
                }
            }
        }
    }
    if wants("options") {
        for g in &report.groups {
            for o in &g.options {
                for (signal, r) in [
                    ("configured", o.rate.configured),
                    ("reserved", o.rate.reserved),
                    ("locked", o.rate.locked),
                ] {
                    row(
                        "options",
                        &o.id,
                        &o.name.en,
                        signal,
                        Some(r.n),
                        Some(r.base),
                    );
                }
            }
        }
    }
    for (name, regions) in [("provinces", &report.provinces), ("cities", &report.cities)] {
        if wants(name) {
            for r in regions {
                let key = if r.city.is_empty() {
                    r.province.clone()
                } else {
                    format!("{}/{}", r.province, r.city)
                };
                for (signal, n) in signals(&r.people) {
                    row(name, &key, &key, signal, Some(n), None);
                }
            }
        }
    }
    if wants("configurations") {
        for c in &report.top_configurations {
            let key = c.options.join("+");
            let label: Vec<&str> = c.names.iter().map(|n| n.en.as_str()).collect();
            for (signal, n) in signals(&c.people) {
                row(
                    "configurations",
                    &key,
                    &label.join(" / "),
                    signal,
                    Some(n),
                    None,
                );
            }
        }
    }
    if wants("polls") {
        for p in &report.polls {
            for c in &p.choices {
                row(
                    "polls",
                    &format!("{}/{}", p.id, c.id),
                    &c.label.en,
                    "votes",
                    c.votes,
                    p.total,
                );
            }
        }
    }
    if wants("thresholds") {
        for t in &report.thresholds {
            row(
                "thresholds",
                &t.option,
                &t.name.en,
                t.status.as_str(),
                t.reached,
                Some(t.target),
            );
        }
    }
    if wants("auctions") {
        for a in &report.auctions {
            row("auctions", &a.id, &a.title, "bids", Some(a.bids), None);
            row("auctions", &a.id, &a.title, "bidders", a.bidders, None);
            row(
                "auctions",
                &a.id,
                &a.title,
                "price_fen",
                Some(a.price_fen.max(0) as u64),
                None,
            );
        }
    }
    out
}

/// A CSV field, quoted when it needs to be; a leading `=`, `+`, `-`, `@`, tab or carriage
/// return is defused so a spreadsheet does not run it as a formula (OWASP's CSV injection list).
fn csv_field(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_and_defused() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(csv_field("\tcmd"), "'\tcmd");
        assert_eq!(csv_field("\rcmd"), "\"'\rcmd\"");
    }
}
