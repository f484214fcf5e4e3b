//! `/studio/campaigns/new`: marketers create a campaign with its terms, batches and a poll.
//! The server validates every field and names the one it refuses.

use configurator::Localized;
use leptos::either::EitherOf3;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::error::AppError;
use crate::format;
use crate::functions::presale::CreateCampaign;
use crate::i18n::use_lang;
use crate::models::{CampaignInput, PollChoiceInput, PollInput, ThresholdInput};

/// A `datetime-local` value read in the browser's zone, as UTC milliseconds.
fn local_to_utc_ms(value: &str) -> Option<i64> {
    #[cfg(feature = "hydrate")]
    {
        let ms = js_sys::Date::parse(value);
        (!ms.is_nan()).then_some(ms as i64)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = value;
        None
    }
}

/// Now plus `days`, as a `datetime-local` value in the browser's zone.
fn local_input(days: f64) -> String {
    #[cfg(feature = "hydrate")]
    {
        let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(
            js_sys::Date::now() + days * 86_400_000.0,
        ));
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}",
            d.get_full_year(),
            d.get_month() + 1,
            d.get_date(),
            d.get_hours(),
            d.get_minutes()
        )
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = days;
        String::new()
    }
}

/// Yuan as typed (`999`, `999.5`) to fen.
fn yuan_to_fen(text: &str) -> i64 {
    let text = text.trim().replace([',', '，'], "");
    let (whole, cents) = text.split_once('.').unwrap_or((&text, ""));
    let whole: i64 = whole.parse().unwrap_or(-1);
    let cents: i64 = format!("{cents:0<2}")[..2].parse().unwrap_or(0);
    whole.saturating_mul(100).saturating_add(cents)
}

