//! Charts as SVG drawn by the app (no chart library): every chart has a title and a
//! description for screen readers, and the numbers it draws are also in a table beside it.

use leptos::prelude::*;

use crate::format;
use crate::geo::PROVINCES;
use crate::i18n::Lang;

/// A horizontal bar: label, value, and the text shown at its end.
#[derive(Clone, Debug, PartialEq)]
pub struct Bar {
    /// What the bar is.
    pub label: String,
    /// Its length, relative to the largest bar of the list.
    pub value: u64,
    /// Shown at its end (a count, a share, or "hidden").
    pub text: String,
}

/// Horizontal bars, the longest filling the width.
#[component]
pub fn BarList(
    bars: Vec<Bar>,
    #[prop(into)] label: String,
    #[prop(optional)] accent: bool,
) -> impl IntoView {
    let max = bars.iter().map(|b| b.value).max().unwrap_or(0).max(1);
    view! {
        <ul class="bars" class:bars--accent=accent aria-label=label>
            {bars.into_iter().map(|b| {
                let width = (b.value as f64 / max as f64 * 100.0).clamp(0.0, 100.0);
                view! {
                    <li class="bars__row">
                        <span class="bars__label">{b.label.clone()}</span>
                        <span class="bars__track" aria-hidden="true"><span class="bars__fill" style=format!("width:{width:.1}%")></span></span>
                        <span class="bars__value">{b.text}</span>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

/// One line of a [`LineChart`].
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    /// Its name in the legend.
    pub name: String,
    /// The CSS class that colours it.
    pub class: &'static str,
    /// One value per x label.
    pub values: Vec<u64>,
}

/// A line chart over days, with a legend, axes, and a table of the same numbers.
#[component]
pub fn LineChart(
    dates: Vec<String>,
    series: Vec<Series>,
    #[prop(into)] title: String,
    lang: Lang,
) -> impl IntoView {
    const W: f64 = 720.0;
    const H: f64 = 240.0;
    const LEFT: f64 = 56.0;
    const BOTTOM: f64 = 28.0;
    const TOP: f64 = 12.0;
    let max = series
        .iter()
        .flat_map(|s| s.values.iter().copied())
        .max()
        .unwrap_or(0)
        .max(1);
    let step = nice_step(max);
    let top = max.div_ceil(step) * step;
    let n = dates.len().max(1);
    let x = move |i: usize| {
        LEFT + if n == 1 {
            (W - LEFT) / 2.0
        } else {
            i as f64 * (W - LEFT - 8.0) / (n - 1) as f64
        }
    };
    let y = move |v: u64| TOP + (H - TOP - BOTTOM) * (1.0 - v as f64 / top as f64);
    let grid: Vec<u64> = (0..=top / step).map(|i| i * step).collect();
    let every = (n / 8).max(1);
    let desc = series
        .iter()
        .map(|s| format!("{}: {}", s.name, format::number(s.values.iter().sum())))
        .collect::<Vec<_>>()
        .join("; ");
    let table_rows: Vec<(String, Vec<u64>)> = dates
        .iter()
        .enumerate()
        .map(|(i, d)| {
            (
                d.clone(),
                series
                    .iter()
                    .map(|s| s.values.get(i).copied().unwrap_or(0))
                    .collect(),
            )
        })
        .collect();
    let names: Vec<String> = series.iter().map(|s| s.name.clone()).collect();
    let _ = lang;
    view! {
        <figure class="chart">
            <svg viewBox=format!("0 0 {W} {H}") role="img" aria-labelledby="trend-title trend-desc" class="chart__svg">
                <title id="trend-title">{title.clone()}</title>
                <desc id="trend-desc">{desc}</desc>
                {grid.into_iter().map(|g| view! {
                    <line class="chart__grid" x1=LEFT x2=W y1=y(g) y2=y(g)/>
                    <text class="chart__tick" x=LEFT - 6.0 y=y(g) + 4.0 text-anchor="end">{format::number(g)}</text>
                }).collect_view()}
                {dates.iter().enumerate().filter(|(i, _)| i % every == 0 || *i + 1 == n).map(|(i, d)| view! {
                    <text class="chart__tick" x=x(i) y=H - 8.0 text-anchor="middle">{d.get(5..).unwrap_or(d).to_string()}</text>
                }).collect_view()}
                {series.iter().map(|s| {
                    let points = s.values.iter().enumerate().map(|(i, v)| format!("{:.1},{:.1}", x(i), y(*v))).collect::<Vec<_>>().join(" ");
                    view! { <polyline class=format!("chart__line {}", s.class) points=points/> }
                }).collect_view()}
            </svg>
            <figcaption class="chart__legend">
                {series.iter().map(|s| view! { <span class="legend"><i class=format!("legend__swatch {}", s.class)></i>{s.name.clone()}</span> }).collect_view()}
            </figcaption>
            <details class="chart__table">
                <summary>{title}</summary>
                <table class="table">
                    <thead><tr><th>"Date"</th>{names.iter().map(|n| view! { <th>{n.clone()}</th> }).collect_view()}</tr></thead>
                    <tbody>
                        {table_rows.into_iter().map(|(d, values)| view! {
                            <tr><td>{d}</td>{values.into_iter().map(|v| view! { <td class="num">{format::number(v)}</td> }).collect_view()}</tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </details>
        </figure>
    }
}

/// A round step for a value axis reaching `max`.
fn nice_step(max: u64) -> u64 {
    let rough = (max / 4).max(1);
    let magnitude = 10u64.pow(rough.ilog10());
    [1, 2, 5, 10]
        .into_iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= rough)
        .unwrap_or(10 * magnitude)
}

/// The provinces of China as a tile grid, shaded by `value(province id)`.
#[component]
pub fn TileMap(
    values: Vec<(String, u64)>,
    #[prop(into)] title: String,
    #[prop(into)] low: String,
    #[prop(into)] high: String,
    #[prop(optional)] selected: Option<String>,
    lang: Lang,
) -> impl IntoView {
    const S: f64 = 58.0;
    let max = values.iter().map(|v| v.1).max().unwrap_or(0).max(1);
    let of = |id: &str| values.iter().find(|v| v.0 == id).map(|v| v.1).unwrap_or(0);
    let tiles: Vec<_> = PROVINCES
        .iter()
        .map(|p| {
            let v = of(p.id);
            // Five shades; 0 is its own (no shown demand).
            let shade = if v == 0 { 0 } else { 1 + (v * 4 / max).min(4) };
            let name = match lang {
                Lang::Zh => p.zh,
                Lang::En => p.en,
            };
            let short: String = match lang {
                Lang::Zh => p.zh.chars().take(2).collect(),
                Lang::En => p.en.chars().take(3).collect(),
            };
            (p, v, shade, name, short)
        })
        .collect();
    view! {
        <figure class="tilemap">
            <svg viewBox=format!("0 0 {} {}", 8.0 * S, 8.0 * S) role="img" class="tilemap__svg" aria-label=title.clone()>
                <title>{title.clone()}</title>
                {tiles.into_iter().map(|(p, v, shade, name, short)| {
                    let (cx, cy) = (p.tile.0 as f64 * S, p.tile.1 as f64 * S);
                    let chosen = selected.as_deref() == Some(p.id);
                    view! {
                        <g class=format!("tile tile--{shade}") class:tile--selected=chosen data-province=p.id>
                            <title>{format!("{name}: {}", format::number(v))}</title>
                            <rect x=cx + 2.0 y=cy + 2.0 width=S - 4.0 height=S - 4.0 rx="6"/>
                            <text class="tile__name" x=cx + S / 2.0 y=cy + S / 2.0 - 2.0 text-anchor="middle">{short}</text>
                            <text class="tile__value" x=cx + S / 2.0 y=cy + S / 2.0 + 14.0 text-anchor="middle">{compact(v)}</text>
                        </g>
                    }
                }).collect_view()}
            </svg>
            <figcaption class="tilemap__legend">
                <span>{low}</span>
                {(0..5).map(|i| view! { <i class=format!("tile-swatch tile--{i}")></i> }).collect_view()}
                <span>{high}</span>
            </figcaption>
        </figure>
    }
}

/// A count in at most four characters (12.3k).
fn compact(n: u64) -> String {
    match n {
        0..=9_999 => n.to_string(),
        10_000..=999_999 => format!("{:.0}k", n as f64 / 1000.0),
        _ => format!("{:.1}M", n as f64 / 1_000_000.0),
    }
}

/// A bar split in parts (lease vs purchase), each with its share in the label.
#[component]
pub fn SplitBar(
    parts: Vec<(String, u64, &'static str)>,
    #[prop(into)] label: String,
) -> impl IntoView {
    let total: u64 = parts.iter().map(|p| p.1).sum();
    let aria = label.clone();
    view! {
        <div class="split" role="img" aria-label=aria>
            <span class="split__label">{label}</span>
            <span class="split__track">
                {parts.iter().map(|(name, n, class)| {
                    let pct = if total == 0 { 0.0 } else { *n as f64 * 100.0 / total as f64 };
                    view! {
                        <span class=format!("split__part {class}") style=format!("width:{pct:.1}%") title=format!("{name}: {}", format::number(*n))>
                            {(pct >= 22.0).then(|| format!("{name} {pct:.0}%"))}
                        </span>
                    }
                }).collect_view()}
            </span>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axis_steps_are_round() {
        assert_eq!(nice_step(7), 1);
        assert_eq!(nice_step(40), 10);
        assert_eq!(nice_step(100), 50);
        assert_eq!(nice_step(1234), 500);
        assert_eq!(compact(12_345), "12k");
        assert_eq!(compact(2_500_000), "2.5M");
    }
}
