//! Live auctions for numbered editions: `/auctions` lists them, `/auctions/{id}` is the live
//! auction (bidders and watchers), `/studio/auctions/new` creates one.
//!
//! The server renders each page from its server function, so it is readable before the wasm
//! arrives. In the browser the live page then follows the auction's event stream
//! (`/api/v1/auctions/{id}/events`): every accepted bid and end-time change shows at once, and
//! countdowns run on the server's clock (offset from the stream's times), not the visitor's.

use leptos::either::{Either, EitherOf3};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::components::auction_parts::{
    au, fen_to_yuan, money, paddle, phase_class, phase_label, refusal, yuan_to_fen,
    AuctionCountdown, ServerClock,
};
use crate::components::auction_settle::SettlementPanel;
use crate::components::island;
use crate::components::time::LocalTime;
use crate::error::AppError;
use crate::functions::auctions::{
    load_auction, load_auction_page, load_auctions, AuctionPage, PayDeposit, PlaceBid, SetProxyMax,
};
use crate::functions::orders::new_key;
use crate::i18n::{error_text, use_lang};
use crate::models::{
    AuctionPhase, AuctionState, AuctionView, BidKind, BidView, BidderStanding, TierInput,
};

pub use crate::components::auction_form::NewAuctionPage;

/// The value of a tier table at `amount` (tables start at 0 and ascend).
pub fn tier_value(tiers: &[TierInput], amount: i64) -> i64 {
    tiers
        .iter()
        .take_while(|t| t.from_fen <= amount)
        .last()
        .map_or(0, |t| t.value_fen)
}

/// `/auctions`: every auction with its price, phase and countdown.
#[component]
pub fn AuctionsPage() -> impl IntoView {
    let lang = use_lang();
    let list = Resource::new(|| (), |_| load_auctions());
    view! {
        <Title text=move || au(lang.get()).list_title/>
        <section class="auctions">
            <header class="auctions__head">
                <p class="eyebrow">{move || au(lang.get()).list_eyebrow}</p>
                <h1>{move || au(lang.get()).list_title}</h1>
                <p class="auctions__intro">{move || au(lang.get()).list_intro}</p>
            </header>
            <Transition fallback=move || view! { <p class="loading">{move || lang.get().texts().loading}</p> }>
                {move || Suspend::new(async move {
                    match list.await {
                        Ok(list) if list.is_empty() => EitherOf3::A(view! {
                            <p class="empty-state" data-testid="auctions-empty">{move || au(lang.get()).list_empty}</p>
                        }),
                        Ok(list) => EitherOf3::B(view! {
                            <ul class="auction-grid">
                                {list.into_iter().map(|a| view! { <AuctionCard auction=a/> }).collect_view()}
                            </ul>
                        }),
                        Err(e) => EitherOf3::C(view! { <p class="notice notice--error" role="alert">{move || error_text(lang.get(), &e)}</p> }),
                    }
                })}
            </Transition>
        </section>
    }
}

