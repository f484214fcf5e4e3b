//! The configurator: option groups with the state of every option after every click, the car,
//! the price, conflict resolution, completion and saving.
//!
//! The same engine runs here (in wasm, after hydration) and on the server (for the first
//! render, and again when the configuration is saved: the server never trusts this verdict).

use std::sync::{Arc, Mutex};

use configurator::{
    Cardinality, Catalog, Check, Choice, Click, Engine, GroupDisplay, OptionState, Quote, Reason,
    SalesMode,
};
use leptos::either::Either;
use leptos::prelude::*;

use crate::components::car::{CarIllustration, CarLook};
use crate::components::island;
use crate::components::price::PriceBreakdown;
use crate::components::reserve::{ChangeOrderButton, ReserveButton};
use crate::format;
use crate::functions::configuration::SaveConfiguration;
use crate::i18n::{error_text, use_lang, Lang};
use crate::models::{ConfiguratorData, Restored, ThresholdStatus, ThresholdView};

/// A click on an excluded option waiting for the user to accept dropping earlier choices.
#[derive(Clone, Debug, PartialEq)]
struct PendingResolution {
    option: String,
    drop: Vec<Choice>,
    result: Vec<Choice>,
}

/// The engine's verdict and the price, recomputed after every change of the choices.
#[derive(Clone, Debug, PartialEq)]
struct Verdict {
    check: Check,
    quote: Option<Quote>,
}

