//! The OEM product team's pages: `/oem`, the demand dashboard of their own car lines, and
//! `/oem/tokens`, the API tokens of the demand feed. The filter is the page's query string,
//! so a filtered view is a link, and the form works before the wasm arrives.

use leptos::either::{Either, EitherOf3};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::components::charts::{Bar, BarList, LineChart, Series, SplitBar, TileMap};
use crate::components::island;
use crate::components::time::LocalTime;
use crate::format;
use crate::functions::demand::{
    load_api_tokens, load_demand_campaigns, load_demand_report, CreateApiToken, RevokeApiToken,
};
use crate::geo::{self, PROVINCES};
use crate::i18n::{error_text, use_lang, DemandTexts, Lang};
use crate::models::{
    ApiTokenView, DemandCampaign, DemandFilter, DemandReport, Rate, Signals, Stage,
};
use configurator::SalesMode;

/// The report the page's query string asks for, as typed: the server checks it.
#[derive(Clone, Debug, PartialEq)]
struct Wanted {
    campaign: String,
    catalog_version: Option<u32>,
    from: Option<String>,
    to: Option<String>,
    sales_mode: Option<String>,
    province: Option<String>,
}

fn filter_of(query: &leptos_router::params::ParamsMap) -> Wanted {
    let text = |k: &str| query.get(k).filter(|v| !v.trim().is_empty());
    Wanted {
        campaign: text("campaign").unwrap_or_default(),
        catalog_version: text("version").and_then(|v| v.parse().ok()),
        from: text("from"),
        to: text("to"),
        sales_mode: text("mode"),
        province: text("province"),
    }
}

/// The feed's query string for a report's filter (the export links).
fn feed_query(filter: &DemandFilter, figure: Option<&str>) -> String {
    let mut parts: Vec<String> = Vec::new();
    if let Some(v) = filter.catalog_version {
        parts.push(format!("catalog_version={v}"));
    }
    for (k, v) in [
        ("from", filter.from.as_deref()),
        ("to", filter.to.as_deref()),
        ("sales_mode", filter.sales_mode.map(SalesMode::as_str)),
        ("province", filter.province.as_deref()),
    ] {
        if let Some(v) = v {
            parts.push(format!("{k}={v}"));
        }
    }
    if let Some(f) = figure {
        parts.push(format!("figure={f}"));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!("?{}", parts.join("&"))
    }
}

fn province_name(id: &str, lang: Lang) -> String {
    match geo::province(id) {
        Some(p) => match lang {
            Lang::Zh => p.zh.to_string(),
            Lang::En => p.en.to_string(),
        },
        None => match lang {
            Lang::Zh => "未知".into(),
            Lang::En => "Unknown".into(),
        },
    }
}

fn city_name(province: &str, city: &str, lang: Lang) -> String {
    match geo::city(province, city) {
        Some(c) => match lang {
            Lang::Zh => c.zh.to_string(),
            Lang::En => c.en.to_string(),
        },
        None => city.to_string(),
    }
}

fn pct(rate: Rate) -> String {
    if rate.base == 0 {
        "—".into()
    } else {
        let pm = rate.per_mille();
        format!("{}.{}%", pm / 10, pm % 10)
    }
}