/// One auction in the list; its phase and countdown run on the server clock. An island.
#[island(lazy)]
fn AuctionCard(auction: AuctionView) -> impl IntoView {
    let lang = use_lang();
    let clock = ServerClock::new(auction.server_now);
    let state = auction.state.clone();
    let starts_at = auction.starts_at;
    let ends_at = state.ends_at;
    let open = state.phase == AuctionPhase::Open;
    let href = format!("/auctions/{}", auction.id);
    let current = state.current_fen;
    let price = money(current.unwrap_or(auction.starting_price_fen));
    let badge_state = state.clone();
    let bids = state.bid_count;
    let bidders = state.bidders;
    let leader = state.leader_paddle;
    view! {
        <li class="auction-card" data-testid="auction-card" data-id=auction.id.clone()>
            <a class="auction-card__link" href=href.clone() data-testid=format!("auction-{}", auction.id)>
                <div class="auction-card__top">
                    <span class="auction-card__line">{let name = auction.car_name.clone(); move || lang.get().pick(&name)}</span>
                    <span class=move || format!("phase-badge phase-badge--{}", phase_class(&badge_state, starts_at, clock.now.get()))>
                        {
                            let s = state.clone();
                            move || phase_label(lang.get(), &s, starts_at, clock.now.get())
                        }
                    </span>
                </div>
                <h2 class="auction-card__title">{auction.title.clone()}</h2>
                <p class="auction-card__label">{move || if current.is_some() { au(lang.get()).current_bid } else { au(lang.get()).starting_price }}</p>
                <p class="auction-card__price" data-testid="card-price">{price}</p>
                <p class="auction-card__meta">
                    {move || (au(lang.get()).bids_n)(bids)}
                    " · " {move || (au(lang.get()).bidders_n)(bidders)}
                    {move || leader.map(|p| format!(" · {}", (au(lang.get()).leader_is)(&paddle(lang.get(), p))))}
                </p>
                <AuctionCountdown clock starts_at=Signal::stored(starts_at) ends_at=Signal::stored(ends_at) open=Signal::stored(open)/>
            </a>
        </li>
    }
}

/// `/auctions/{id}`: the live auction.
#[component]
pub fn AuctionLivePage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let page = Resource::new(
        move || params.read().get("id").unwrap_or_default(),
        load_auction_page,
    );
    view! {
        <Transition fallback=move || view! { <p class="loading">{move || lang.get().texts().loading}</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(data) => EitherOf3::A(view! {
                        <Title text=data.auction.title.clone()/>
                        <LiveAuction data/>
                    }),
                    Err(AppError::NotFound { .. }) => EitherOf3::B(view! {
                        <section class="auctions">
                            <Title text=move || au(lang.get()).not_found/>
                            <p class="notice notice--error" role="alert">{move || au(lang.get()).not_found}</p>
                            <a class="btn" href="/auctions">{move || au(lang.get()).back_to_list}</a>
                        </section>
                    }),
                    Err(e) => EitherOf3::C(view! { <p class="notice notice--error" role="alert">{move || error_text(lang.get(), &e)}</p> }),
                }
            })}
        </Transition>
    }
}

/// The state of one auction page, shared by its parts.
#[derive(Clone, Copy)]
pub struct Live {
    /// The auction's id.
    pub id: StoredValue<String>,
    /// The settings and the last full view (the state lives in `state`).
    pub info: StoredValue<AuctionView>,
    /// The public state, live.
    pub state: RwSignal<AuctionState>,
    /// The log position of `state`.
    pub version: RwSignal<i64>,
    /// The viewer's standing.
    pub you: RwSignal<Option<BidderStanding>>,
    /// Accepted bids, oldest first.
    pub bids: RwSignal<Vec<BidView>>,
    /// The server clock.
    pub clock: ServerClock,
    /// Whether the event stream is connected.
    pub connected: RwSignal<bool>,
    /// Whether the viewer runs auctions.
    pub can_manage: bool,
}

impl Live {
    /// Applies what one log entry (or the answer to our own request) changed; entries at or
    /// before the shown position are ignored, so the stream and an answer never double up.
    pub fn apply(&self, seq: i64, new_bids: &[BidView], state: AuctionState) {
        if seq <= self.version.get_untracked() {
            return;
        }
        self.version.set(seq);
        if !new_bids.is_empty() {
            self.bids.update(|list| {
                let last = list.last().map_or(0, |b| b.seq);
                list.extend(new_bids.iter().filter(|b| b.seq > last).cloned());
            });
        }
        self.state.set(state);
    }

    /// Takes a full view (a snapshot or a reload): the viewer's standing and the clock; the
    /// state if it is newer.
    pub fn take_view(&self, view: AuctionView) {
        self.clock.sync(view.server_now);
        if view.you.is_some() || self.you.get_untracked().is_none() {
            self.you.set(view.you.clone());
        }
        if view.version > self.version.get_untracked() {
            self.state.set(view.state.clone());
        }
    }
}

