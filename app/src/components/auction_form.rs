//! `/studio/auctions/new`: a marketer creates and schedules an auction. The browser gathers
//! the fields; the server validates every one and names the field it refuses, and the
//! message shows next to that field.

use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::auction_parts::{au, money, yuan_to_fen};
use crate::components::island;
use crate::components::time::local_to_utc_ms;
use crate::components::time::LocalTime;
use crate::error::AppError;
use crate::functions::auctions::CreateAuction;
use crate::i18n::{error_text, field_problem, use_lang, AuctionTexts};
use crate::models::{AuctionInput, TierInput};
use configurator::Money;

type Row = (u32, RwSignal<String>, RwSignal<String>);

fn rows(pairs: &[(i64, i64)]) -> RwSignal<Vec<Row>> {
    RwSignal::new(
        pairs
            .iter()
            .enumerate()
            .map(|(i, (from, value))| {
                (
                    i as u32,
                    RwSignal::new(grouped(*from)),
                    RwSignal::new(grouped(*value)),
                )
            })
            .collect(),
    )
}

/// Yuan as the form's defaults show them (the money crate's input form: `5000` or `999.50`).
fn grouped(fen: i64) -> String {
    Money(fen).yuan_plain()
}

fn tiers(rows: &[Row]) -> Vec<TierInput> {
    rows.iter()
        .map(|(_, from, value)| TierInput {
            from_fen: yuan_to_fen(&from.get_untracked()).unwrap_or(-1),
            value_fen: yuan_to_fen(&value.get_untracked()).unwrap_or(-1),
        })
        .collect()
}

/// `/studio/auctions/new`.
#[component]
pub fn NewAuctionPage() -> impl IntoView {
    let lang = use_lang();
    let t = move || au(lang.get());
    view! {
        <Title text=move || au(lang.get()).new_title/>
        <section class="studio">
            <nav class="auction__crumbs"><a href="/studio">{move || lang.get().texts().nav_studio}</a> " / " {move || t().new_title}</nav>
            <h1>{move || t().new_title}</h1>
            <p class="studio__intro">{move || t().new_intro}</p>
            <AuctionForm/>
        </section>
    }
}

