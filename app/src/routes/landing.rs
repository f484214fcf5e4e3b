use leptos::either::EitherOf3;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::car::{CarIllustration, CarLook};
use crate::components::countdown::Countdown;
use crate::components::poll::CampaignPolls;
use crate::components::time::LocalTime;
use crate::format;
use crate::functions::campaign::featured_campaign;
use crate::i18n::{error_text, use_lang};
use crate::models::CampaignView;

/// The landing page: the featured pre-sale campaign.
#[component]
pub fn LandingPage() -> impl IntoView {
    let lang = use_lang();
    let campaign = Resource::new(|| (), |_| featured_campaign());
    view! {
        <Suspense fallback=move || view! { <p class="loading">{move || lang.get().texts().loading}</p> }>
            {move || Suspend::new(async move {
                match campaign.await {
                    Ok(Some(campaign)) => EitherOf3::A(view! { <Campaign campaign/> }),
                    Ok(None) => EitherOf3::B(view! { <p class="empty-state">"—"</p> }),
                    Err(error) => EitherOf3::C(view! { <p class="notice notice--error">{move || error_text(lang.get(), &error)}</p> }),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Campaign(campaign: CampaignView) -> impl IntoView {
    let lang = use_lang();
    let CampaignView {
        id,
        car_line,
        car_name,
        title,
        tagline,
        facts,
        closes_at,
        lease_price,
        purchase_price,
        lease_terms,
        server_now,
        ..
    } = campaign;
    let configure_href = format!("/configure/{car_line}");
    let look = Signal::stored(CarLook {
        paint: "#c9b58f".into(),
        ..CarLook::default()
    });
    let title_text = title.clone();
    view! {
        <Title text=move || lang.get().pick(&title_text)/>
        <section class="hero">
            <div class="hero__copy">
                <span class="badge">{move || lang.get().texts().presale_badge}</span>
                <h1 class="hero__title">{let title = title.clone(); move || lang.get().pick(&title)}</h1>
                <p class="hero__tagline">{move || lang.get().pick(&tagline)}</p>
                <div class="prices" data-testid="prices">
                    <div class="price-card price-card--lease">
                        <span class="price-card__label">{move || lang.get().texts().price_lease}</span>
                        <strong class="price-card__value" data-testid="lease-price">{format::money(lease_price)}</strong>
                        {lease_terms.map(|terms| view! {
                            <span class="price-card__sub">
                                {move || lang.get().texts().battery_rental_from} " "
                                {format::money(terms.monthly_fee)} {move || lang.get().texts().per_month}
                            </span>
                        })}
                    </div>
                    <div class="price-card">
                        <span class="price-card__label">{move || lang.get().texts().price_purchase}</span>
                        <strong class="price-card__value" data-testid="purchase-price">{format::money(purchase_price)}</strong>
                        <span class="price-card__sub">{let name = car_name.clone(); move || lang.get().pick(&name)}</span>
                    </div>
                </div>
                <Countdown end_ms=closes_at server_now/>
                <p class="hero__deadline">
                    {move || lang.get().texts().presale_ends_at} " " <LocalTime utc_ms=closes_at/>
                </p>
                <a class="btn btn--primary btn--large" href=configure_href data-testid="configure-cta">
                    {move || lang.get().texts().configure_cta} " →"
                </a>
            </div>
            <div class="hero__art">
                <CarIllustration look/>
            </div>
        </section>
        <section class="facts" aria-labelledby="facts-title">
            <h2 id="facts-title" class="section-title">{move || lang.get().texts().key_facts}</h2>
            <dl class="facts__grid">
                {facts.into_iter().map(|fact| view! {
                    <div class="fact">
                        <dt>{let l = fact.label.clone(); move || lang.get().pick(&l)}</dt>
                        <dd>{let v = fact.value.clone(); move || lang.get().pick(&v)}</dd>
                    </div>
                }).collect_view()}
            </dl>
        </section>
        <CampaignPolls campaign_id=id/>
        <section class="how">
            <h2 class="section-title">{move || lang.get().texts().how_title}</h2>
            <ol class="how__steps">
                {(0..3).map(|i| view! {
                    <li class="how__step">
                        <span class="how__num">{i + 1}</span>
                        <h3>{move || lang.get().texts().how_steps[i].0}</h3>
                        <p>{move || lang.get().texts().how_steps[i].1}</p>
                    </li>
                }).collect_view()}
            </ol>
        </section>
        <section class="promises">
            <h2 class="section-title">{move || lang.get().texts().promise_title}</h2>
            <ul>
                {(0..3).map(|i| view! { <li>{move || lang.get().texts().promises[i]}</li> }).collect_view()}
            </ul>
        </section>
    }
}
