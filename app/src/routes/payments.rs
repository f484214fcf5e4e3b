//! "My payments": the signed-in person's statement, every charge and refund of their orders
//! and auctions with what they add up to. Rendered whole on the server (no island of its own:
//! only the times switch to the browser's zone); a visitor is sent to log in first.

use leptos::either::{Either, EitherOf3};
use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::time::LocalTime;
use crate::error::AppError;
use crate::format;
use crate::functions::payments::my_payments;
use crate::i18n::{error_text, use_lang, PaymentTexts};
use crate::models::{PaymentEntry, PaymentKind, PaymentPurpose, PaymentStatus, Statement};
use configurator::Money;

/// Where a visitor is sent: the login page, which opens this page again afterwards.
const LOGIN: &str = "/login?next=/payments";

/// `/payments` (rendered `SsrMode::Async`, so a visitor's redirect is known before the first
/// byte).
#[component]
pub fn PaymentsPage() -> impl IntoView {
    let lang = use_lang();
    let t = move || lang.get().texts().pm;
    let statement = Resource::new(|| (), |_| my_payments());
    view! {
        <Title text=move || t().title/>
        <section class="payments">
            <div class="payments__head">
                <h1>{move || t().title}</h1>
                <p class="payments__intro">{move || t().intro}</p>
            </div>
            <Suspense fallback=move || view! { <p class="loading">{move || lang.get().texts().loading}</p> }>
                {move || Suspend::new(async move {
                    match statement.await {
                        Ok(statement) => EitherOf3::A(view! { <StatementView statement/> }),
                        Err(AppError::Unauthenticated) => {
                            redirect_to_login();
                            EitherOf3::B(view! {
                                <p class="notice">
                                    <a href=LOGIN data-testid="login-link">{move || t().login_needed}</a>
                                </p>
                            })
                        }
                        Err(error) => EitherOf3::C(view! {
                            <p class="notice notice--error" role="alert">{move || error_text(lang.get(), &error)}</p>
                        }),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// Answers the page's request with a redirect to the login page (server only: the page is
/// never rendered in the browser). Set by hand: `leptos_axum::redirect` answers 302 only to a
/// request that says it accepts HTML, and a page request is a page request whatever it says.
fn redirect_to_login() {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::FOUND);
        response.insert_header(
            http::header::LOCATION,
            http::HeaderValue::from_static(LOGIN),
        );
    }
}

/// The totals, then the entries (or the empty state).
#[component]
fn StatementView(statement: Statement) -> impl IntoView {
    let lang = use_lang();
    let t = move || lang.get().texts().pm;
    let count = statement.entries.len() as i64;
    let pending = statement
        .entries
        .iter()
        .any(|e| e.status == PaymentStatus::Pending);
    let void = statement
        .entries
        .iter()
        .any(|e| matches!(e.status, PaymentStatus::Failed | PaymentStatus::Expired));
    let entries = if statement.entries.is_empty() {
        Either::Left(view! {
            <div class="payments__empty empty-state" data-testid="payments-empty">
                <p>{move || t().empty}</p>
                <a class="btn btn--primary" href="/configure">{move || t().empty_cta}</a>
            </div>
        })
    } else {
        Either::Right(view! {
            <div class="payments__card">
                <div class="payments__card-head">
                    <h2>{move || t().entries_title}</h2>
                    <span class="muted" data-testid="payments-count">{move || (t().entries_n)(count)}</span>
                </div>
                <table class="payments-table" data-testid="payments-table">
                    <thead>
                        <tr>
                            <th scope="col">{move || t().col_time}</th>
                            <th scope="col">{move || t().col_kind}</th>
                            <th scope="col">{move || t().col_purpose}</th>
                            <th scope="col" class="payments-table__amount">{move || t().col_amount}</th>
                            <th scope="col">{move || t().col_status}</th>
                            <th scope="col">{move || t().col_link}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {statement.entries.into_iter().map(|entry| view! { <EntryRow entry/> }).collect_view()}
                    </tbody>
                </table>
                {pending.then(|| view! { <p class="payments__note" data-testid="payments-pending">{move || t().pending_note}</p> })}
                {void.then(|| view! { <p class="payments__note">{move || t().void_note}</p> })}
            </div>
        })
    };
    view! {
        <dl class="payments__totals" data-testid="payment-totals" aria-label=move || t().totals_label>
            <div>
                <dt>{move || t().charged}</dt>
                <dd data-testid="total-charged">{format::money(Money(statement.charged_fen))}</dd>
            </div>
            <div>
                <dt>{move || t().refunded}</dt>
                <dd data-testid="total-refunded">{format::money(Money(statement.refunded_fen))}</dd>
            </div>
            <div class="payments__net">
                <dt>{move || t().net}</dt>
                <dd data-testid="total-net">{format::money(Money(statement.net_fen))}</dd>
                <dd class="payments__net-note">{move || t().net_note}</dd>
            </div>
        </dl>
        {entries}
    }
}

fn kind_text(t: &PaymentTexts, kind: PaymentKind) -> &'static str {
    match kind {
        PaymentKind::Charge => t.kind_charge,
        PaymentKind::Refund => t.kind_refund,
    }
}

fn purpose_text(t: &PaymentTexts, purpose: PaymentPurpose) -> &'static str {
    match purpose {
        PaymentPurpose::Reservation => t.purpose_reservation,
        PaymentPurpose::Earnest => t.purpose_earnest,
        PaymentPurpose::Deposit => t.purpose_deposit,
        PaymentPurpose::Price => t.purpose_price,
    }
}

fn status_text(t: &PaymentTexts, status: PaymentStatus) -> &'static str {
    match status {
        PaymentStatus::Pending => t.status_pending,
        PaymentStatus::Succeeded => t.status_succeeded,
        PaymentStatus::Failed => t.status_failed,
        PaymentStatus::Expired => t.status_expired,
    }
}

/// One charge or refund: a table row on a wide screen, a card on a phone (each cell carries
/// its column's name for that).
#[component]
fn EntryRow(entry: PaymentEntry) -> impl IntoView {
    let lang = use_lang();
    let t = move || lang.get().texts().pm;
    let (kind, purpose, status) = (entry.kind, entry.purpose, entry.status);
    // A failed or expired entry moved no money: its amount is struck through.
    let void = matches!(status, PaymentStatus::Failed | PaymentStatus::Expired);
    let amount_class = format!(
        "payment__amount payment__amount--{}{}",
        kind.as_str(),
        if void { " payment__amount--void" } else { "" }
    );
    let link = match (entry.order_id, entry.auction_id) {
        (Some(order), _) => EitherOf3::A(view! {
            <a href=format!("/orders#order-{order}") data-testid="payment-order">{move || t().view_order}</a>
        }),
        (None, Some(auction)) => EitherOf3::B(view! {
            <a href=format!("/auctions/{auction}") data-testid="payment-auction">{move || t().view_auction}</a>
        }),
        (None, None) => EitherOf3::C(view! { <span class="muted">"—"</span> }),
    };
    view! {
        <tr class="payment" data-testid="payment" data-kind=kind.as_str() data-purpose=purpose.as_str() data-status=status.as_str()>
            <td class="payment__time" data-label=move || t().col_time><LocalTime utc_ms=entry.created_at/></td>
            <td class="payment__kind" data-label=move || t().col_kind>
                <span class=format!("payment__kind-mark payment__kind-mark--{}", kind.as_str())>{move || kind_text(t(), kind)}</span>
            </td>
            <td class="payment__purpose" data-label=move || t().col_purpose>{move || purpose_text(t(), purpose)}</td>
            <td class=amount_class data-label=move || t().col_amount data-testid="payment-amount"><span>{format::money(Money(entry.amount_fen))}</span></td>
            <td class="payment__status" data-label=move || t().col_status>
                <span class=format!("pay-status pay-status--{}", status.as_str()) data-testid="payment-status">{move || status_text(t(), status)}</span>
            </td>
            <td class="payment__link" data-label=move || t().col_link>{link}</td>
        </tr>
    }
}