/// The live auction: its parts share one [`Live`] state, fed by the event stream. A lazy
/// island.
#[island(lazy)]
fn LiveAuction(data: AuctionPage) -> impl IntoView {
    let lang = use_lang();
    let view_data = data.auction;
    let live = Live {
        id: StoredValue::new(view_data.id.clone()),
        info: StoredValue::new(view_data.clone()),
        state: RwSignal::new(view_data.state.clone()),
        version: RwSignal::new(view_data.version),
        you: RwSignal::new(view_data.you.clone()),
        bids: RwSignal::new(data.bids),
        clock: ServerClock::new(view_data.server_now),
        connected: RwSignal::new(false),
        can_manage: data.can_manage,
    };
    provide_context(live);

    #[cfg(feature = "hydrate")]
    follow_stream(live, &view_data.id, view_data.version);

    let title = view_data.title.clone();
    let hydrated = island::hydrated();
    view! {
        <section class="auction" data-testid="auction" data-id=view_data.id.clone() data-hydrated=move || hydrated.get().to_string()>
            <nav class="auction__crumbs"><a href="/auctions">{move || au(lang.get()).list_title}</a> " / " {title.clone()}</nav>
            <div class="auction__layout">
                <div class="auction__main">
                    {view! { <AuctionHero/> }.into_any()}
                    {view! { <SettlementPanel/> }.into_any()}
                    {view! { <BidHistory/> }.into_any()}
                </div>
                <aside class="auction__side">
                    {view! { <BidPanel/> }.into_any()}
                    {view! { <RulesCard/> }.into_any()}
                </aside>
            </div>
        </section>
    }
}

/// Follows the event stream: `snapshot` and `time` set the clock, `entry` applies a log entry.
/// The browser reconnects by itself (sending `Last-Event-ID`); the stream closes with the page.
#[cfg(feature = "hydrate")]
fn follow_stream(live: Live, id: &str, version: i64) {
    use crate::models::FeedEntry;
    use leptos::__reexports::send_wrapper::SendWrapper;
    use wasm_bindgen::{closure::Closure, JsCast};

    let url = format!("/api/v1/auctions/{id}/events?after={version}");
    let Ok(source) = web_sys::EventSource::new(&url) else {
        return;
    };
    let data = |ev: &web_sys::MessageEvent| ev.data().as_string().unwrap_or_default();
    let on_entry =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
            if let Ok(entry) = serde_json::from_str::<FeedEntry>(&data(&ev)) {
                live.apply(entry.seq, &entry.bids, entry.state);
            }
        });
    let on_snapshot =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
            if let Ok(view) = serde_json::from_str::<AuctionView>(&data(&ev)) {
                live.take_view(view);
            }
            live.connected.set(true);
        });
    let on_time =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
            if let Ok(value) = serde_json::from_str::<serde_json::Value>(&data(&ev)) {
                if let Some(now) = value.get("server_now").and_then(|v| v.as_i64()) {
                    live.clock.sync(now);
                }
            }
            live.connected.set(true);
        });
    let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |_: web_sys::Event| {
        live.connected.set(false);
    });
    let _ = source.add_event_listener_with_callback("entry", on_entry.as_ref().unchecked_ref());
    let _ =
        source.add_event_listener_with_callback("snapshot", on_snapshot.as_ref().unchecked_ref());
    let _ = source.add_event_listener_with_callback("time", on_time.as_ref().unchecked_ref());
    source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    let held = SendWrapper::new((source, on_entry, on_snapshot, on_time, on_error));
    on_cleanup(move || {
        let (source, ..) = &*held;
        source.close();
        drop(held);
    });
}

