//! A campaign's polls with live results; logged-in consumers vote (and may change their vote
//! until the poll closes).

use leptos::either::Either;
use leptos::prelude::*;

use crate::components::island;
use crate::components::time::LocalTime;
use crate::error::AppError;
use crate::format;
use crate::functions::presale::{load_campaign_detail, Vote};
use crate::i18n::{error_text, use_lang};
use crate::models::{PollView, ThresholdStatus, ThresholdView};

/// The demand thresholds and polls of campaign `campaign_id`, as the server reads them.
#[component]
pub fn CampaignPolls(campaign_id: String) -> impl IntoView {
    let lang = use_lang();
    let detail = Resource::new(|| (), move |_| load_campaign_detail(campaign_id.clone()));
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let Ok(detail) = detail.await else { return None };
                let thresholds = (!detail.thresholds.is_empty()).then(|| view! {
                    <section class="thresholds" aria-labelledby="thresholds-title">
                        <h2 id="thresholds-title" class="section-title">{move || lang.get().texts().thresholds_title}</h2>
                        <ul class="thresholds__list">
                            {detail.thresholds.into_iter().map(|t| view! { <Threshold threshold=t/> }).collect_view()}
                        </ul>
                    </section>
                });
                let polls = (!detail.polls.is_empty())
                    .then(|| view! { <Polls campaign_id=detail.campaign.id polls=detail.polls/> });
                Some(view! { {thresholds} {polls} })
            })}
        </Suspense>
    }
}

/// The polls with their results: a vote is sent, then the results are read again. An island
/// (in the main bundle: the landing page shows it).
#[island]
fn Polls(campaign_id: String, polls: Vec<PollView>) -> impl IntoView {
    let lang = use_lang();
    let vote = ServerAction::<Vote>::new();
    let polls = RwSignal::new(polls);
    let reread = island::reread(
        move || {
            let id = campaign_id.clone();
            async move { load_campaign_detail(id).await.map(|d| d.polls) }
        },
        polls,
    );
    Effect::watch(move || vote.version().get(), move |_, _, _| reread(), false);
    let hydrated = island::hydrated();
    view! {
        <section class="polls" aria-labelledby="polls-title" data-hydrated=move || hydrated.get().to_string()>
            <h2 id="polls-title" class="section-title">{move || lang.get().texts().poll_title}</h2>
            {move || polls.get().into_iter().map(|poll| view! { <Poll poll vote/> }).collect_view()}
            {move || vote.value().get().and_then(|r| r.err()).map(|e| match e {
                AppError::Unauthenticated => Either::Left(view! {
                    <p class="notice" role="alert"><a href="/login?next=/">{move || lang.get().texts().login_to_vote}</a></p>
                }),
                other => Either::Right(view! { <p class="notice notice--error" role="alert">{move || error_text(lang.get(), &other)}</p> }),
            })}
        </section>
    }
}

/// A demand threshold: its option, progress towards the target, deadline and outcome.
#[component]
fn Threshold(threshold: ThresholdView) -> impl IntoView {
    let lang = use_lang();
    let share = (threshold.reached * 100 / threshold.target.max(1)).min(100);
    let status = threshold.status;
    let name = threshold.name.clone();
    view! {
        <li class=format!("threshold threshold--{}", status.as_str()) data-testid="threshold" data-option=threshold.option.clone()>
            <div class="threshold__head">
                <strong>{move || lang.get().pick(&name)}</strong>
                <span class="threshold__status">{move || {
                    let t = lang.get().texts();
                    match status {
                        ThresholdStatus::Confirmed => t.threshold_confirmed,
                        ThresholdStatus::Dropped => t.threshold_dropped,
                        ThresholdStatus::Open => t.threshold_open,
                    }
                }}</span>
            </div>
            <div class="threshold__track" role="progressbar" aria-valuemin="0" aria-valuemax=threshold.target aria-valuenow=threshold.reached>
                <span class="threshold__fill" style=format!("width:{share}%")></span>
            </div>
            <p class="threshold__meta">
                <span data-testid="threshold-progress">{format::number(threshold.reached.max(0) as u64)} " / " {format::number(threshold.target.max(0) as u64)}</span>
                " · " {move || lang.get().texts().threshold_deadline} " " <LocalTime utc_ms=threshold.deadline/>
            </p>
        </li>
    }
}

#[component]
fn Poll(poll: PollView, vote: ServerAction<Vote>) -> impl IntoView {
    let lang = use_lang();
    let total: i64 = poll.choices.iter().map(|c| c.votes).sum();
    let poll_id = StoredValue::new(poll.id.clone());
    let question = poll.question.clone();
    view! {
        <div class="poll" data-testid="poll">
            <h3>{move || lang.get().pick(&question)}</h3>
            <ul class="poll__choices">
                {poll.choices.into_iter().map(|choice| {
                    let share = if total > 0 { choice.votes * 100 / total } else { 0 };
                    let mine = poll.my_vote.as_deref() == Some(choice.id.as_str());
                    let id = choice.id.clone();
                    let label = choice.label.clone();
                    view! {
                        <li class=if mine { "poll__choice poll__choice--mine" } else { "poll__choice" } data-choice=choice.id.clone()>
                            <button type="button" class="poll__button" data-testid="vote"
                                aria-pressed=mine.to_string()
                                disabled=move || vote.pending().get()
                                on:click=move |_| { vote.dispatch(Vote { poll_id: poll_id.get_value(), choice: id.clone() }); }>
                                <span class="poll__label">{move || lang.get().pick(&label)}</span>
                                <span class="poll__bar" style=format!("width:{share}%")></span>
                                <span class="poll__count" data-testid="vote-count">{choice.votes} " " {move || lang.get().texts().votes}</span>
                            </button>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <p class="poll__meta">{move || lang.get().texts().poll_closes} " " <LocalTime utc_ms=poll.closes_at/></p>
        </div>
    }
}
