//! The price breakdown and the battery lease terms.

use configurator::{LeaseTerms, Quote};
use leptos::either::Either;
use leptos::prelude::*;

use crate::format;
use crate::i18n::use_lang;

/// Every line of the price, the total, and in lease mode every term of the lease.
#[component]
pub fn PriceBreakdown(#[prop(into)] quote: Signal<Option<Quote>>) -> impl IntoView {
    let lang = use_lang();
    move || {
        let lang = lang.get();
        let t = lang.texts();
        let Some(quote) = quote.get() else {
            return Either::Left(view! { <p class="price__hint">{t.choose_sales_mode}</p> });
        };
        let lines = quote
            .lines
            .iter()
            .map(|line| {
                let label = match &line.option {
                    None => t.base_price.to_string(),
                    Some(_) => lang.pick(&line.label),
                };
                let amount = if line.option.is_none() {
                    format::money(line.amount)
                } else {
                    format::delta(line.amount, lang)
                };
                view! {
                    <div class="price__line">
                        <dt>{label}</dt>
                        <dd>{amount}</dd>
                    </div>
                }
            })
            .collect_view();
        Either::Right(view! {
            <section class="price" aria-labelledby="price-title">
                <h3 id="price-title">{t.price_breakdown}</h3>
                <dl class="price__lines">{lines}</dl>
                <div class="price__total">
                    <span>{t.total}</span>
                    <strong data-testid="price-total">{format::money(quote.total)}</strong>
                </div>
                {quote.lease.map(|terms| view! { <LeaseTermsTable terms/> })}
            </section>
        })
    }
}

/// Every term of a battery lease, shown before anything is saved.
#[component]
pub fn LeaseTermsTable(terms: LeaseTerms) -> impl IntoView {
    let lang = use_lang();
    move || {
        let t = lang.get().texts();
        view! {
            <div class="lease" data-testid="lease-terms">
                <h4>{t.lease_terms_title}</h4>
                <dl>
                    <div>
                        <dt>{t.lease_monthly_fee}</dt>
                        <dd data-testid="lease-monthly">{format::money(terms.monthly_fee)} {t.per_month}</dd>
                    </div>
                    <div>
                        <dt>{t.lease_mileage_cap}</dt>
                        <dd data-testid="lease-cap">
                            {format::number(u64::from(terms.mileage_cap_km_per_month))} " " {t.km_per_month}
                        </dd>
                    </div>
                    <div>
                        <dt>{t.lease_overage}</dt>
                        <dd data-testid="lease-overage">{format::money(terms.overage_per_km)} {t.per_km}</dd>
                    </div>
                    <div>
                        <dt>{t.lease_contract}</dt>
                        <dd data-testid="lease-contract">{terms.contract_months} " " {t.months}</dd>
                    </div>
                </dl>
                <p class="lease__note">{t.lease_note}</p>
            </div>
        }
    }
}
