//! The campaign form of the studio, for a new campaign and for editing one. The browser only
//! gathers the fields; the server validates every one and names the field it refuses.

use configurator::{Localized, Money};
use leptos::either::{Either, EitherOf3};
use leptos::prelude::*;

use crate::components::time::{local_input, local_to_utc_ms};
use crate::error::AppError;
use crate::format;
use crate::functions::presale::{CreateCampaign, UpdateCampaign};
use crate::i18n::{error_text, use_lang, Texts};
use crate::models::{
    CampaignDetail, CampaignInput, PollChoiceInput, PollInput, PollView, ThresholdInput,
};

fn now_ms() -> f64 {
    #[cfg(feature = "hydrate")]
    {
        js_sys::Date::now()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        0.0
    }
}

/// Yuan as typed (`999`, `999.5`) to fen; anything unreadable becomes -1, which the server
/// refuses with the field named.
fn yuan_to_fen(text: &str) -> i64 {
    Money::parse_yuan(text).map_or(-1, Money::fen)
}

/// Fen as the form shows it: `999` or `999.50`.
fn fen_to_yuan(amount: Money) -> String {
    amount.yuan_plain()
}

/// `id:中文:English` lines to poll choices.
fn parse_choices(text: &str) -> Vec<PollChoiceInput> {
    text.lines()
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
        .collect()
}

/// `option:target` lines to thresholds; a threshold the campaign already has keeps its
/// deadline, a new one is decided when the campaign closes.
fn parse_thresholds(text: &str, kept: &[ThresholdInput], closes_at: i64) -> Vec<ThresholdInput> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let (option, target) = line.split_once([':', '：']).unwrap_or((line, ""));
            let option = option.trim().to_string();
            let deadline = kept
                .iter()
                .find(|t| t.option == option)
                .map_or(closes_at, |t| t.deadline);
            ThresholdInput {
                target: target.trim().replace([',', '，'], "").parse().unwrap_or(0),
                option,
                deadline,
            }
        })
        .collect()
}

