//! The reserve button under a saved configuration.

use leptos::either::Either;
use leptos::prelude::*;

use crate::browser;
use crate::error::AppError;
use crate::functions::orders::{new_key, ChangeOrder, Reserve};
use crate::i18n::{error_text, use_lang};

/// Gives order `order_id` (whose option was dropped) the saved configuration `code`, then opens
/// "My orders".
#[component]
pub fn ChangeOrderButton(order_id: String, code: String) -> impl IntoView {
    let lang = use_lang();
    let change = ServerAction::<ChangeOrder>::new();
    Effect::new(move |_| {
        if let Some(Ok(_)) = change.value().get() {
            browser::go("/orders");
        }
    });
    let on_click = move |_| {
        change.dispatch(ChangeOrder {
            order_id: order_id.clone(),
            configuration_code: code.clone(),
        });
    };
    view! {
        <div class="reserve">
            <button type="button" class="btn btn--primary btn--large" data-testid="apply-to-order"
                disabled=move || change.pending().get() on:click=on_click>
                {move || lang.get().texts().apply_to_order}
            </button>
            {move || change.value().get().and_then(|r| r.err()).map(|error| view! {
                <p class="notice notice--error" role="alert" data-testid="change-error">{move || error_text(lang.get(), &error)}</p>
            })}
        </div>
    }
}

/// Reserves the saved configuration `code` in `campaign_id`, then opens "My orders".
#[component]
pub fn ReserveButton(campaign_id: String, code: String) -> impl IntoView {
    let lang = use_lang();
    let reserve = ServerAction::<Reserve>::new();
    let key = StoredValue::new(new_key());
    Effect::new(move |_| {
        if let Some(Ok(_)) = reserve.value().get() {
            browser::go("/orders");
        }
    });
    let next = format!("/login?next=/c/{code}");
    let on_click = move |_| {
        reserve.dispatch(Reserve {
            campaign_id: campaign_id.clone(),
            configuration_code: code.clone(),
            idempotency_key: key.get_value(),
        });
    };
    view! {
        <div class="reserve">
            <button type="button" class="btn btn--primary btn--large" data-testid="reserve"
                disabled=move || reserve.pending().get() on:click=on_click>
                {move || if reserve.pending().get() { lang.get().texts().reserving } else { lang.get().texts().reserve }}
            </button>
            {move || reserve.value().get().and_then(|r| r.err()).map(|error| match error {
                AppError::Unauthenticated => Either::Left(view! {
                    <p class="notice" role="alert"><a href=next.clone() data-testid="login-to-reserve">{move || lang.get().texts().login_to_reserve}</a></p>
                }),
                other => Either::Right(view! { <p class="notice notice--error" role="alert">{move || error_text(lang.get(), &other)}</p> }),
            })}
        </div>
    }
}