/// The campaign creation form.
#[component]
pub fn NewCampaignPage() -> impl IntoView {
    let lang = use_lang();
    let t = move || lang.get().texts();
    let create = ServerAction::<CreateCampaign>::new();
    let field = |initial: &str| RwSignal::new(initial.to_string());
    let id = field("");
    let car_line = field("xiaoman");
    let title_zh = field("");
    let title_en = field("");
    let tagline_zh = field("");
    let tagline_en = field("");
    let opens = field("");
    let closes = field("");
    let batches = field("5000, 10000");
    let reservation = field("999");
    let earnest = field("5000");
    let cooling_off = field("168");
    let poll_zh = field("");
    let poll_en = field("");
    let poll_choices = field("");
    let threshold_option = field("");
    let threshold_target = field("");
    Effect::new(move |_| {
        if opens.get_untracked().is_empty() {
            opens.set(local_input(0.0));
            closes.set(local_input(30.0));
        }
    });
    let local_error = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        local_error.set(None);
        let (Some(opens_at), Some(closes_at)) = (
            local_to_utc_ms(&opens.get_untracked()),
            local_to_utc_ms(&closes.get_untracked()),
        ) else {
            local_error.set(Some(format!("{} / {}", t().f_opens_at, t().f_closes_at)));
            return;
        };
        let caps: Vec<i64> = batches
            .get_untracked()
            .split([',', '，', ' '])
            .filter(|s| !s.is_empty())
            .map(|s| s.parse().unwrap_or(0))
            .collect();
        let choices: Vec<PollChoiceInput> = poll_choices
            .get_untracked()
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|line| {
                let mut parts = line.splitn(3, [':', '：']).map(str::trim);
                let id = parts.next().unwrap_or_default().to_string();
                let zh = parts.next().unwrap_or(&id).to_string();
                let en = parts.next().unwrap_or(&zh).to_string();
                PollChoiceInput {
                    id,
                    label: Localized { zh, en },
                }
            })
            .collect();
        let polls = if poll_en.get_untracked().trim().is_empty()
            && poll_zh.get_untracked().trim().is_empty()
        {
            Vec::new()
        } else {
            vec![PollInput {
                question: Localized {
                    zh: poll_zh.get_untracked(),
                    en: poll_en.get_untracked(),
                },
                choices,
                closes_at,
            }]
        };
        create.dispatch(CreateCampaign {
            input: CampaignInput {
                id: id.get_untracked().trim().to_string(),
                car_line: car_line.get_untracked().trim().to_string(),
                catalog_version: None,
                title: Localized {
                    zh: title_zh.get_untracked(),
                    en: title_en.get_untracked(),
                },
                tagline: Localized {
                    zh: tagline_zh.get_untracked(),
                    en: tagline_en.get_untracked(),
                },
                warmup_at: opens_at,
                opens_at,
                closes_at,
                batches: caps,
                reservation_fen: yuan_to_fen(&reservation.get_untracked()),
                earnest_fen: yuan_to_fen(&earnest.get_untracked()),
                cooling_off_hours: cooling_off.get_untracked().trim().parse().unwrap_or(-1),
                polls,
                thresholds: {
                    let option = threshold_option.get_untracked().trim().to_string();
                    if option.is_empty() {
                        Vec::new()
                    } else {
                        vec![ThresholdInput {
                            option,
                            target: threshold_target.get_untracked().trim().parse().unwrap_or(0),
                            deadline: closes_at,
                        }]
                    }
                },
            },
        });
    };
    let input = move |label: fn(&crate::i18n::Texts) -> &'static str,
                      value: RwSignal<String>,
                      kind: &'static str,
                      testid: &'static str| {
        view! {
            <label>{move || label(t())}
                <input type=kind data-testid=testid prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev))/>
            </label>
        }
    };
    view! {
        <Title text=move || t().studio_title/>
        <section class="studio">
            <h1>{move || t().studio_title}</h1>
            <p class="studio__intro">{move || t().studio_intro}</p>
            <form class="studio__form" on:submit=submit>
                <fieldset>
                    {input(|t| t.f_campaign_id, id, "text", "f-id")}
                    {input(|t| t.f_car_line, car_line, "text", "f-car-line")}
                    {input(|t| t.f_title_zh, title_zh, "text", "f-title-zh")}
                    {input(|t| t.f_title_en, title_en, "text", "f-title-en")}
                    {input(|t| t.f_tagline_zh, tagline_zh, "text", "f-tagline-zh")}
                    {input(|t| t.f_tagline_en, tagline_en, "text", "f-tagline-en")}
                </fieldset>
                <fieldset>
                    {input(|t| t.f_opens_at, opens, "datetime-local", "f-opens")}
                    {input(|t| t.f_closes_at, closes, "datetime-local", "f-closes")}
                    {input(|t| t.f_batches, batches, "text", "f-batches")}
                    {input(|t| t.f_reservation, reservation, "text", "f-reservation")}
                    {input(|t| t.f_earnest, earnest, "text", "f-earnest")}
                    {input(|t| t.f_cooling_off, cooling_off, "number", "f-cooling-off")}
                    {input(|t| t.f_threshold_option, threshold_option, "text", "f-threshold-option")}
                    {input(|t| t.f_threshold_target, threshold_target, "number", "f-threshold-target")}
                </fieldset>
                <fieldset>
                    {input(|t| t.f_poll_zh, poll_zh, "text", "f-poll-zh")}
                    {input(|t| t.f_poll_en, poll_en, "text", "f-poll-en")}
                    <label>{move || t().f_poll_choices}
                        <textarea rows="4" data-testid="f-poll-choices" prop:value=move || poll_choices.get()
                            on:input=move |ev| poll_choices.set(event_target_value(&ev))></textarea>
                    </label>
                </fieldset>
                <button type="submit" class="btn btn--primary" data-testid="create-campaign" disabled=move || create.pending().get()>
                    {move || t().create_campaign}
                </button>
            </form>
            {move || local_error.get().map(|e| view! { <p class="notice notice--error" role="alert">{e}</p> })}
            {move || create.value().get().map(|result| match result {
                Ok(detail) => EitherOf3::A(view! {
                    <div class="notice notice--ok" role="status" data-testid="campaign-created">
                        <p><strong>{move || t().created_campaign}</strong> " · " <code>{detail.campaign.id.clone()}</code></p>
                        <p>{move || t().batch_fill} ": "
                            {detail.batches.iter().map(|b| format!("#{} {}/{}", b.seq, b.held, b.cap)).collect::<Vec<_>>().join(" · ")}
                        </p>
                        <p>{move || t().order_reservation} " " {format::money(detail.reservation)} " · " {move || t().order_earnest} " " {format::money(detail.earnest)}</p>
                        {detail.polls.first().map(|p| { let q = p.question.clone(); view! { <p>{move || lang.get().pick(&q)}</p> } })}
                    </div>
                }),
                Err(AppError::Forbidden { .. }) => EitherOf3::B(view! { <p class="notice notice--error" role="alert">{move || t().only_marketers}</p> }),
                Err(error) => EitherOf3::C(view! { <p class="notice notice--error" role="alert" data-testid="campaign-error">{error.to_string()}</p> }),
            })}
        </section>
    }
}