/// The form; `editing` holds the campaign as stored when editing one. A lazy island.
#[island(lazy)]
pub fn CampaignForm(editing: Option<CampaignDetail>) -> impl IntoView {
    let lang = use_lang();
    let t = move || lang.get().texts();
    let create = ServerAction::<CreateCampaign>::new();
    let update = ServerAction::<UpdateCampaign>::new();
    let field = |initial: String| RwSignal::new(initial);
    let stored = editing.clone();
    let text_of = |f: fn(&CampaignDetail) -> String, default: &str| {
        field(stored.as_ref().map_or(default.to_string(), f))
    };
    let id = text_of(|d| d.campaign.id.clone(), "");
    let car_line = text_of(|d| d.campaign.car_line.clone(), "xiaoman");
    let title_zh = text_of(|d| d.campaign.title.zh.clone(), "");
    let title_en = text_of(|d| d.campaign.title.en.clone(), "");
    let tagline_zh = text_of(|d| d.campaign.tagline.zh.clone(), "");
    let tagline_en = text_of(|d| d.campaign.tagline.en.clone(), "");
    let batches = text_of(
        |d| {
            let caps: Vec<String> = d.batches.iter().map(|b| b.cap.to_string()).collect();
            caps.join(", ")
        },
        "5000, 10000",
    );
    let reservation = text_of(|d| fen_to_yuan(d.reservation), "999");
    let earnest = text_of(|d| fen_to_yuan(d.earnest), "5000");
    let cooling_off = text_of(|d| d.cooling_off_hours.to_string(), "168");
    let thresholds = text_of(
        |d| {
            let lines: Vec<String> = d
                .thresholds
                .iter()
                .map(|t| format!("{}:{}", t.option, t.target))
                .collect();
            lines.join("\n")
        },
        "",
    );
    let warmup = field(String::new());
    let opens = field(String::new());
    let closes = field(String::new());
    let poll_zh = field(String::new());
    let poll_en = field(String::new());
    let poll_choices = field(String::new());
    let removed_polls = RwSignal::new(Vec::<String>::new());
    // Times are shown in the browser's zone, which only the browser knows.
    let times = stored.as_ref().map(|d| {
        (
            d.campaign.warmup_at,
            d.campaign.opens_at,
            d.campaign.closes_at,
        )
    });
    Effect::new(move |_| {
        if opens.get_untracked().is_empty() {
            let (w, o, c) = times.map_or_else(
                || (now_ms(), now_ms(), now_ms() + 30.0 * 86_400_000.0),
                |(w, o, c)| (w as f64, o as f64, c as f64),
            );
            warmup.set(local_input(w as i64));
            opens.set(local_input(o as i64));
            closes.set(local_input(c as i64));
        }
    });

    let local_error = RwSignal::new(None::<String>);
    // The campaign as last stored: after a save, its polls (and their ids) are the new ones.
    let base = RwSignal::new(stored.clone());
    Effect::new(move |_| {
        if let Some(Ok(saved)) = update.value().get() {
            base.set(Some(saved));
            removed_polls.set(Vec::new());
            poll_zh.set(String::new());
            poll_en.set(String::new());
            poll_choices.set(String::new());
        }
    });
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
        // Polls the campaign has stay as they are unless removed; a filled-in new poll is added.
        let removed = removed_polls.get_untracked();
        let base = base.get_untracked();
        let mut polls: Vec<PollInput> = base
            .iter()
            .flat_map(|d| d.polls.iter())
            .filter(|p| !removed.contains(&p.id))
            .map(|p| PollInput {
                id: Some(p.id.clone()),
                question: p.question.clone(),
                choices: p
                    .choices
                    .iter()
                    .map(|c| PollChoiceInput {
                        id: c.id.clone(),
                        label: c.label.clone(),
                    })
                    .collect(),
                closes_at: p.closes_at,
            })
            .collect();
        if !(poll_en.get_untracked().trim().is_empty() && poll_zh.get_untracked().trim().is_empty())
        {
            polls.push(PollInput {
                id: None,
                question: Localized {
                    zh: poll_zh.get_untracked(),
                    en: poll_en.get_untracked(),
                },
                choices: parse_choices(&poll_choices.get_untracked()),
                closes_at,
            });
        }
        let kept: Vec<ThresholdInput> = base
            .iter()
            .flat_map(|d| d.thresholds.iter())
            .map(|t| ThresholdInput {
                option: t.option.clone(),
                target: t.target,
                deadline: t.deadline,
            })
            .collect();
        // An empty warm-up means the campaign is announced when it opens.
        let warmup_at = local_to_utc_ms(&warmup.get_untracked()).unwrap_or(opens_at);
        let input = CampaignInput {
            id: id.get_untracked().trim().to_string(),
            car_line: car_line.get_untracked().trim().to_string(),
            catalog_version: base.as_ref().map(|d| d.campaign.catalog_version),
            title: Localized {
                zh: title_zh.get_untracked(),
                en: title_en.get_untracked(),
            },
            tagline: Localized {
                zh: tagline_zh.get_untracked(),
                en: tagline_en.get_untracked(),
            },
            warmup_at,
            opens_at,
            closes_at,
            batches: batches
                .get_untracked()
                .split([',', '，', ' '])
                .filter(|s| !s.is_empty())
                .map(|s| s.parse().unwrap_or(0))
                .collect(),
            reservation_fen: yuan_to_fen(&reservation.get_untracked()),
            earnest_fen: yuan_to_fen(&earnest.get_untracked()),
            cooling_off_hours: cooling_off.get_untracked().trim().parse().unwrap_or(-1),
            polls,
            thresholds: parse_thresholds(&thresholds.get_untracked(), &kept, closes_at),
        };
        match &base {
            Some(d) => {
                update.dispatch(UpdateCampaign {
                    id: d.campaign.id.clone(),
                    input,
                });
            }
            None => {
                create.dispatch(CreateCampaign { input });
            }
        }
    };

    let editing_now = stored.is_some();
    let input = move |label: fn(&Texts) -> &'static str,
                      value: RwSignal<String>,
                      kind: &'static str,
                      testid: &'static str| {
        view! {
            <label>{move || label(t())}
                <input type=kind data-testid=testid prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev))/>
            </label>
        }
    };
    let fixed = move |label: fn(&Texts) -> &'static str,
                      value: RwSignal<String>,
                      testid: &'static str| {
        if editing_now {
            Either::Left(view! {
                <label>{move || label(t())}
                    <input type="text" data-testid=testid readonly prop:value=move || value.get()/>
                </label>
            })
        } else {
            Either::Right(input(label, value, "text", testid))
        }
    };
    let pending = move || create.pending().get() || update.pending().get();
    let result = move || update.value().get().or_else(|| create.value().get());

    view! {
        <form class="studio__form" on:submit=submit>
            {view! { <fieldset>
                {fixed(|t| t.f_campaign_id, id, "f-id")}
                {fixed(|t| t.f_car_line, car_line, "f-car-line")}
                {input(|t| t.f_title_zh, title_zh, "text", "f-title-zh")}
                {input(|t| t.f_title_en, title_en, "text", "f-title-en")}
                {input(|t| t.f_tagline_zh, tagline_zh, "text", "f-tagline-zh")}
                {input(|t| t.f_tagline_en, tagline_en, "text", "f-tagline-en")}
            </fieldset> }.into_any()}
            {view! { <fieldset>
                {input(|t| t.f_warmup_at, warmup, "datetime-local", "f-warmup")}
                {input(|t| t.f_opens_at, opens, "datetime-local", "f-opens")}
                {input(|t| t.f_closes_at, closes, "datetime-local", "f-closes")}
                {input(|t| t.f_batches, batches, "text", "f-batches")}
                {input(|t| t.f_reservation, reservation, "text", "f-reservation")}
                {input(|t| t.f_earnest, earnest, "text", "f-earnest")}
                {input(|t| t.f_cooling_off, cooling_off, "number", "f-cooling-off")}
                <label>{move || t().f_thresholds}
                    <textarea rows="3" data-testid="f-thresholds" prop:value=move || thresholds.get()
                        on:input=move |ev| thresholds.set(event_target_value(&ev))></textarea>
                </label>
            </fieldset> }.into_any()}
            {view! { <fieldset>
                {move || {
                    let polls = base.get().map(|d| d.polls).unwrap_or_default();
                    (!polls.is_empty()).then(|| view! {
                        <div class="studio__polls">
                            <span class="studio__legend">{move || t().existing_polls}</span>
                            {polls.into_iter().map(|poll| view! { <ExistingPoll poll removed=removed_polls/> }).collect_view()}
                        </div>
                    })
                }}
                {input(|t| t.f_poll_zh, poll_zh, "text", "f-poll-zh")}
                {input(|t| t.f_poll_en, poll_en, "text", "f-poll-en")}
                <label>{move || t().f_poll_choices}
                    <textarea rows="4" data-testid="f-poll-choices" prop:value=move || poll_choices.get()
                        on:input=move |ev| poll_choices.set(event_target_value(&ev))></textarea>
                </label>
            </fieldset> }.into_any()}
            <button type="submit" class="btn btn--primary" data-testid="save-campaign" disabled=pending>
                {move || if editing_now { t().save_campaign } else { t().create_campaign }}
            </button>
        </form>
        {move || local_error.get().map(|e| view! { <p class="notice notice--error" role="alert">{e}</p> })}
        {move || result().map(|result| match result {
            Ok(detail) => EitherOf3::A(view! {
                <div class="notice notice--ok" role="status" data-testid="campaign-saved">
                    <p>
                        <strong>{move || if editing_now { t().saved_campaign } else { t().created_campaign }}</strong>
                        " · " <a href=format!("/studio/campaigns/{}", detail.campaign.id)><code>{detail.campaign.id.clone()}</code></a>
                    </p>
                    <p>{move || t().batch_fill} ": "
                        {detail.batches.iter().map(|b| format!("#{} {}/{}", b.seq, b.held, b.cap)).collect::<Vec<_>>().join(" · ")}
                    </p>
                    <p>{move || t().order_reservation} " " {format::money(detail.reservation)} " · " {move || t().order_earnest} " " {format::money(detail.earnest)}</p>
                    <p>{detail.polls.len()} " × " {move || t().poll_title} " · " {detail.thresholds.len()} " × " {move || t().thresholds_title}</p>
                </div>
            }),
            Err(AppError::Forbidden { .. }) => EitherOf3::B(view! { <p class="notice notice--error" role="alert">{move || t().only_marketers}</p> }),
            Err(error) => EitherOf3::C(view! { <p class="notice notice--error" role="alert" data-testid="campaign-error">{move || error_text(lang.get(), &error)}</p> }),
        })}
    }
}

/// A poll the campaign already has: kept while it has votes, otherwise removable.
#[component]
fn ExistingPoll(poll: PollView, removed: RwSignal<Vec<String>>) -> impl IntoView {
    let lang = use_lang();
    let t = move || lang.get().texts();
    let votes: i64 = poll.choices.iter().map(|c| c.votes).sum();
    let question = poll.question.clone();
    let id = poll.id.clone();
    let toggle = move |ev: leptos::ev::Event| {
        let id = id.clone();
        removed.update(|r| {
            r.retain(|x| *x != id);
            if event_target_checked(&ev) {
                r.push(id)
            }
        });
    };
    let choices: Vec<String> = poll.choices.iter().map(|c| c.id.clone()).collect();
    view! {
        <div class="studio__poll">
            <strong>{move || lang.get().pick(&question).to_string()}</strong>
            <span class="muted">{choices.join(" · ")}</span>
            {if votes > 0 {
                Either::Left(view! { <span class="muted">{votes} " " {move || t().votes} " · " {move || t().poll_kept_votes}</span> })
            } else {
                Either::Right(view! {
                    <label class="studio__check"><input type="checkbox" on:change=toggle/>{move || t().remove_poll}</label>
                })
            }}
        </div>
    }
}