/// The interactive configurator for one catalog: an island in the main bundle, so the landing
/// page has its code (and the engine) at hand before the visitor clicks through (BENCHMARKS §4).
/// `order` is set when an order's configuration is being changed (`?order=`).
#[island]
pub fn Configurator(data: ConfiguratorData, order: Option<String>) -> impl IntoView {
    let lang = use_lang();
    let ConfiguratorData {
        catalog,
        selections,
        restored,
        campaign,
        thresholds,
    } = data;
    let thresholds = StoredValue::new(thresholds);
    let campaign_id = campaign.map(|c| c.id);
    let line = catalog.car_line.clone();
    let engine = match Engine::new(catalog.clone()) {
        Ok(engine) => Arc::new(Mutex::new(engine)),
        Err(error) => {
            return Either::Left(view! { <p class="error-box">{error.to_string()}</p> });
        }
    };
    let catalog = StoredValue::new(catalog);
    let choices = RwSignal::new(
        selections
            .into_iter()
            .map(Choice::Select)
            .collect::<Vec<_>>(),
    );
    let pending = RwSignal::new(None::<PendingResolution>);
    // Effects run only in the browser: this marks the page as interactive (used by tests).
    let hydrated = island::hydrated();
    let notice = RwSignal::new(None::<String>);

    let verdict = {
        let engine = engine.clone();
        Memo::new(move |_| {
            let mut engine = engine.lock().unwrap_or_else(|p| p.into_inner());
            let check = choices.with(|c| engine.check(c));
            let quote = engine.quote(&check);
            Verdict { check, quote }
        })
    };

    let click = {
        let engine = engine.clone();
        move |option: String| {
            notice.set(None);
            let outcome = {
                let mut engine = engine.lock().unwrap_or_else(|p| p.into_inner());
                choices.with_untracked(|c| engine.click(c, &option))
            };
            match outcome {
                Click::Updated(next) => choices.set(next),
                Click::NeedsResolution { drop, result } => pending.set(Some(PendingResolution {
                    option,
                    drop,
                    result,
                })),
                Click::Impossible => {
                    notice.set(Some(lang.get_untracked().texts().impossible.into()))
                }
            }
        }
    };
    let complete = {
        let engine = engine.clone();
        move |_| {
            let mut engine = engine.lock().unwrap_or_else(|p| p.into_inner());
            let next = choices.with_untracked(|c| engine.complete(c));
            choices.set(next);
        }
    };

    // The address keeps the choices (`?pick=`), so a reload, or the language switch, which
    // has the page rendered again, finds the same car.
    Effect::watch(
        move || choices.get(),
        {
            let order = order.clone();
            move |choices: &Vec<Choice>, _, _| keep_in_address(choices, order.as_deref())
        },
        false,
    );

    let save = ServerAction::<SaveConfiguration>::new();
    // A new choice invalidates the last saved code.
    Effect::new(move |_| {
        choices.track();
        save.value().set(None);
    });

    let look = Signal::derive(move || verdict.with(|v| car_look(&catalog.read_value(), &v.check)));
    let quote = Signal::derive(move || verdict.with(|v| v.quote.clone()));

    let groups = catalog.with_value(|c| c.groups.clone());
    let group_views = groups
        .into_iter()
        .map(|group| {
            let gid = group.id.clone();
            let options = group
                .options
                .iter()
                .map(|option| {
                    let id = option.id.clone();
                    let click = click.clone();
                    let option = option.clone();
                    let display = group.display;
                    let status = {
                        let id = id.clone();
                        Memo::new(move |_| {
                            verdict.with(|v| {
                                v.check
                                    .status(&id)
                                    .map(|s| (s.state, s.reasons.clone()))
                                    .unwrap_or((OptionState::Excluded, Vec::new()))
                            })
                        })
                    };
                    let state = move || status.with(|(s, _)| *s);
                    let on_click = {
                        let id = id.clone();
                        move |_| click(id.clone())
                    };
                    let price_mode = move || verdict.with(|v| v.check.sales_mode).unwrap_or(SalesMode::Purchase);
                    let price = option.price;
                    let name = option.name.clone();
                    let description = option.description.clone();
                    let swatch = option.swatch.clone();
                    let lease_terms = option.lease_terms;
                    let threshold = thresholds.with_value(|all| all.iter().find(|t| t.option == id).cloned());
                    view! {
                        <li>
                            <button
                                type="button"
                                class=move || format!("option option--{} option--{}", state_name(state()), display_name(display))
                                data-option=id.clone()
                                data-state=move || state_name(state())
                                aria-pressed=move || matches!(state(), OptionState::Selected | OptionState::Forced).to_string()
                                on:click=on_click
                            >
                                {swatch.map(|colour| view! { <span class="option__swatch" style=format!("background:{colour}")></span> })}
                                <span class="option__body">
                                    <span class="option__name">{let name = name.clone(); move || lang.get().pick(&name)}</span>
                                    {description.map(|d| view! { <span class="option__desc">{move || lang.get().pick(&d)}</span> })}
                                    {lease_terms.map(|terms| view! {
                                        <span class="option__lease">
                                            {move || lang.get().texts().price_lease} " "
                                            {format::money(terms.monthly_fee)} {move || lang.get().texts().per_month} " · "
                                            {format::number(u64::from(terms.mileage_cap_km_per_month))} " " {move || lang.get().texts().km_per_month}
                                        </span>
                                    })}
                                    {threshold.map(|t| view! { <OptionThreshold threshold=t/> })}
                                    <span class="option__price">
                                        {move || {
                                            let amount = match price_mode() {
                                                SalesMode::Purchase => price.purchase,
                                                SalesMode::Lease => price.lease,
                                            };
                                            format::delta(amount, lang.get())
                                        }}
                                    </span>
                                </span>
                                <span class="option__state">{move || state_label(state(), lang.get())}</span>
                                {move || {
                                    let (state, reasons) = status.get();
                                    matches!(state, OptionState::Forced | OptionState::Excluded).then(|| {
                                        let text = catalog.with_value(|c| describe_reasons(c, &reasons, lang.get()));
                                        view! { <span class="option__reason" data-testid="reason">{text}</span> }
                                    })
                                }}
                            </button>
                        </li>
                    }
                })
                .collect_view();
            let name = group.name.clone();
            let cardinality = group.cardinality;
            let list_class = format!("group__options group__options--{}", display_name(group.display));
            view! {
                <section class="group" data-group=gid.clone()>
                    <header class="group__head">
                        <h2>{move || lang.get().pick(&name)}</h2>
                        <span class="group__hint">
                            {move || {
                                let t = lang.get().texts();
                                match cardinality {
                                    Cardinality::ExactlyOne => t.choose_one,
                                    Cardinality::AtMostOne => t.choose_optional,
                                    Cardinality::Any => t.choose_any,
                                }
                            }}
                        </span>
                    </header>
                    <ul class=list_class>{options}</ul>
                </section>
            }
        })
        .collect_view();

    let summary = move || {
        let lang = lang.get();
        verdict.with(|v| {
            catalog.with_value(|catalog| {
                catalog
                    .groups
                    .iter()
                    .filter_map(|group| {
                        let chosen: Vec<String> = group
                            .options
                            .iter()
                            .filter(|o| {
                                v.check.status(&o.id).is_some_and(|s| {
                                    matches!(s.state, OptionState::Selected | OptionState::Forced)
                                })
                            })
                            .map(|o| lang.pick(&o.name))
                            .collect();
                        (!chosen.is_empty()).then(|| {
                            view! {
                                <div class="summary__row">
                                    <dt>{lang.pick(&group.name)}</dt>
                                    <dd>{chosen.join(lang.texts().list_sep)}</dd>
                                </div>
                            }
                        })
                    })
                    .collect_view()
            })
        })
    };

    let open_groups = move || {
        let lang = lang.get();
        verdict.with(|v| {
            catalog.with_value(|catalog| {
                v.check
                    .open_groups
                    .iter()
                    .filter_map(|id| catalog.groups.iter().find(|g| &g.id == id))
                    .map(|g| lang.pick(&g.name))
                    .collect::<Vec<_>>()
            })
        })
    };

    let can_save = move || verdict.with(|v| v.check.valid && v.check.complete);
    let on_save = {
        let line = line.clone();
        move |_| {
            let selections = choices.with_untracked(|c| {
                c.iter()
                    .filter_map(|choice| match choice {
                        Choice::Select(id) => Some(id.clone()),
                        Choice::Deselect(_) => None,
                    })
                    .collect::<Vec<_>>()
            });
            save.dispatch(SaveConfiguration {
                line: line.clone(),
                selections,
            });
        }
    };

    let title = catalog.with_value(|c| c.name.clone());
    Either::Right(view! {
        <div class="configurator" data-hydrated=move || hydrated.get().to_string()>
            <div class="configurator__head">
                <h1>{move || lang.get().texts().configure_title} " " {let title = title.clone(); move || lang.get().pick(&title)}</h1>
                {restored.map(|r| view! { <RestoredNotice restored=r/> })}
                {order.is_some().then(|| view! {
                    <p class="notice notice--warn" role="status" data-testid="changing-order">{move || lang.get().texts().changing_order}</p>
                })}
                {move || notice.get().map(|n| view! { <p class="notice notice--warn" role="status">{n}</p> })}
            </div>
            <div class="configurator__grid">
                <div class="configurator__groups">{group_views}</div>
                <aside class="configurator__panel">
                    <div class="panel-card">
                        <CarIllustration look/>
                        <dl class="summary" aria-label="summary">{summary}</dl>
                        <PriceBreakdown quote/>
                        <div class="status" data-testid="status">
                            {move || {
                                let t = lang.get().texts();
                                let open = open_groups();
                                if can_save() {
                                    Either::Left(view! { <p class="status__ok">{t.ready}</p> })
                                } else {
                                    Either::Right(view! { <p class="status__todo">{t.still_to_choose} ": " {open.join(t.list_sep)}</p> })
                                }
                            }}
                        </div>
                        <div class="actions">
                            <button type="button" class="btn btn--ghost" data-testid="complete" on:click=complete>
                                {move || lang.get().texts().complete_for_me}
                            </button>
                            <button type="button" class="btn btn--ghost" data-testid="reset" on:click=move |_| choices.set(Vec::new())>
                                {move || lang.get().texts().reset}
                            </button>
                            <button
                                type="button"
                                class="btn btn--primary"
                                data-testid="save"
                                disabled=move || !can_save() || save.pending().get()
                                title=move || (!can_save()).then(|| lang.get().texts().save_needs_complete)
                                on:click=on_save
                            >
                                {move || if save.pending().get() { lang.get().texts().saving } else { lang.get().texts().save }}
                            </button>
                        </div>
                        {move || save.value().get().map(|result| match result {
                            Ok(code) => Either::Left(view! { <ShareLink code campaign_id=campaign_id.clone() order=order.clone()/> }),
                            Err(error) => Either::Right(view! { <p class="notice notice--error" role="alert">{move || error_text(lang.get(), &error)}</p> }),
                        })}
                    </div>
                </aside>
            </div>
            {move || pending.get().map(|p| {
                let option_name = catalog.with_value(|c| c.option(&p.option).map(|(_, o)| o.name.clone()));
                let drop_names: Vec<String> = catalog.with_value(|c| {
                    p.drop.iter().map(|choice| describe_choice(c, choice, lang.get_untracked())).collect()
                });
                let result = p.result.clone();
                view! {
                    <div class="modal" role="dialog" aria-modal="true" aria-labelledby="conflict-title" data-testid="conflict">
                        <div class="modal__card">
                            <h2 id="conflict-title">{move || lang.get().texts().conflict_title}</h2>
                            <p>{move || (lang.get().texts().conflict_body)(&option_name.as_ref().map(|n| lang.get().pick(n)).unwrap_or_default())}</p>
                            <ul class="modal__drops">
                                {drop_names.into_iter().map(|n| view! { <li>{n}</li> }).collect_view()}
                            </ul>
                            <div class="actions">
                                <button type="button" class="btn btn--ghost" data-testid="conflict-cancel" on:click=move |_| pending.set(None)>
                                    {move || lang.get().texts().conflict_cancel}
                                </button>
                                <button type="button" class="btn btn--primary" data-testid="conflict-apply" on:click=move |_| {
                                    choices.set(result.clone());
                                    pending.set(None);
                                }>
                                    {move || lang.get().texts().conflict_apply}
                                </button>
                            </div>
                        </div>
                    </div>
                }
            })}
        </div>
    })
}