#[component]
fn AuctionHero() -> impl IntoView {
    let lang = use_lang();
    let live = expect_context::<Live>();
    let info = live.info.get_value();
    let t = move || au(lang.get());
    let state = live.state;
    let starts_at = info.starts_at;
    let scheduled_end = info.scheduled_end;
    let has_reserve = info.has_reserve;
    let code = info.configuration_code.clone();
    let open = Signal::derive(move || state.with(|s| s.phase == AuctionPhase::Open));
    view! {
        <div class="auction-hero">
            <div class="auction-hero__top">
                <div>
                    <p class="eyebrow">{let name = info.car_name.clone(); move || lang.get().pick(&name)} " · " {move || t().edition}</p>
                    <h1 class="auction-hero__title">{info.title.clone()}</h1>
                    <p class="auction-hero__config">{move || t().configuration} " "
                        <a href=format!("/c/{code}")><code>{code.clone()}</code></a>
                    </p>
                </div>
                <div class="auction-hero__status">
                    <span data-testid="phase" class=move || format!("phase-badge phase-badge--{}", state.with(|s| phase_class(s, starts_at, live.clock.now.get())))>
                        {move || state.with(|s| phase_label(lang.get(), s, starts_at, live.clock.now.get()))}
                    </span>
                    <span class="live-dot" data-testid="live-dot" data-connected=move || live.connected.get().to_string() class:live-dot--on=move || live.connected.get() title=move || t().live_hint>
                        {move || if live.connected.get() { t().live } else { t().offline }}
                    </span>
                </div>
            </div>
            <div class="auction-hero__price-row">
                <div class="auction-hero__price">
                    <p class="auction-hero__label">{move || if state.with(|s| s.current_fen.is_some()) { t().current_bid } else { t().starting_price }}</p>
                    <p class="auction-hero__amount" data-testid="current-price" aria-live="polite">
                        {move || money(state.with(|s| s.current_fen.unwrap_or(info.starting_price_fen)))}
                    </p>
                    <p class="auction-hero__leader" data-testid="leader">
                        {move || match state.with(|s| s.leader_paddle) {
                            Some(p) => (t().leader_is)(&paddle(lang.get(), p)),
                            None => t().no_bids_yet.to_string(),
                        }}
                    </p>
                </div>
                <AuctionCountdown clock=live.clock starts_at=Signal::stored(starts_at)
                    ends_at=Signal::derive(move || state.with(|s| s.ends_at)) open/>
            </div>
            <dl class="auction-hero__facts">
                <div><dt>{move || t().bids}</dt><dd data-testid="bid-count">{move || state.with(|s| s.bid_count)}</dd></div>
                <div><dt>{move || t().bidders}</dt><dd>{move || state.with(|s| s.bidders)}</dd></div>
                <div><dt>{move || t().ends_at}</dt><dd data-testid="ends-at">
                    {move || { let end = state.with(|s| s.ends_at); view! { <LocalTime utc_ms=end/> } }}
                    {move || {
                        let end = state.with(|s| s.ends_at);
                        (end > scheduled_end).then(|| view! {
                            <span class="auction-hero__extended" data-testid="extended">
                                {(t().extended)((end - scheduled_end + 59_999) / 60_000)}
                            </span>
                        })
                    }}
                </dd></div>
                <div><dt>{move || t().reserve}</dt><dd>
                    {move || if !has_reserve { t().no_reserve } else if state.with(|s| s.reserve_met) { t().reserve_met } else { t().reserve_not_met }}
                </dd></div>
            </dl>
        </div>
    }
}

/// "You are leading" / "you were outbid", from the viewer's paddle.
fn standing_banner(live: Live) -> Option<bool> {
    let you = live.you.get()?;
    let state = live.state.get();
    if state.phase != AuctionPhase::Open {
        return None;
    }
    if state.leader_paddle == Some(you.paddle) {
        Some(true)
    } else if live.bids.with(|b| b.iter().any(|b| b.paddle == you.paddle)) {
        Some(false)
    } else {
        None
    }
}

