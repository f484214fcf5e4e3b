//! Pieces the auction pages share: the server clock, the countdown that runs on it, paddle
//! numbers, phases, amounts typed in yuan, and refusals in plain words.

use leptos::either::Either;
use leptos::prelude::*;

use crate::error::{AppError, RuleDetails};
use crate::format;
use crate::i18n::{error_text, use_lang, AuctionTexts, Lang};
use crate::models::{AuctionPhase, AuctionState};
use configurator::Money;

/// The server's clock as the browser estimates it: `offset = server_now − Date.now()`,
/// updated from every server time the page receives. Never the raw client clock.
#[derive(Clone, Copy)]
pub struct ServerClock {
    offset: RwSignal<i64>,
    /// The estimated server time (UTC ms), ticking four times a second in the browser.
    pub now: RwSignal<i64>,
}

impl ServerClock {
    /// A clock set from a server time; on the server it stands still at that time.
    pub fn new(server_now: i64) -> Self {
        let clock = ServerClock {
            offset: RwSignal::new(0),
            now: RwSignal::new(server_now),
        };
        clock.sync(server_now);
        #[cfg(feature = "hydrate")]
        {
            let handle = set_interval_with_handle(
                move || clock.tick(),
                std::time::Duration::from_millis(250),
            );
            if let Ok(handle) = handle {
                on_cleanup(move || handle.clear());
            }
        }
        clock
    }

    /// Takes a fresh server time (a snapshot or a `time` event).
    pub fn sync(&self, server_now: i64) {
        #[cfg(feature = "hydrate")]
        {
            self.offset.set(server_now - js_sys::Date::now() as i64);
            self.tick();
        }
        #[cfg(not(feature = "hydrate"))]
        {
            let _ = self.offset;
            self.now.set(server_now);
        }
    }

    #[cfg(feature = "hydrate")]
    fn tick(&self) {
        if let Some(offset) = self.offset.try_get_untracked() {
            self.now.try_set(js_sys::Date::now() as i64 + offset);
        }
    }
}

/// The auction texts of a language.
pub fn au(lang: Lang) -> &'static AuctionTexts {
    lang.texts().au
}

/// "No. 17" / "17号牌": bidders are shown by paddle number only.
pub fn paddle(lang: Lang, n: i64) -> String {
    (au(lang).paddle)(n)
}

/// Money as shown: `¥78,200,000`.
pub fn money(fen: i64) -> String {
    Money(fen).yuan()
}

/// The phase of an auction in words, given the server time (an open auction past its end is
/// closing, one before its start is upcoming).
pub fn phase_label(lang: Lang, state: &AuctionState, starts_at: i64, now: i64) -> &'static str {
    let t = au(lang);
    match state.phase {
        AuctionPhase::Open if now < starts_at => t.ph_upcoming,
        AuctionPhase::Open if now >= state.ends_at => t.ph_closing,
        AuctionPhase::Open => t.ph_open,
        AuctionPhase::Unsold => t.ph_unsold,
        AuctionPhase::AwaitingConfirmation => t.ph_awaiting_confirmation,
        AuctionPhase::AwaitingPayment => t.ph_awaiting_payment,
        AuctionPhase::Paid => t.ph_paid,
        AuctionPhase::AwaitingDecision => t.ph_awaiting_decision,
        AuctionPhase::SecondChanceOffered => t.ph_second_chance,
        AuctionPhase::RerunScheduled => t.ph_rerun,
    }
}

/// A CSS modifier for the phase badge.
pub fn phase_class(state: &AuctionState, starts_at: i64, now: i64) -> &'static str {
    match state.phase {
        AuctionPhase::Open if now < starts_at => "upcoming",
        AuctionPhase::Open if now >= state.ends_at => "closing",
        AuctionPhase::Open => "live",
        AuctionPhase::Paid => "sold",
        AuctionPhase::Unsold | AuctionPhase::RerunScheduled => "ended",
        AuctionPhase::AwaitingConfirmation
        | AuctionPhase::AwaitingPayment
        | AuctionPhase::AwaitingDecision
        | AuctionPhase::SecondChanceOffered => "settling",
    }
}

/// Yuan as typed (`78200000`, `78,200,000`, `999.5`) to fen; `None` if unreadable.
pub fn yuan_to_fen(text: &str) -> Option<i64> {
    Money::parse_yuan(text).ok().map(Money::fen)
}

/// Fen as an input shows it: `78200000` or `999.50`.
pub fn fen_to_yuan(fen: i64) -> String {
    Money(fen).yuan_plain()
}

/// The amounts behind an auction's refusal, if it gave any.
pub fn details(error: &AppError) -> Option<&RuleDetails> {
    match error {
        AppError::AuctionRule { details, .. } => details.as_deref(),
        _ => None,
    }
}

/// Why an auction request was refused, in the user's language and with the amounts that
/// apply: [`error_text`], worded for the bid panel where it says more.
pub fn refusal(lang: Lang, error: &AppError) -> String {
    let t = au(lang);
    match error {
        AppError::Unauthenticated => t.err_login.to_string(),
        AppError::Forbidden { .. } => t.err_forbidden.to_string(),
        AppError::InvalidField { field, .. } if field == "amount_fen" || field == "max_fen" => {
            t.err_amount_invalid.to_string()
        }
        other => error_text(lang, other),
    }
}

/// A countdown on the server clock to the end (or, before the start, to the start).
#[component]
pub fn AuctionCountdown(
    clock: ServerClock,
    #[prop(into)] starts_at: Signal<i64>,
    #[prop(into)] ends_at: Signal<i64>,
    #[prop(into)] open: Signal<bool>,
) -> impl IntoView {
    let lang = use_lang();
    view! {
        <div class="au-countdown" role="timer" aria-live="off" data-testid="auction-countdown">
            {move || {
                let t = lang.get().texts();
                let now = clock.now.get();
                let (label, target) = if now < starts_at.get() {
                    (au(lang.get()).opens_in, starts_at.get())
                } else {
                    (au(lang.get()).ends_in, ends_at.get())
                };
                match format::countdown(now, target).filter(|_| open.get()) {
                    None => Either::Left(view! { <span class="au-countdown__ended">{au(lang.get()).bidding_closed}</span> }),
                    Some([d, h, m, s]) => {
                        let urgent = d == 0 && h == 0 && m < 5 && now >= starts_at.get();
                        let units = [(d, t.days), (h, t.hours), (m, t.minutes), (s, t.seconds)];
                        Either::Right(view! {
                            <span class="au-countdown__label">{label}</span>
                            <span class="au-countdown__units" class:au-countdown__units--urgent=urgent>
                                {units
                                    .into_iter()
                                    .map(|(n, unit)| view! {
                                        <span class="au-countdown__unit"><b>{format!("{n:02}")}</b><small>{unit}</small></span>
                                    })
                                    .collect_view()}
                            </span>
                        })
                    }
                }
            }}
        </div>
    }
}