/// The share code and link after a save.
/// "Built if N people reserve it": the option's demand threshold and how close it is.
#[component]
fn OptionThreshold(threshold: ThresholdView) -> impl IntoView {
    let lang = use_lang();
    let share = (threshold.reached * 100 / threshold.target.max(1)).min(100);
    let status = threshold.status;
    view! {
        <span class=format!("option__threshold option__threshold--{}", status.as_str()) data-testid="option-threshold">
            <span class="option__threshold-track"><span style=format!("width:{share}%")></span></span>
            {move || {
                let t = lang.get().texts();
                let outcome = match status {
                    ThresholdStatus::Confirmed => t.threshold_confirmed,
                    ThresholdStatus::Dropped => t.threshold_dropped,
                    ThresholdStatus::Open => t.threshold_short,
                };
                format!(
                    "{outcome} {} / {}",
                    format::number(threshold.reached.max(0) as u64),
                    format::number(threshold.target.max(0) as u64)
                )
            }}
        </span>
    }
}

#[component]
fn ShareLink(code: String, campaign_id: Option<String>, order: Option<String>) -> impl IntoView {
    let lang = use_lang();
    let path = format!("/c/{code}");
    let href = path.clone();
    view! {
        <div class="share" data-testid="share">
            <p class="share__title">{move || lang.get().texts().saved_title} " · " <code data-testid="share-code">{code.clone()}</code></p>
            <p>
                {move || lang.get().texts().share_link} ": "
                <a href=href.clone() data-testid="share-link">{path.clone()}</a>
            </p>
            {match (order, campaign_id) {
                (Some(order_id), _) => Some(Either::Left(view! { <ChangeOrderButton order_id code=code.clone()/> })),
                (None, Some(campaign_id)) => Some(Either::Right(view! { <ReserveButton campaign_id code=code.clone()/> })),
                (None, None) => None,
            }}
        </div>
    }
}