#[component]
fn BidPanel() -> impl IntoView {
    let lang = use_lang();
    let live = expect_context::<Live>();
    let t = move || au(lang.get());
    let info = live.info.get_value();
    let deposits = StoredValue::new(info.deposits.clone());
    let starts_at = info.starts_at;
    let state = live.state;

    let deposit = ServerAction::<PayDeposit>::new();
    let bid = ServerAction::<PlaceBid>::new();
    let proxy = ServerAction::<SetProxyMax>::new();
    let refresh = Action::new(move |id: &String| load_auction(id.clone()));

    // The bid amount, prefilled with the minimum and following it while untouched or below it.
    let amount = RwSignal::new(fen_to_yuan(state.get_untracked().minimum_bid_fen));
    let touched = RwSignal::new(false);
    Effect::new(move |_| {
        let minimum = state.with(|s| s.minimum_bid_fen);
        let typed = yuan_to_fen(&amount.get_untracked());
        if !touched.get_untracked() || typed.is_none_or(|a| a < minimum) {
            amount.set(fen_to_yuan(minimum));
            touched.set(false);
        }
    });
    let proxy_max = RwSignal::new(String::new());
    let confirming = RwSignal::new(None::<i64>);
    let local_error = RwSignal::new(None::<&'static str>);

    // After a deposit: read the standing again until the provider has confirmed it.
    Effect::new(move |_| {
        if let Some(Ok(_)) = deposit.value().get() {
            refresh.dispatch(live.id.get_value());
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(view)) = refresh.value().get() {
            let pending = view.you.as_ref().is_some_and(|y| y.deposit_pending_fen > 0);
            live.take_view(view);
            if pending {
                #[cfg(feature = "hydrate")]
                set_timeout(
                    move || {
                        refresh.dispatch(live.id.get_value());
                    },
                    std::time::Duration::from_millis(400),
                );
            }
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(answer)) = bid.value().get() {
            live.apply(answer.seq, &answer.bids, answer.state);
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(answer)) = proxy.value().get() {
            live.apply(answer.seq, &answer.bids, answer.state);
            proxy_max.set(String::new());
        }
    });

    let now = live.clock.now;
    let bidding_open =
        move || state.with(|s| s.phase == AuctionPhase::Open && now.get() < s.ends_at);
    let started = move || now.get() >= starts_at;
    let typed_fen = move || yuan_to_fen(&amount.get());
    // The deposit the typed amount needs beyond what is paid (or on its way).
    let top_up_for = move |fen: i64| {
        let you = live.you.get()?;
        let need = deposits.with_value(|d| tier_value(d, fen));
        let have = you.deposit_fen + you.deposit_pending_fen;
        (need > have).then_some(need - have)
    };
    let bid_error = move || bid.value().get().and_then(|r| r.err());
    let top_up = move || {
        bid_error()
            .and_then(|e| crate::components::auction_parts::details(&e).and_then(|d| d.top_up))
            .or_else(|| typed_fen().and_then(top_up_for))
    };
    let pay_deposit = move |amount_fen: Option<i64>| {
        deposit.dispatch(PayDeposit {
            id: live.id.get_value(),
            amount_fen,
            idempotency_key: new_key(),
        });
        bid.value().set(None);
    };
    let ask_confirm = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        local_error.set(None);
        match typed_fen() {
            Some(fen) if fen > 0 => confirming.set(Some(fen)),
            _ => local_error.set(Some(au(lang.get_untracked()).err_amount_invalid)),
        }
    };
    let send_bid = move |_| {
        if let Some(fen) = confirming.get_untracked() {
            bid.dispatch(PlaceBid {
                id: live.id.get_value(),
                amount_fen: fen,
                idempotency_key: new_key(),
            });
        }
        confirming.set(None);
    };
    let send_proxy = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        local_error.set(None);
        match yuan_to_fen(&proxy_max.get_untracked()) {
            Some(fen) if fen > 0 => {
                proxy.dispatch(SetProxyMax {
                    id: live.id.get_value(),
                    max_fen: fen,
                    idempotency_key: new_key(),
                });
            }
            _ => local_error.set(Some(au(lang.get_untracked()).err_amount_invalid)),
        }
    };
    let id = live.id.get_value();
    let login = format!("/login?next=/auctions/{id}");

    view! {
        <div class="bid-panel" data-testid="bid-panel">
            {move || standing_banner(live).map(|leading| if leading {
                Either::Left(view! { <p class="standing standing--leading" role="status" data-testid="leading">{move || t().you_lead}</p> })
            } else {
                Either::Right(view! { <p class="standing standing--outbid" role="alert" data-testid="outbid">{move || t().you_outbid}</p> })
            })}
            <dl class="bid-panel__range">
                <div><dt>{move || t().min_bid}</dt><dd data-testid="min-bid">{move || money(state.with(|s| s.minimum_bid_fen))}</dd></div>
                <div><dt>{move || t().max_bid}</dt><dd data-testid="max-bid">{move || money(state.with(|s| s.maximum_bid_fen))}</dd></div>
            </dl>
            {move || match live.you.get() {
                None => Either::Left(view! {
                    <div class="bid-panel__register">
                        <p class="bid-panel__note">{move || {
                            let min = state.with(|s| s.minimum_bid_fen);
                            (t().register_note)(&money(deposits.with_value(|d| tier_value(d, min)).max(1)))
                        }}</p>
                        <button type="button" class="btn btn--primary btn--large btn--block" data-testid="register"
                            disabled=move || deposit.pending().get() || !bidding_open()
                            on:click=move |_| {
                                let min = state.with_untracked(|s| s.minimum_bid_fen);
                                pay_deposit(Some(deposits.with_value(|d| tier_value(d, min)).max(1)));
                            }>
                            {move || {
                                let min = state.with(|s| s.minimum_bid_fen);
                                (t().register_button)(&money(deposits.with_value(|d| tier_value(d, min)).max(1)))
                            }}
                        </button>
                    </div>
                }),
                Some(you) => Either::Right(view! {
                    <div class="bid-panel__paddle" data-testid="your-paddle">
                        <span class="paddle-chip">{paddle(lang.get(), you.paddle)}</span>
                        <span class="bid-panel__deposit" data-testid="deposit">
                            {(t().deposit_paid)(&money(you.deposit_fen))}
                            {(you.deposit_pending_fen > 0).then(|| view! {
                                <span class="pending" data-testid="deposit-pending">" · " {(t().deposit_pending)(&money(you.deposit_pending_fen))}</span>
                            })}
                        </span>
                        {you.covers_up_to_fen.map(|c| view! { <span class="bid-panel__covers">{(t().covers_up_to)(&money(c))}</span> })}
                    </div>
                }),
            }}
            {move || (live.you.get().is_some() && bidding_open()).then(|| view! {
                <form class="bid-form" on:submit=ask_confirm>
                    <label for="bid-amount">{move || t().your_bid}</label>
                    <div class="money-input">
                        <span aria-hidden="true">"¥"</span>
                        <input id="bid-amount" type="text" inputmode="decimal" autocomplete="off" data-testid="bid-amount"
                            prop:value=move || amount.get()
                            on:input=move |ev| { touched.set(true); amount.set(event_target_value(&ev)); }/>
                    </div>
                    <p class="bid-form__words">{move || typed_fen().map(money).unwrap_or_default()}</p>
                    <button type="submit" class="btn btn--primary btn--large btn--block" data-testid="bid-submit"
                        disabled=move || bid.pending().get() || !started() || live.you.get().is_some_and(|y| y.deposit_fen == 0)>
                        {move || if bid.pending().get() { t().bidding.to_string() } else { (t().place_bid)(&typed_fen().map(money).unwrap_or_default()) }}
                    </button>
                    {move || live.you.get().filter(|y| y.deposit_fen == 0 && y.deposit_pending_fen > 0).map(|_| view! {
                        <p class="bid-panel__note" role="status" data-testid="deposit-waiting">{move || t().deposit_waiting}</p>
                    })}
                </form>
            })}
            {move || confirming.get().map(|fen| view! {
                <div class="bid-confirm" role="alertdialog" aria-labelledby="bid-confirm-title" data-testid="bid-confirm">
                    <h2 id="bid-confirm-title">{move || (t().confirm_title)(&money(fen))}</h2>
                    <p>{move || t().confirm_body}</p>
                    <div class="actions">
                        <button type="button" class="btn btn--ghost" on:click=move |_| confirming.set(None)>{move || t().back}</button>
                        <button type="button" class="btn btn--primary" data-testid="bid-confirm-button" on:click=send_bid>{move || t().confirm_bid}</button>
                    </div>
                </div>
            })}
            {move || local_error.get().map(|e| view! { <p class="notice notice--error" role="alert">{e}</p> })}
            {move || bid_error().map(|e| match e {
                AppError::Unauthenticated => Either::Left(view! {
                    <p class="notice" role="alert"><a href=login.clone()>{move || t().err_login}</a></p>
                }),
                e => Either::Right(view! { <p class="notice notice--error" role="alert" data-testid="bid-error">{move || refusal(lang.get(), &e)}</p> }),
            })}
            {move || (live.you.get().is_some() && bidding_open()).then(top_up).flatten().map(|fen| view! {
                <div class="bid-panel__topup" data-testid="top-up-box">
                    <p>{move || (t().top_up_note)(&money(fen))}</p>
                    <button type="button" class="btn" data-testid="top-up" disabled=move || deposit.pending().get()
                        on:click=move |_| pay_deposit(Some(fen))>
                        {move || (t().top_up_button)(&money(fen))}
                    </button>
                </div>
            })}
            {move || deposit.value().get().and_then(|r| r.err()).map(|e| view! {
                <p class="notice notice--error" role="alert" data-testid="deposit-error">{move || refusal(lang.get(), &e)}</p>
            })}
            {move || (live.you.get().is_some() && bidding_open()).then(|| view! {
                <form class="proxy-form" on:submit=send_proxy>
                    <label for="proxy-max">{move || t().proxy_title}</label>
                    <p class="bid-panel__note">{move || t().proxy_note}</p>
                    <div class="proxy-form__row">
                        <div class="money-input">
                            <span aria-hidden="true">"¥"</span>
                            <input id="proxy-max" type="text" inputmode="decimal" autocomplete="off" data-testid="proxy-max"
                                placeholder=move || fen_to_yuan(state.with(|s| s.minimum_bid_fen))
                                prop:value=move || proxy_max.get()
                                on:input=move |ev| proxy_max.set(event_target_value(&ev))/>
                        </div>
                        <button type="submit" class="btn" data-testid="proxy-submit" disabled=move || proxy.pending().get() || !started()>{move || t().proxy_button}</button>
                    </div>
                    {move || proxy.value().get().map(|r| match r {
                        Ok(answer) => Either::Left(view! { <p class="notice notice--ok" role="status" data-testid="proxy-set">
                            {move || if answer.leading { t().proxy_set_leading } else { t().proxy_set_outbid }}</p> }),
                        Err(e) => Either::Right(view! { <p class="notice notice--error" role="alert" data-testid="proxy-error">{move || refusal(lang.get(), &e)}</p> }),
                    })}
                </form>
            })}
            {move || (live.you.get().is_none() && bidding_open()).then(|| view! {
                <p class="bid-panel__fine">{move || t().register_fine}</p>
            })}
            {move || (!bidding_open()).then(|| view! {
                <p class="bid-panel__closed">{move || t().bidding_closed}</p>
            })}
        </div>
    }
}

