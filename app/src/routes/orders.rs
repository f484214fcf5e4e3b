//! "My orders": each order with its snapshot, status timeline and actions. Cancelling is one
//! step; locking is two: the first click shows in plain words what stops being refundable.

use leptos::either::EitherOf4;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::island;
use crate::components::time::LocalTime;
use crate::error::AppError;
use crate::format;
use crate::functions::orders::{my_orders, new_key, CancelOrder, LockOrder};
use crate::i18n::{error_text, use_lang, Texts};
use crate::models::{OrderEventKind, OrderStatus, OrderView};

/// `/orders`.
#[component]
pub fn OrdersPage() -> impl IntoView {
    let lang = use_lang();
    let orders = Resource::new(|| (), |_| my_orders());
    view! {
        <Title text=move || lang.get().texts().orders_title/>
        <section class="orders">
            <h1>{move || lang.get().texts().orders_title}</h1>
            <Suspense fallback=move || view! { <p class="loading">{move || lang.get().texts().loading}</p> }>
                {move || Suspend::new(async move {
                    match orders.await {
                        Ok(list) if list.is_empty() => EitherOf4::A(view! {
                            <p class="empty-state" data-testid="orders-empty">
                                {move || lang.get().texts().orders_empty} " "
                                <a href="/configure">{move || lang.get().texts().nav_configure}</a>
                            </p>
                        }),
                        Ok(list) => EitherOf4::B(view! { <OrderList orders=list/> }),
                        Err(AppError::Unauthenticated) => EitherOf4::C(view! {
                            <p class="notice">
                                <a href="/login?next=/orders" data-testid="login-link">{move || lang.get().texts().nav_login}</a>
                            </p>
                        }),
                        Err(error) => EitherOf4::D(view! { <p class="notice notice--error">{move || error_text(lang.get(), &error)}</p> }),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// The orders with their actions: after an action, and while money is on its way (a payment
/// or refund awaiting the provider), the list is read again. An island.
#[island(lazy)]
fn OrderList(orders: Vec<OrderView>) -> impl IntoView {
    let lang = use_lang();
    let cancel = ServerAction::<CancelOrder>::new();
    let lock = ServerAction::<LockOrder>::new();
    let orders = RwSignal::new(orders);
    let reload = island::reread(my_orders, orders);
    Effect::watch(
        move || (cancel.version().get(), lock.version().get()),
        {
            let reload = reload.clone();
            move |_, _, _| reload()
        },
        false,
    );
    Effect::new(move |_| {
        let waiting = orders.with(|list| {
            list.iter().any(|o| {
                matches!(o.status, OrderStatus::PendingPayment | OrderStatus::Locking)
                    || (o.status == OrderStatus::Cancelled && o.held.0 > 0)
            })
        });
        if waiting {
            set_timeout(reload.clone(), std::time::Duration::from_millis(700));
        }
    });
    let hydrated = island::hydrated();
    view! {
        <div class="orders__list" data-testid="order-list" data-hydrated=move || hydrated.get().to_string()>
            {move || cancel.value().get().and_then(|r| r.err()).map(|e| view! { <p class="notice notice--error" role="alert">{move || error_text(lang.get(), &e)}</p> })}
            {move || lock.value().get().and_then(|r| r.err()).map(|e| view! { <p class="notice notice--error" role="alert">{move || error_text(lang.get(), &e)}</p> })}
            // Keyed by what a card shows that can change, so a changed order gets a fresh card
            // (an unchanged one keeps its open lock dialog).
            <ul class="order-list">
                <For
                    each=move || orders.get()
                    key=|o| (o.id.clone(), o.status.as_str(), o.held.0, o.timeline.len(), o.dropped_option.clone(), o.refundable_until)
                    let:order
                >
                    <OrderCard order cancel lock/>
                </For>
            </ul>
        </div>
    }
}

fn status_text(t: &Texts, status: OrderStatus) -> &'static str {
    match status {
        OrderStatus::PendingPayment => t.status_pending_payment,
        OrderStatus::Reserved => t.status_reserved,
        OrderStatus::PaymentFailed => t.status_payment_failed,
        OrderStatus::Cancelled => t.status_cancelled,
        OrderStatus::Locking => t.status_locking,
        OrderStatus::Locked => t.status_locked,
    }
}

fn event_text(t: &Texts, kind: OrderEventKind) -> &'static str {
    match kind {
        OrderEventKind::Reserved => t.ev_reserved,
        OrderEventKind::PaymentConfirmed => t.ev_payment_confirmed,
        OrderEventKind::PaymentFailed => t.ev_payment_failed,
        OrderEventKind::LockRequested => t.ev_lock_requested,
        OrderEventKind::Locked => t.ev_locked,
        OrderEventKind::LockPaymentFailed => t.ev_lock_payment_failed,
        OrderEventKind::Cancelled => t.ev_cancelled,
        OrderEventKind::Refunded => t.ev_refunded,
        OrderEventKind::OptionDropped => t.ev_option_dropped,
        OrderEventKind::ConfigurationChanged => t.ev_configuration_changed,
    }
}

#[component]
fn OrderCard(
    order: OrderView,
    cancel: ServerAction<CancelOrder>,
    lock: ServerAction<LockOrder>,
) -> impl IntoView {
    let lang = use_lang();
    let confirming = RwSignal::new(false);
    // One key per intent: a double click or a retry is applied once.
    let cancel_key = StoredValue::new(new_key());
    let lock_key = StoredValue::new(new_key());
    let status = order.status;
    let can_cancel = match status {
        OrderStatus::Reserved => true,
        OrderStatus::Locked => order.refundable_until.is_some() || order.dropped_option.is_some(),
        _ => false,
    };
    let dropped = order.dropped_option.clone().filter(|_| {
        matches!(
            status,
            OrderStatus::Reserved | OrderStatus::Locked | OrderStatus::Locking
        )
    });
    let can_lock = status == OrderStatus::Reserved;
    let id = StoredValue::new(order.id.clone());
    let earnest = format::money(order.earnest);
    let hours = order.cooling_off_hours;
    let status_class = format!("order__status order__status--{}", status.as_str());
    view! {
        <li class="order" id=format!("order-{}", order.id) data-testid="order" data-status=status.as_str()>
            <div class="order__head">
                <div>
                    <p class="order__line">{order.car_line.clone()} " · " {move || lang.get().texts().order_config} " "
                        <a href=format!("/c/{}", order.configuration_code)><code>{order.configuration_code.clone()}</code></a>
                    </p>
                    <p class="order__meta">{move || lang.get().texts().order_batch} " " {order.batch} " · " <LocalTime utc_ms=order.created_at/></p>
                </div>
                <span class=status_class data-testid="order-status">{move || status_text(lang.get().texts(), status)}</span>
            </div>
            <dl class="order__money">
                <div><dt>{move || lang.get().texts().order_total}</dt><dd>{format::money(order.price.total)}</dd></div>
                <div><dt>{move || lang.get().texts().order_reservation}</dt><dd>{format::money(order.reservation)}</dd></div>
                <div><dt>{move || lang.get().texts().order_earnest}</dt><dd>{format::money(order.earnest)}</dd></div>
                <div><dt>{move || lang.get().texts().order_held}</dt><dd data-testid="order-held">{format::money(order.held)}</dd></div>
            </dl>
            {dropped.map(|option| view! {
                <div class="notice notice--warn" role="status" data-testid="dropped-notice">
                    <p>{move || (lang.get().texts().dropped_notice)(&option)}</p>
                    <a class="btn" data-testid="change-config"
                        href=format!("/c/{}?order={}", order.configuration_code, order.id)>
                        {move || lang.get().texts().change_config}
                    </a>
                </div>
            })}
            {order.refundable_until.map(|until| view! {
                <p class="order__refundable">{move || lang.get().texts().refundable_until} " " <LocalTime utc_ms=until/></p>
            })}
            <ol class="timeline">
                {order.timeline.iter().map(|event| {
                    let kind = event.kind;
                    view! { <li><LocalTime utc_ms=event.at/> " " {move || event_text(lang.get().texts(), kind)}</li> }
                }).collect_view()}
            </ol>
            <div class="actions">
                {can_cancel.then(|| view! {
                    <button type="button" class="btn btn--ghost" data-testid="cancel-order"
                        disabled=move || cancel.pending().get()
                        on:click=move |_| { cancel.dispatch(CancelOrder { order_id: id.get_value(), idempotency_key: cancel_key.get_value() }); }>
                        {move || lang.get().texts().cancel_order}
                    </button>
                })}
                {can_lock.then(|| view! {
                    <button type="button" class="btn btn--primary" data-testid="lock-order" on:click=move |_| confirming.set(true)>
                        {move || lang.get().texts().lock_order}
                    </button>
                })}
            </div>
            {move || confirming.get().then(|| {
                let earnest = earnest.clone();
                view! {
                    <div class="lock-confirm" role="alertdialog" aria-labelledby="lock-title" data-testid="lock-confirm">
                        <h2 id="lock-title">{move || lang.get().texts().lock_confirm_title}</h2>
                        <p data-testid="lock-terms">{move || (lang.get().texts().lock_confirm_body)(&earnest, hours)}</p>
                        <div class="actions">
                            <button type="button" class="btn btn--ghost" on:click=move |_| confirming.set(false)>{move || lang.get().texts().lock_back}</button>
                            <button type="button" class="btn btn--primary" data-testid="lock-confirm-button"
                                disabled=move || lock.pending().get()
                                on:click=move |_| {
                                    lock.dispatch(LockOrder { order_id: id.get_value(), idempotency_key: lock_key.get_value(), confirm: true });
                                    confirming.set(false);
                                }>
                                {move || lang.get().texts().lock_confirm}
                            </button>
                        </div>
                    </div>
                }
            })}
        </li>
    }
}