/// `/oem`: the demand dashboard.
#[component]
pub fn DashboardPage() -> impl IntoView {
    let lang = use_lang();
    let t = move || lang.get().texts().dm;
    let query = use_query_map();
    let campaigns = Resource::new(|| (), |_| load_demand_campaigns());
    let report = Resource::new(
        move || filter_of(&query.get()),
        |w| {
            load_demand_report(
                w.campaign,
                w.catalog_version,
                w.from,
                w.to,
                w.sales_mode,
                w.province,
            )
        },
    );
    view! {
        <Title text=move || t().title/>
        <section class="dash">
            <header class="dash__head">
                <div>
                    <p class="eyebrow">{move || t().eyebrow}</p>
                    <h1>{move || t().title}</h1>
                </div>
                <a class="btn" href="/oem/tokens" data-testid="tokens-link">{move || t().tokens_link}</a>
            </header>
            <Transition fallback=move || view! { <p class="loading">{move || t().loading}</p> }>
                {move || Suspend::new(async move {
                    let list = campaigns.await;
                    match (list, report.await) {
                        (Ok(list), Ok(Some(report))) => EitherOf3::A(view! { <Dashboard report campaigns=list/> }),
                        (Ok(_), Ok(None)) => EitherOf3::B(view! { <p class="notice">{move || t().no_data}</p> }),
                        (Err(e), _) | (_, Err(e)) => EitherOf3::C(view! { <p class="notice notice--error" role="alert" data-testid="dash-error">{move || error_text(lang.get(), &e)}</p> }),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn Dashboard(report: DemandReport, campaigns: Vec<DemandCampaign>) -> impl IntoView {
    let lang = use_lang();
    let l = lang.get_untracked();
    let t: &'static DemandTexts = l.texts().dm;
    let csv = {
        let id = report.campaign.id.clone();
        let filter = report.filter.clone();
        move |figure: Option<&str>| {
            format!("/api/v1/demand/{id}.csv{}", feed_query(&filter, figure))
        }
    };
    let all = csv(None);
    let export = move |figure: &'static str| {
        let href = csv(Some(figure));
        view! { <a class="export" href=href download data-testid=format!("export-{figure}")>{t.export}</a> }
    };
    let k = report.k;
    let intro = (t.intro)(k);
    let no_demand = report.funnel.iter().all(|s| s.people.unwrap_or(0) == 0);
    view! {
        <p class="dash__intro">{intro} " " <span class="badge" data-testid="k-badge">{t.k_badge} " = " {k}</span></p>
        <FilterForm report=report.clone() campaigns/>
        <p class="dash__exports"><a class="btn btn--small" href=all download data-testid="export-all">{t.export_all}</a></p>
        {no_demand.then(|| view! { <p class="notice" data-testid="no-demand">{t.no_data}</p> })}
        <div class="dash__grid">
            <section class="card dash__funnel" data-testid="funnel">
                <h2>{t.funnel_title} {export("funnel")}</h2>
                <Funnel report=report.clone()/>
            </section>
            <section class="card dash__modes" data-testid="modes">
                <h2>{t.modes_title} {export("modes")}</h2>
                <Modes report=report.clone()/>
            </section>
            <section class="card dash__wide" data-testid="trend">
                <h2>{t.trend_title} {export("trend")}</h2>
                <p class="muted">{t.trend_note}</p>
                <LineChart
                    dates=report.trend.iter().map(|d| d.date.clone()).collect()
                    series=vec![
                        Series { name: t.st_configured.into(), class: "s-configured", values: report.trend.iter().map(|d| d.configured).collect() },
                        Series { name: t.st_reserved.into(), class: "s-reserved", values: report.trend.iter().map(|d| d.reserved).collect() },
                        Series { name: t.st_locked.into(), class: "s-locked", values: report.trend.iter().map(|d| d.locked).collect() },
                        Series { name: t.st_voted.into(), class: "s-voted", values: report.trend.iter().map(|d| d.voted).collect() },
                    ]
                    title=t.chart_trend_alt
                    lang=l
                />
            </section>
            <section class="card dash__wide" data-testid="options">
                <h2>{t.options_title} {export("options")}</h2>
                <p class="muted">{t.options_note}</p>
                <Options report=report.clone()/>
            </section>
            <section class="card" data-testid="provinces">
                <h2>{t.provinces_title} {export("provinces")}</h2>
                <TileMap
                    values=report.provinces.iter().map(|p| (p.province.clone(), p.people.reserved)).collect()
                    title=t.chart_map_alt low=t.legend_low high=t.legend_high
                    selected=report.filter.province.clone().unwrap_or_default()
                    lang=l
                />
                <p class="muted">{t.map_caption}</p>
                <Regions rows=report.provinces.clone() city=false/>
            </section>
            <section class="card" data-testid="cities">
                <h2>{t.cities_title} {export("cities")}</h2>
                <Regions rows=report.cities.clone() city=true/>
            </section>
            <section class="card dash__wide" data-testid="top-configurations">
                <h2>{t.top_title} {export("configurations")}</h2>
                <TopConfigurations report=report.clone()/>
            </section>
            <section class="card" data-testid="polls">
                <h2>{t.polls_title} {export("polls")}</h2>
                <Polls report=report.clone()/>
            </section>
            <section class="card" data-testid="thresholds">
                <h2>{t.thresholds_title} {export("thresholds")}</h2>
                <Thresholds report=report.clone()/>
            </section>
            <section class="card dash__wide" data-testid="auctions">
                <h2>{t.auctions_title} {export("auctions")}</h2>
                <Auctions report/>
            </section>
        </div>
    }
}

#[component]
fn FilterForm(report: DemandReport, campaigns: Vec<DemandCampaign>) -> impl IntoView {
    let l = use_lang().get_untracked();
    let t = l.texts().dm;
    let f = report.filter.clone();
    let (min, max) = report.span.clone().unwrap_or_default();
    view! {
        <form class="filters" method="get" action="/oem" data-testid="filters">
            <label>{t.campaign}
                <select name="campaign" data-testid="f-campaign">
                    {campaigns.into_iter().map(|c| {
                        let selected = c.id == report.campaign.id;
                        view! { <option value=c.id.clone() selected=selected>{l.pick(&c.title)}</option> }
                    }).collect_view()}
                </select>
            </label>
            <label>{t.version}
                <select name="version" data-testid="f-version">
                    <option value="">{t.all_versions}</option>
                    {report.versions.iter().map(|v| view! { <option value=v.to_string() selected=f.catalog_version == Some(*v)>{format!("v{v}")}</option> }).collect_view()}
                </select>
            </label>
            <label>{t.from}<input type="date" name="from" value=f.from.clone().unwrap_or_default() min=min.clone() max=max.clone() data-testid="f-from"/></label>
            <label>{t.to}<input type="date" name="to" value=f.to.clone().unwrap_or_default() min=min max=max data-testid="f-to"/></label>
            <label>{t.mode}
                <select name="mode" data-testid="f-mode">
                    <option value="">{t.all_modes}</option>
                    <option value=SalesMode::Lease.as_str() selected=f.sales_mode == Some(SalesMode::Lease)>{l.texts().price_lease}</option>
                    <option value=SalesMode::Purchase.as_str() selected=f.sales_mode == Some(SalesMode::Purchase)>{l.texts().price_purchase}</option>
                </select>
            </label>
            <label>{t.province}
                <select name="province" data-testid="f-province">
                    <option value="">{t.all_provinces}</option>
                    {PROVINCES.iter().map(|p| view! { <option value=p.id selected=f.province.as_deref() == Some(p.id)>{province_name(p.id, l)}</option> }).collect_view()}
                </select>
            </label>
            <div class="filters__actions">
                <button type="submit" class="btn btn--primary" data-testid="f-apply">{t.apply}</button>
                <a class="btn" href=format!("/oem?campaign={}", report.campaign.id)>{t.reset}</a>
            </div>
        </form>
    }
}

#[component]
fn Funnel(report: DemandReport) -> impl IntoView {
    let t = use_lang().get_untracked().texts().dm;
    let label = |stage: Stage| match stage {
        Stage::Configured => t.st_configured,
        Stage::Voted => t.st_voted,
        Stage::Reserved => t.st_reserved,
        Stage::Locked => t.st_locked,
        Stage::Paid => t.st_paid,
    };
    let bars: Vec<Bar> = report
        .funnel
        .iter()
        .map(|s| Bar {
            label: label(s.stage).into(),
            value: s.people.unwrap_or(0),
            text: match s.people {
                Some(n) => format::number(n),
                None => t.na.into(),
            },
        })
        .collect();
    let voted_na = report
        .funnel
        .iter()
        .any(|s| s.stage == Stage::Voted && s.people.is_none());
    view! {
        <BarList bars label=t.funnel_title accent=true/>
        <p class="muted">{t.paid_note} {voted_na.then(|| format!(" {}.", t.voted_na))}</p>
    }
}

#[component]
fn Modes(report: DemandReport) -> impl IntoView {
    let l = use_lang().get_untracked();
    let t = l.texts().dm;
    let of = |mode: SalesMode, f: fn(&Signals<u64>) -> u64| {
        report
            .modes
            .iter()
            .find(|m| m.mode == mode)
            .map(|m| f(&m.people))
            .unwrap_or(0)
    };
    type Pick = fn(&Signals<u64>) -> u64;
    let rows: [(&str, Pick); 3] = [
        (t.sig_configured, |s| s.configured),
        (t.sig_reserved, |s| s.reserved),
        (t.sig_locked, |s| s.locked),
    ];
    let battery = report.groups.iter().find(|g| g.id == "battery").cloned();
    view! {
        <div class="splits">
            {rows.into_iter().map(|(label, f)| view! {
                <SplitBar label=label parts=vec![
                    (l.texts().price_lease.to_string(), of(SalesMode::Lease, f), "p-lease"),
                    (l.texts().price_purchase.to_string(), of(SalesMode::Purchase, f), "p-purchase"),
                ]/>
            }).collect_view()}
        </div>
        {battery.map(|g| view! {
            <h3>{t.battery_title}</h3>
            <BarList label=t.battery_title bars=g.options.iter().map(|o| Bar {
                label: l.pick(&o.name),
                value: o.rate.reserved.per_mille(),
                text: pct(o.rate.reserved),
            }).collect()/>
        })}
    }
}

#[component]
fn Options(report: DemandReport) -> impl IntoView {
    let l = use_lang().get_untracked();
    let t = l.texts().dm;
    view! {
        <div class="table-wrap">
            <table class="table table--rates">
                <thead><tr><th></th><th class="num">{t.sig_configured}</th><th class="num">{t.sig_reserved}</th><th class="num">{t.sig_locked}</th></tr></thead>
                {report.groups.into_iter().map(|g| {
                    let taken = g.taken_per_mille.map(|s| [s.configured, s.reserved, s.locked]);
                    view! {
                        <tbody>
                            <tr class="table__group">
                                <th scope="rowgroup">{l.pick(&g.name)}</th>
                                {match taken {
                                    Some(v) => Either::Left(v.into_iter().map(|pm| view! { <td class="num muted">{format!("{}.{}%", pm / 10, pm % 10)}</td> }).collect_view()),
                                    None => Either::Right(view! { <td colspan="3"></td> }),
                                }}
                            </tr>
                            {g.options.into_iter().map(|o| {
                                let cells = [o.rate.configured, o.rate.reserved, o.rate.locked];
                                view! {
                                    <tr data-testid=format!("rate-{}", o.id)>
                                        <th scope="row">{l.pick(&o.name)}</th>
                                        {cells.into_iter().map(|r| {
                                            let w = r.per_mille() as f64 / 10.0;
                                            view! {
                                                <td class="num rate" title=format!("{} / {}", r.n, r.base)>
                                                    <span class="rate__bar" style=format!("width:{w:.1}%") aria-hidden="true"></span>
                                                    <span class="rate__text">{pct(r)}</span>
                                                </td>
                                            }
                                        }).collect_view()}
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    }
                }).collect_view()}
            </table>
        </div>
    }
}

#[component]
fn Regions(rows: Vec<crate::models::RegionCount>, city: bool) -> impl IntoView {
    let l = use_lang().get_untracked();
    let t = l.texts().dm;
    if rows.is_empty() {
        return Either::Left(view! { <p class="muted">{t.no_data}</p> });
    }
    Either::Right(view! {
        <div class="table-wrap table-wrap--scroll">
            <table class="table">
                <thead><tr>
                    <th class="num">{t.rank}</th>
                    <th>{if city { t.col_city } else { t.col_province }}</th>
                    <th class="num">{t.sig_configured}</th><th class="num">{t.sig_reserved}</th><th class="num">{t.sig_locked}</th>
                </tr></thead>
                <tbody>
                    {rows.into_iter().enumerate().map(|(i, r)| {
                        let name = if city {
                            format!("{} · {}", city_name(&r.province, &r.city, l), province_name(&r.province, l))
                        } else {
                            province_name(&r.province, l)
                        };
                        view! {
                            <tr data-testid=format!("region-{}", if city { r.city.clone() } else { r.province.clone() })>
                                <td class="num muted">{i + 1}</td><td>{name}</td>
                                <td class="num">{format::number(r.people.configured)}</td>
                                <td class="num">{format::number(r.people.reserved)}</td>
                                <td class="num">{format::number(r.people.locked)}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    })
}

#[component]
fn TopConfigurations(report: DemandReport) -> impl IntoView {
    let l = use_lang().get_untracked();
    let t = l.texts().dm;
    if report.top_configurations.is_empty() {
        return Either::Left(view! { <p class="muted">{t.no_data}</p> });
    }
    Either::Right(view! {
        <ol class="configs">
            {report.top_configurations.into_iter().map(|c| view! {
                <li class="configs__item">
                    <span class="configs__options">
                        {c.names.iter().map(|n| view! { <span class="chip">{l.pick(n)}</span> }).collect_view()}
                    </span>
                    <span class="configs__counts">
                        <strong>{format::number(c.people.reserved)}</strong> " " {t.sig_reserved}
                        " · " {format::number(c.people.configured)} " " {t.sig_configured}
                    </span>
                </li>
            }).collect_view()}
        </ol>
    })
}

#[component]
fn Polls(report: DemandReport) -> impl IntoView {
    let l = use_lang().get_untracked();
    let t = l.texts().dm;
    if report.polls.is_empty() {
        return Either::Left(view! { <p class="muted">{t.no_data}</p> });
    }
    Either::Right(
        report
            .polls
            .into_iter()
            .map(|p| {
                let bars = p
                    .choices
                    .iter()
                    .map(|c| Bar {
                        label: l.pick(&c.label),
                        value: c.votes.unwrap_or(0),
                        text: match c.votes {
                            Some(v) => format!("{} {}", format::number(v), t.votes),
                            None => (t.suppressed)(report.k),
                        },
                    })
                    .collect();
                view! {
                    <h3>{l.pick(&p.question)}</h3>
                    <BarList bars label=l.pick(&p.question)/>
                }
            })
            .collect_view(),
    )
}

#[component]
fn Thresholds(report: DemandReport) -> impl IntoView {
    let l = use_lang().get_untracked();
    let t = l.texts().dm;
    if report.thresholds.is_empty() {
        return Either::Left(view! { <p class="muted">{t.no_data}</p> });
    }
    let k = report.k;
    Either::Right(view! {
        <ul class="dash-thresholds">
            {report.thresholds.into_iter().map(|th| {
                let reached = th.reached;
                let width = reached.map(|r| (r as f64 * 100.0 / th.target.max(1) as f64).min(100.0)).unwrap_or(0.0);
                view! {
                    <li data-testid=format!("dash-threshold-{}", th.option)>
                        <div class="dash-thresholds__head">
                            <strong>{l.pick(&th.name)}</strong>
                            <span class=format!("pill pill--{}", th.status.as_str())>{th.status.as_str()}</span>
                        </div>
                        <div class="meter"><span style=format!("width:{width:.1}%")></span></div>
                        <span class="muted">{t.reached} " " {match reached { Some(r) => format::number(r), None => (t.suppressed)(k) }}
                            " / " {t.target} " " {format::number(th.target)} " · " <LocalTime utc_ms=th.deadline/></span>
                    </li>
                }
            }).collect_view()}
        </ul>
    })
}

#[component]
fn Auctions(report: DemandReport) -> impl IntoView {
    let t = use_lang().get_untracked().texts().dm;
    if report.auctions.is_empty() {
        return Either::Left(view! { <p class="muted">{t.no_data}</p> });
    }
    let k = report.k;
    Either::Right(view! {
        <table class="table">
            <thead><tr><th></th><th>{t.phase}</th><th class="num">{t.bids}</th><th class="num">{t.bidders}</th><th class="num">{t.price}</th></tr></thead>
            <tbody>
                {report.auctions.into_iter().map(|a| view! {
                    <tr>
                        <th scope="row"><a href=format!("/auctions/{}", a.id)>{a.title}</a></th>
                        <td>{a.phase.as_str()}</td>
                        <td class="num">{format::number(a.bids)}</td>
                        <td class="num">{match a.bidders { Some(b) => format::number(b), None => (t.suppressed)(k) }}</td>
                        <td class="num">{format::money(configurator::Money(a.price_fen))}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    })
}

/// `/oem/tokens`: create, list and revoke the demand feed's API tokens.
#[component]
pub fn TokensPage() -> impl IntoView {
    let lang = use_lang();
    let t = move || lang.get().texts().dm;
    let tokens = Resource::new(|| (), |_| load_api_tokens());
    view! {
        <Title text=move || t().tokens_title/>
        <Suspense fallback=move || view! { <p class="loading">{move || t().loading}</p> }>
            {move || Suspend::new(async move {
                match tokens.await {
                    Ok(tokens) => Either::Left(view! { <TokenManager tokens/> }),
                    Err(e) => Either::Right(view! {
                        <section class="dash dash--narrow">
                            <h1>{move || t().tokens_title}</h1>
                            <p class="notice notice--error" role="alert">{move || error_text(lang.get(), &e)}</p>
                        </section>
                    }),
                }
            })}
        </Suspense>
    }
}

/// The tokens and the form for a new one; after a change the list is read again. The secret
/// is shown by the hydrated island (a form posted without wasm would lose it). An island.
#[island(lazy)]
fn TokenManager(tokens: Vec<ApiTokenView>) -> impl IntoView {
    let lang = use_lang();
    let t = move || lang.get().texts().dm;
    let create = ServerAction::<CreateApiToken>::new();
    let revoke = ServerAction::<RevokeApiToken>::new();
    let tokens = RwSignal::new(tokens);
    let reread = island::reread(load_api_tokens, tokens);
    Effect::watch(
        move || (create.version().get(), revoke.version().get()),
        move |_, _, _| reread(),
        false,
    );
    let hydrated = island::hydrated();
    view! {
        <section class="dash dash--narrow" data-testid="tokens-page" data-hydrated=move || hydrated.get().to_string()>
            <p class="eyebrow"><a href="/oem">{move || t().back_dashboard}</a></p>
            <h1>{move || t().tokens_title}</h1>
            <p class="dash__intro">{move || t().tokens_intro}</p>
            <leptos::form::ActionForm action=create attr:class="card token-form" attr:data-testid="token-form">
                <label>{move || t().token_name}
                    <input type="text" name="name" required maxlength="80" placeholder=move || t().token_name_hint data-testid="token-name"/>
                </label>
                <button type="submit" class="btn btn--primary" data-testid="token-create">{move || t().create_token}</button>
            </leptos::form::ActionForm>
            {move || match create.value().get() {
                Some(Ok(new)) => Some(Either::Left(view! {
                    <div class="notice notice--ok" role="status">
                        <p>{move || t().token_once}</p>
                        <code class="secret" data-testid="token-secret">{new.secret.clone()}</code>
                    </div>
                })),
                Some(Err(e)) => Some(Either::Right(view! { <p class="notice notice--error" role="alert" data-testid="token-error">{move || error_text(lang.get(), &e)}</p> })),
                None => None,
            }}
            {move || {
                let list = tokens.get();
                if list.is_empty() {
                    Either::Left(view! { <p class="muted">{move || t().no_tokens}</p> })
                } else {
                    Either::Right(view! {
                        <table class="table" data-testid="tokens">
                            <thead><tr><th>{move || t().token_name}</th><th>"Prefix"</th><th>{move || t().created}</th><th>{move || t().last_used}</th><th></th></tr></thead>
                            <tbody>
                                {list.into_iter().map(|tok| {
                                    let id = tok.id.clone();
                                    view! {
                                        <tr data-testid=format!("token-{}", tok.name)>
                                            <td>{tok.name.clone()}</td>
                                            <td><code>{tok.prefix.clone()} "…"</code></td>
                                            <td><LocalTime utc_ms=tok.created_at/></td>
                                            <td>{match tok.last_used_at { Some(at) => Either::Left(view! { <LocalTime utc_ms=at/> }), None => Either::Right(move || t().never) }}</td>
                                            <td>{match tok.revoked_at {
                                                Some(_) => Either::Left(view! { <span class="pill pill--dropped">{move || t().revoked}</span> }),
                                                None => Either::Right(view! {
                                                    <button type="button" class="btn btn--small" data-testid="token-revoke"
                                                        on:click=move |_| { revoke.dispatch(RevokeApiToken { id: id.clone() }); }>
                                                        {move || t().revoke}
                                                    </button>
                                                }),
                                            }}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    })
                }
            }}
        </section>
    }
}