#[component]
fn BidHistory() -> impl IntoView {
    let lang = use_lang();
    let live = expect_context::<Live>();
    let t = move || au(lang.get());
    let first_live = live.bids.with_untracked(|b| b.last().map_or(0, |b| b.seq));
    let you = move || live.you.get().map(|y| y.paddle);
    view! {
        <div class="bid-history">
            <h2>{move || t().history} <span class="muted">{move || (t().bids_n)(live.state.with(|s| s.bid_count))}</span></h2>
            {move || live.bids.with(|b| b.is_empty()).then(|| view! { <p class="empty-state">{move || t().no_bids_yet}</p> })}
            <table class="bid-table" data-testid="bid-history">
                <thead><tr>
                    <th scope="col">"#"</th>
                    <th scope="col">{move || t().col_bidder}</th>
                    <th scope="col" class="num">{move || t().col_amount}</th>
                    <th scope="col">{move || t().col_kind}</th>
                    <th scope="col">{move || t().col_time}</th>
                </tr></thead>
                <tbody>
                    <For each={move || live.bids.get().into_iter().rev().collect::<Vec<_>>()} key=|b| b.seq let:b>
                        {
                            let kind = b.kind;
                            let fresh = b.seq > first_live;
                            let mine = move || you() == Some(b.paddle);
                            let leading = move || live.state.with(|s| s.bid_count) > 0 && live.bids.with(|l| l.last().map(|x| x.seq)) == Some(b.seq);
                            view! {
                                <tr data-testid="bid-row" class:bid-row--new=fresh class:bid-row--mine=mine class:bid-row--top=leading>
                                    <td class="muted">{b.seq}</td>
                                    <td>{move || paddle(lang.get(), b.paddle)}{move || mine().then(|| view! { <span class="you-tag">{t().you}</span> })}</td>
                                    <td class="num"><strong>{money(b.amount_fen)}</strong></td>
                                    <td><span class=format!("kind kind--{}", b.kind.as_str())>{move || match kind {
                                        BidKind::Proxy => t().kind_proxy,
                                        BidKind::ProxyMatch => t().kind_proxy_match,
                                        BidKind::Manual => t().kind_manual,
                                    }}</span></td>
                                    <td class="muted"><BidTime utc_ms=b.at/></td>
                                </tr>
                            }
                        }
                    </For>
                </tbody>
            </table>
        </div>
    }
}

