//! After the end: the settlement panel of the live auction page, by phase. The winner confirms
//! and pays; a runner-up with a second-chance offer accepts or declines; when the winner
//! defaulted, the marketer offers a second chance, re-runs the auction or abandons it.

use leptos::either::Either;
use leptos::prelude::*;

use crate::components::auction_parts::{au, money, paddle, refusal};
use crate::components::time::{local_input, local_to_utc_ms, LocalTime};
use crate::functions::auctions::{PayPrice, Rerun, Settle};
use crate::functions::orders::new_key;
use crate::i18n::use_lang;
use crate::models::{AuctionPhase as P, SettlementStep};
use crate::routes::auctions::Live;

/// The settlement panel; empty while bidding runs.
#[component]
pub fn SettlementPanel() -> impl IntoView {
    let lang = use_lang();
    let live = expect_context::<Live>();
    let t = move || au(lang.get());
    let settle = ServerAction::<Settle>::new();
    let pay = ServerAction::<PayPrice>::new();
    let rerun = ServerAction::<Rerun>::new();
    Effect::new(move |_| {
        if let Some(Ok(view)) = settle.value().get() {
            live.apply(view.version, &[], view.state.clone());
            live.take_view(view);
        }
    });
    let step = move |step: SettlementStep| {
        settle.dispatch(Settle {
            id: live.id.get_value(),
            step,
        });
    };
    let rerun_start = RwSignal::new(String::new());
    let rerun_end = RwSignal::new(String::new());
    Effect::new(move |_| {
        let now = live.clock.now.get_untracked();
        if rerun_start.get_untracked().is_empty() {
            rerun_start.set(local_input(now + 86_400_000));
            rerun_end.set(local_input(now + 8 * 86_400_000));
        }
    });
    let rerun_error = RwSignal::new(false);
    let send_rerun = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match (
            local_to_utc_ms(&rerun_start.get_untracked()),
            local_to_utc_ms(&rerun_end.get_untracked()),
        ) {
            (Some(starts_at), Some(ends_at)) => {
                rerun_error.set(false);
                rerun.dispatch(Rerun {
                    id: live.id.get_value(),
                    starts_at,
                    ends_at,
                });
            }
            _ => rerun_error.set(true),
        }
    };

    let body = move || {
        let state = live.state.get();
        let you = live.you.get().map(|y| y.paddle);
        let s = state.settlement.clone();
        let concerned = s.as_ref().is_some_and(|s| Some(s.paddle) == you);
        let who = s
            .as_ref()
            .map(|s| paddle(lang.get(), s.paddle))
            .unwrap_or_default();
        let price = s.as_ref().map(|s| money(s.amount_fen)).unwrap_or_default();
        let deadline = s.as_ref().and_then(|s| s.deadline);
        let until = move || {
            deadline.map(|d| view! { <p class="settle__deadline">{t().deadline} " " <LocalTime utc_ms=d/></p> })
        };
        let phase = state.phase;
        let (title, text): (&'static str, String) = match phase {
            P::AwaitingConfirmation if concerned => (t().you_won, (t().confirm_note)(&price)),
            P::AwaitingConfirmation => (
                t().ph_awaiting_confirmation,
                (t().waiting_winner)(&who, &price),
            ),
            P::AwaitingPayment if concerned => (t().pay_title, (t().pay_note)(&price)),
            P::AwaitingPayment => (t().ph_awaiting_payment, (t().waiting_payment)(&who, &price)),
            P::Paid => (t().ph_paid, (t().sold_to)(&who, &price)),
            P::AwaitingDecision => (t().ph_awaiting_decision, t().decision_note.to_string()),
            P::SecondChanceOffered if concerned => (t().offer_title, (t().offer_note)(&price)),
            P::SecondChanceOffered => (t().ph_second_chance, (t().offered_to)(&who, &price)),
            P::Unsold => (t().ph_unsold, t().unsold_note.to_string()),
            P::RerunScheduled => (t().ph_rerun, t().rerun_note.to_string()),
            P::Open => return None,
        };
        let actions = match phase {
            P::AwaitingConfirmation if concerned => Some(view! {
                <button type="button" class="btn btn--primary btn--large" data-testid="settle-confirm"
                    disabled=move || settle.pending().get() on:click=move |_| step(SettlementStep::Confirm)>{t().confirm_purchase}</button>
            }.into_any()),
            P::AwaitingPayment if concerned => Some(view! {
                <button type="button" class="btn btn--primary btn--large" data-testid="settle-pay"
                    disabled=move || pay.pending().get()
                    on:click=move |_| { pay.dispatch(PayPrice { id: live.id.get_value(), idempotency_key: new_key() }); }>
                    {t().pay_button}
                </button>
            }.into_any()),
            P::SecondChanceOffered if concerned => Some(view! {
                <div class="actions">
                    <button type="button" class="btn btn--ghost" data-testid="settle-decline"
                        disabled=move || settle.pending().get() on:click=move |_| step(SettlementStep::Decline)>{t().decline}</button>
                    <button type="button" class="btn btn--primary" data-testid="settle-accept"
                        disabled=move || settle.pending().get() on:click=move |_| step(SettlementStep::Accept)>{t().accept}</button>
                </div>
            }.into_any()),
            P::AwaitingDecision if live.can_manage => Some(view! {
                <div class="settle__manage">
                    <div class="actions">
                        <button type="button" class="btn btn--primary" data-testid="settle-second-chance"
                            disabled=move || settle.pending().get() on:click=move |_| step(SettlementStep::OfferSecondChance)>{t().second_chance}</button>
                        <button type="button" class="btn btn--ghost" data-testid="settle-abandon"
                            disabled=move || settle.pending().get() on:click=move |_| step(SettlementStep::Abandon)>{t().abandon}</button>
                    </div>
                    <form class="settle__rerun" on:submit=send_rerun>
                        <strong>{t().rerun_title}</strong>
                        <label>{t().f_starts_at}
                            <input type="datetime-local" data-testid="rerun-start" prop:value=move || rerun_start.get()
                                on:input=move |ev| rerun_start.set(event_target_value(&ev))/>
                        </label>
                        <label>{t().f_ends_at}
                            <input type="datetime-local" data-testid="rerun-end" prop:value=move || rerun_end.get()
                                on:input=move |ev| rerun_end.set(event_target_value(&ev))/>
                        </label>
                        <button type="submit" class="btn" data-testid="settle-rerun" disabled=move || rerun.pending().get()>{t().rerun_button}</button>
                    </form>
                </div>
            }.into_any()),
            _ => None,
        };
        Some(view! {
            <div class=format!("settle settle--{phase}") data-testid="settlement" data-phase=phase.as_str()>
                <h2>{title}</h2>
                <p>{text}</p>
                {until()}
                {actions}
            </div>
        })
    };

    view! {
        <div class="settle-wrap">
            {body}
            {move || settle.value().get().and_then(|r| r.err()).map(|e| view! {
                <p class="notice notice--error" role="alert" data-testid="settle-error">{move || refusal(lang.get(), &e)}</p>
            })}
            {move || pay.value().get().map(|r| match r {
                Ok(receipt) => Either::Left(view! {
                    <p class="notice notice--ok" role="status" data-testid="pay-requested">{move || (t().pay_requested)(&money(receipt.amount_fen))}</p>
                }),
                Err(e) => Either::Right(view! { <p class="notice notice--error" role="alert">{move || refusal(lang.get(), &e)}</p> }),
            })}
            {move || rerun_error.get().then(|| view! { <p class="notice notice--error" role="alert">{move || t().err_dates}</p> })}
            {move || rerun.value().get().map(|r| match r {
                Ok(next) => Either::Left(view! {
                    <p class="notice notice--ok" role="status" data-testid="rerun-created">{move || t().rerun_created} " "
                        <a href=format!("/auctions/{}", next.id)>{next.title.clone()}</a></p>
                }),
                Err(e) => Either::Right(view! { <p class="notice notice--error" role="alert">{move || refusal(lang.get(), &e)}</p> }),
            })}
        </div>
    }
}