/// What the page says when it was opened from a share link.
#[component]
fn RestoredNotice(restored: Restored) -> impl IntoView {
    let lang = use_lang();
    let Restored {
        code,
        saved_version,
        current_version,
        withdrawn,
    } = restored;
    view! {
        <div class="notice" role="status" data-testid="restored">
            <strong>{move || lang.get().texts().restored_title}</strong>
            " · " {move || lang.get().texts().restored_body} " " <code>{code.clone()}</code>
            {(saved_version != current_version).then(|| view! {
                <p>{move || (lang.get().texts().catalog_changed)(saved_version, current_version)}</p>
            })}
        </div>
        {(!withdrawn.is_empty()).then(|| view! {
            <div class="notice notice--warn" role="alert" data-testid="withdrawn">
                <strong>{move || lang.get().texts().withdrawn_title}</strong>
                <p>{move || lang.get().texts().withdrawn_body} " " {withdrawn.join(", ")}</p>
            </div>
        })}
    }
}

/// Writes the selected options into the address (`?pick=a,b`, beside `?order=`) without a new
/// history entry. Declined options are not kept: a reload offers them again.
fn keep_in_address(choices: &[Choice], order: Option<&str>) {
    #[cfg(feature = "hydrate")]
    {
        let picks: Vec<&str> = choices
            .iter()
            .filter_map(|choice| match choice {
                Choice::Select(id) => Some(id.as_str()),
                Choice::Deselect(_) => None,
            })
            .collect();
        let mut query = Vec::new();
        if let Some(order) = order {
            query.push(format!("order={order}"));
        }
        if !picks.is_empty() {
            query.push(format!("pick={}", picks.join(",")));
        }
        let window = window();
        let path = window.location().pathname().unwrap_or_default();
        let url = if query.is_empty() {
            path
        } else {
            format!("{path}?{}", query.join("&"))
        };
        if let Ok(history) = window.history() {
            let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (choices, order);
}

fn state_name(state: OptionState) -> &'static str {
    match state {
        OptionState::Selectable => "selectable",
        OptionState::Selected => "selected",
        OptionState::Forced => "forced",
        OptionState::Excluded => "excluded",
    }
}

fn display_name(display: GroupDisplay) -> &'static str {
    match display {
        GroupDisplay::Swatch => "swatch",
        GroupDisplay::Cards => "cards",
        GroupDisplay::List => "list",
    }
}