/// A bid's time of day with seconds, in the viewer's zone once live (UTC+8 when rendered).
#[component]
fn BidTime(utc_ms: i64) -> impl IntoView {
    let live = island::hydrated();
    view! {
        <time>{move || {
            if live.get() {
                #[cfg(feature = "hydrate")]
                {
                    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(utc_ms as f64));
                    return format!("{:02}:{:02}:{:02}", d.get_hours(), d.get_minutes(), d.get_seconds());
                }
            }
            let secs = (utc_ms.div_euclid(1000) + 8 * 3600).rem_euclid(86_400);
            format!("{:02}:{:02}:{:02}", secs / 3600, secs % 3600 / 60, secs % 60)
        }}</time>
    }
}

#[component]
fn RulesCard() -> impl IntoView {
    let lang = use_lang();
    let live = expect_context::<Live>();
    let t = move || au(lang.get());
    let info = live.info.get_value();
    let tiers = |tiers: Vec<TierInput>| {
        tiers
            .into_iter()
            .map(|tier| {
                view! { <li><span>{format!("≥ {}", money(tier.from_fen))}</span><b>{money(tier.value_fen)}</b></li> }
            })
            .collect_view()
    };
    let anti = info.anti_sniping_minutes;
    view! {
        <div class="rules-card">
            <h2>{move || t().rules_title}</h2>
            <dl>
                <div><dt>{move || t().starting_price}</dt><dd>{money(info.starting_price_fen)}</dd></div>
                <div><dt>{move || t().max_raise}</dt><dd>{money(info.max_raise_fen)}</dd></div>
                <div><dt>{move || t().starts}</dt><dd><LocalTime utc_ms=info.starts_at/></dd></div>
                <div><dt>{move || t().scheduled_end}</dt><dd><LocalTime utc_ms=info.scheduled_end/></dd></div>
            </dl>
            <h3>{move || t().increments}</h3>
            <ul class="tier-list">{tiers(info.increments.clone())}</ul>
            <h3>{move || t().deposits}</h3>
            <ul class="tier-list">{tiers(info.deposits.clone())}</ul>
            <p class="rules-card__note">{move || if anti > 0 { (t().anti_sniping)(anti) } else { t().anti_sniping_off.to_string() }}</p>
            <p class="rules-card__note">{move || t().rules_note}</p>
        </div>
    }
}