/// The form, checked by the browser for what it can and by the server for everything. A
/// lazy island.
#[island(lazy)]
fn AuctionForm() -> impl IntoView {
    let lang = use_lang();
    let t = move || au(lang.get());
    let create = ServerAction::<CreateAuction>::new();
    let s = |v: &str| RwSignal::new(v.to_string());
    let title = s("");
    let car_line = s("xiaoman");
    let code = s("");
    let starting = s("300,000");
    let max_raise = s("200,000");
    let increments = rows(&[
        (0, 100_000),
        (100_000_000, 500_000),
        (1_000_000_000, 1_000_000),
    ]);
    let deposits = rows(&[
        (0, 2_000_000),
        (100_000_000, 10_000_000),
        (1_000_000_000, 50_000_000),
    ]);
    let starts = s("");
    let ends = s("");
    let anti = s("5");
    let reserve = s("");
    let confirm_h = s("48");
    let pay_h = s("72");
    let offer_h = s("24");
    let next_key = StoredValue::new(100u32);
    let hydrated = island::hydrated();
    Effect::new(move |_| {
        if starts.get_untracked().is_empty() {
            #[cfg(feature = "hydrate")]
            {
                let now = js_sys::Date::now() as i64;
                let hour = 3_600_000;
                starts.set(crate::components::time::local_input(
                    (now / hour + 1) * hour,
                ));
                ends.set(crate::components::time::local_input(
                    (now / hour + 1) * hour + 7 * 24 * hour,
                ));
            }
        }
    });
    // The field the server (or the browser, for dates) refused, and why.
    let local_error = RwSignal::new(None::<(String, String)>);
    let field_error = move || {
        local_error.get().or_else(|| match create.value().get() {
            Some(Err(AppError::InvalidField { field, message })) => {
                let problem = field_problem(lang.get(), &field, &message);
                Some((field, problem))
            }
            _ => None,
        })
    };
    let error_for = move |names: &'static [&'static str]| {
        move || {
            field_error()
                .filter(|(f, _)| names.contains(&f.as_str()))
                .map(|(f, message)| {
                    view! { <p class="field-error" role="alert" data-testid=format!("error-{f}")>{message}</p> }
                })
        }
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        local_error.set(None);
        let Some(starts_at) = local_to_utc_ms(&starts.get_untracked()) else {
            local_error.set(Some((
                "starts_at".into(),
                au(lang.get_untracked()).err_dates.into(),
            )));
            return;
        };
        let Some(ends_at) = local_to_utc_ms(&ends.get_untracked()) else {
            local_error.set(Some((
                "ends_at".into(),
                au(lang.get_untracked()).err_dates.into(),
            )));
            return;
        };
        let fen = |v: RwSignal<String>| yuan_to_fen(&v.get_untracked()).unwrap_or(-1);
        let int = |v: RwSignal<String>| v.get_untracked().trim().parse::<i64>().unwrap_or(-1);
        let reserve_text = reserve.get_untracked();
        let input = AuctionInput {
            title: title.get_untracked().trim().to_string(),
            car_line: car_line.get_untracked().trim().to_string(),
            configuration_code: code.get_untracked().trim().to_uppercase(),
            starting_price_fen: fen(starting),
            increments: increments.with_untracked(|r| tiers(r)),
            max_raise_fen: fen(max_raise),
            deposits: deposits.with_untracked(|r| tiers(r)),
            starts_at,
            ends_at,
            anti_sniping_minutes: int(anti),
            reserve_fen: (!reserve_text.trim().is_empty()).then(|| fen(reserve)),
            confirm_within_hours: int(confirm_h),
            pay_within_hours: int(pay_h),
            offer_within_hours: int(offer_h),
        };
        create.dispatch(CreateAuction { input });
    };

    let text_field = move |label: fn(&AuctionTexts) -> &'static str,
                           value: RwSignal<String>,
                           kind: &'static str,
                           name: &'static str,
                           names: &'static [&'static str],
                           prefix: Option<&'static str>| {
        view! {
            <label class="field" class:field--invalid=move || field_error().is_some_and(|(f, _)| names.contains(&f.as_str()))>
                <span class="field__label">{move || label(t())}</span>
                <span class="field__control" class:money-input=prefix.is_some()>
                    {prefix.map(|p| view! { <span aria-hidden="true">{p}</span> })}
                    <input type=kind name=name data-testid=format!("f-{name}")
                        inputmode=if prefix.is_some() { "decimal" } else { "text" }
                        prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev))/>
                </span>
                {error_for(names)}
            </label>
        }
    };
    let tier_table = move |legend: fn(&AuctionTexts) -> &'static str,
                           value_label: fn(&AuctionTexts) -> &'static str,
                           table: RwSignal<Vec<Row>>,
                           name: &'static str,
                           names: &'static [&'static str]| {
        view! {
            <fieldset class="tier-table" class:field--invalid=move || field_error().is_some_and(|(f, _)| names.contains(&f.as_str())) data-testid=format!("f-{name}")>
                <legend>{move || legend(t())}</legend>
                <div class="tier-table__head"><span>{move || t().tier_from}</span><span>{move || value_label(t())}</span><span></span></div>
                <For each=move || table.get() key=|row| row.0 let:row>
                    {
                        let (key, from, value) = row;
                        view! {
                            <div class="tier-table__row">
                                <span class="money-input"><span aria-hidden="true">"¥"</span>
                                    <input type="text" inputmode="decimal" aria-label=move || t().tier_from prop:value=move || from.get() on:input=move |ev| from.set(event_target_value(&ev))/></span>
                                <span class="money-input"><span aria-hidden="true">"¥"</span>
                                    <input type="text" inputmode="decimal" aria-label=move || value_label(t()) prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev))/></span>
                                <button type="button" class="btn btn--ghost btn--small" aria-label=move || t().remove_row
                                    disabled=move || table.with(|r| r.len() <= 1)
                                    on:click=move |_| table.update(|r| r.retain(|x| x.0 != key))>"×"</button>
                            </div>
                        }
                    }
                </For>
                <button type="button" class="btn btn--ghost btn--small" on:click=move |_| {
                    let key = next_key.get_value();
                    next_key.set_value(key + 1);
                    table.update(|r| r.push((key, RwSignal::new(String::new()), RwSignal::new(String::new()))));
                }>{move || t().add_row}</button>
                {error_for(names)}
            </fieldset>
        }
    };

    view! {
        <form class="studio__form auction-form" on:submit=submit novalidate=true data-testid="auction-form" data-hydrated=move || hydrated.get().to_string()>
            {view! { <fieldset>
                <legend class="studio__legend">{move || t().sec_edition}</legend>
                {text_field(|t| t.f_title, title, "text", "title", &["title"], None)}
                {text_field(|t| t.f_car_line, car_line, "text", "car_line", &["car_line"], None)}
                {text_field(|t| t.f_configuration_code, code, "text", "configuration_code", &["configuration_code"], None)}
            </fieldset> }.into_any()}
            {view! { <fieldset>
                <legend class="studio__legend">{move || t().sec_prices}</legend>
                {text_field(|t| t.starting_price, starting, "text", "starting_price_fen", &["starting_price_fen", "amounts"], Some("¥"))}
                {text_field(|t| t.max_raise, max_raise, "text", "max_raise_fen", &["max_raise_fen"], Some("¥"))}
                {text_field(|t| t.f_reserve, reserve, "text", "reserve_fen", &["reserve_fen"], Some("¥"))}
                {tier_table(|t| t.increments, |t| t.tier_increment, increments, "increments", &["increments"])}
                {tier_table(|t| t.deposits, |t| t.tier_deposit, deposits, "deposits", &["deposits"])}
            </fieldset> }.into_any()}
            {view! { <fieldset>
                <legend class="studio__legend">{move || t().sec_schedule}</legend>
                {text_field(|t| t.f_starts_at, starts, "datetime-local", "starts_at", &["starts_at"], None)}
                {text_field(|t| t.f_ends_at, ends, "datetime-local", "ends_at", &["ends_at"], None)}
                {text_field(|t| t.f_anti_sniping, anti, "number", "anti_sniping_minutes", &["anti_sniping_minutes"], None)}
                {text_field(|t| t.f_confirm_hours, confirm_h, "number", "confirm_within_hours", &["confirm_within_hours", "durations"], None)}
                {text_field(|t| t.f_pay_hours, pay_h, "number", "pay_within_hours", &["pay_within_hours"], None)}
                {text_field(|t| t.f_offer_hours, offer_h, "number", "offer_within_hours", &["offer_within_hours"], None)}
            </fieldset> }.into_any()}
            <button type="submit" class="btn btn--primary btn--large" data-testid="create-auction" disabled=move || create.pending().get()>
                {move || t().create_button}
            </button>
        </form>
        {move || create.value().get().map(|result| match result {
            Ok(auction) => Either::Left(view! {
                <div class="notice notice--ok" role="status" data-testid="auction-created">
                    <p><strong>{move || t().created}</strong> " · "
                        <a href=format!("/auctions/{}", auction.id) data-testid="created-link">{auction.title.clone()}</a></p>
                    <p>{move || t().starting_price} " " {money(auction.starting_price_fen)} " · " {move || t().starts} " " <LocalTime utc_ms=auction.starts_at/>
                        " · " {move || t().scheduled_end} " " <LocalTime utc_ms=auction.scheduled_end/></p>
                </div>
            }),
            Err(AppError::InvalidField { .. }) => Either::Right(view! {
                <p class="notice notice--error" role="alert" data-testid="form-error">{move || t().fix_fields}</p>
            }.into_any()),
            Err(AppError::Forbidden { .. }) => Either::Right(view! {
                <p class="notice notice--error" role="alert" data-testid="form-error">{move || t().only_marketers}</p>
            }.into_any()),
            Err(e) => Either::Right(view! { <p class="notice notice--error" role="alert" data-testid="form-error">{move || error_text(lang.get(), &e)}</p> }.into_any()),
        })}
    }
}