fn state_label(state: OptionState, lang: Lang) -> &'static str {
    let t = lang.texts();
    match state {
        OptionState::Selectable => "",
        OptionState::Selected => t.state_selected,
        OptionState::Forced => t.state_forced,
        OptionState::Excluded => t.state_excluded,
    }
}

fn option_name(catalog: &Catalog, id: &str, lang: Lang) -> String {
    catalog
        .option(id)
        .map(|(_, o)| lang.pick(&o.name))
        .unwrap_or_else(|| id.to_string())
}

fn describe_choice(catalog: &Catalog, choice: &Choice, lang: Lang) -> String {
    match choice {
        Choice::Select(id) => option_name(catalog, id, lang),
        Choice::Deselect(id) => format!("{} ✕", option_name(catalog, id, lang)),
    }
}

/// The reasons behind a forced or excluded option, in words.
pub fn describe_reasons(catalog: &Catalog, reasons: &[Reason], lang: Lang) -> String {
    let t = lang.texts();
    let mut chose = Vec::new();
    let mut declined = Vec::new();
    let mut rules = Vec::new();
    for reason in reasons {
        match reason {
            Reason::Chosen { option, selected } => {
                let name = (t.quoted)(&option_name(catalog, option, lang));
                if *selected {
                    chose.push(name)
                } else {
                    declined.push(name)
                }
            }
            Reason::Rule { rule } => {
                if let Some(rule) = catalog.rules.iter().find(|r| &r.id == rule) {
                    let text = lang.pick(&rule.text);
                    rules.push(text.trim_end_matches(['。', '.']).to_string());
                }
            }
            Reason::Group { group } => {
                if let Some(group) = catalog.groups.iter().find(|g| &g.id == group) {
                    let how = match group.cardinality {
                        Cardinality::AtMostOne => t.group_rule_at_most_one,
                        _ => t.group_rule_one,
                    };
                    rules.push(format!("{}: {how}", lang.pick(&group.name)));
                }
            }
        }
    }
    let mut parts = Vec::new();
    if !chose.is_empty() {
        parts.push(format!("{} {}", t.you_chose, chose.join(t.list_sep)));
    }
    if !declined.is_empty() {
        parts.push(format!("{} {}", t.you_declined, declined.join(t.list_sep)));
    }
    if !rules.is_empty() {
        parts.push(format!("{}: {}", t.rule, rules.join(t.clause_sep)));
    }
    format!("{}: {}", t.because, parts.join(" · "))
}

/// What the drawing shows for a configuration: taken from the options that are on.
fn car_look(catalog: &Catalog, check: &Check) -> CarLook {
    let on: Vec<&str> = check.chosen();
    let mut look = CarLook::default();
    for group in &catalog.groups {
        for option in &group.options {
            if !on.contains(&option.id.as_str()) {
                continue;
            }
            if let (GroupDisplay::Swatch, Some(colour)) = (group.display, &option.swatch) {
                look.paint = colour.clone();
                look.matte = option.id.contains("matte");
            }
            if let Some(inches) = ["17", "18", "19"]
                .iter()
                .find(|n| option.id.contains(*n) && group.id.contains("wheel"))
            {
                look.wheel_inches = inches.parse().unwrap_or(18);
            }
            if option.id.contains("glass") {
                look.glass_roof = true;
            }
            if option.id == "sport" || option.id.starts_with("sport_") {
                look.sport = true;
            }
        }
    }
    look
}
