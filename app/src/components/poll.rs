//! A campaign's polls with live results; logged-in consumers vote (and may change their vote
//! until the poll closes).

use leptos::either::Either;
use leptos::prelude::*;

use crate::components::time::LocalTime;
use crate::error::AppError;
use crate::functions::presale::{load_campaign_detail, Vote};
use crate::i18n::use_lang;
use crate::models::PollView;

/// The polls of campaign `campaign_id`.
#[component]
pub fn CampaignPolls(campaign_id: String) -> impl IntoView {
    let lang = use_lang();
    let vote = ServerAction::<Vote>::new();
    let detail = Resource::new(
        move || vote.version().get(),
        move |_| load_campaign_detail(campaign_id.clone()),
    );
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let polls = detail.await.map(|d| d.polls).unwrap_or_default();
                (!polls.is_empty()).then(|| view! {
                    <section class="polls" aria-labelledby="polls-title">
                        <h2 id="polls-title" class="section-title">{move || lang.get().texts().poll_title}</h2>
                        {polls.into_iter().map(|poll| view! { <Poll poll vote/> }).collect_view()}
                        {move || vote.value().get().and_then(|r| r.err()).map(|e| match e {
                            AppError::Unauthenticated => Either::Left(view! {
                                <p class="notice" role="alert"><a href="/login?next=/">{move || lang.get().texts().login_to_vote}</a></p>
                            }),
                            other => Either::Right(view! { <p class="notice notice--error" role="alert">{other.to_string()}</p> }),
                        })}
                    </section>
                })
            })}
        </Transition>
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
