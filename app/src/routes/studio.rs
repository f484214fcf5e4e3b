//! The marketers' studio: `/studio` lists the campaigns with their fill levels,
//! `/studio/campaigns/new` creates one and `/studio/campaigns/{id}` edits one. The server
//! validates every field and names the one it refuses.

use leptos::either::{Either, EitherOf3};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::components::campaign_form::CampaignForm;
use crate::components::time::LocalTime;
use crate::error::AppError;
use crate::format;
use crate::functions::presale::{load_campaign_detail, load_campaigns};
use crate::i18n::{error_text, use_lang};
use crate::models::CampaignDetail;

/// `/studio`: every campaign, its batches' fill levels, and a way in to edit it.
#[component]
pub fn StudioPage() -> impl IntoView {
    let lang = use_lang();
    let t = move || lang.get().texts();
    let campaigns = Resource::new(|| (), |_| load_campaigns());
    view! {
        <Title text=move || t().studio_list_title/>
        <section class="studio">
            <div class="studio__head">
                <h1>{move || t().studio_list_title}</h1>
                <div class="actions">
                    <a class="btn" href="/auctions" data-testid="studio-auctions">{move || t().au.studio_auctions}</a>
                    <a class="btn" href="/studio/auctions/new" data-testid="new-auction">{move || t().au.new_auction}</a>
                    <a class="btn btn--primary" href="/studio/campaigns/new" data-testid="new-campaign">{move || t().new_campaign}</a>
                </div>
            </div>
            <p class="studio__intro">{move || t().studio_list_intro}</p>
            <Transition fallback=move || view! { <p class="loading">{move || t().loading}</p> }>
                {move || Suspend::new(async move {
                    match campaigns.await {
                        Ok(list) => Either::Left(view! {
                            <ul class="studio__list">
                                {list.into_iter().map(|c| view! { <CampaignRow campaign=c/> }).collect_view()}
                            </ul>
                        }),
                        Err(e) => Either::Right(view! { <p class="notice notice--error" role="alert">{move || error_text(lang.get(), &e)}</p> }),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn CampaignRow(campaign: CampaignDetail) -> impl IntoView {
    let lang = use_lang();
    let t = move || lang.get().texts();
    let title = campaign.campaign.title.clone();
    let id = campaign.campaign.id.clone();
    let held: i64 = campaign.batches.iter().map(|b| b.held).sum();
    let cap: i64 = campaign.batches.iter().map(|b| b.cap).sum();
    let percent = if cap > 0 { held * 100 / cap } else { 0 };
    view! {
        <li class="studio__row" data-testid=format!("studio-{id}")>
            <div>
                <strong>{move || lang.get().pick(&title).to_string()}</strong>
                <span class="muted"><code>{id.clone()}</code> " · " <LocalTime utc_ms=campaign.campaign.opens_at/> " – " <LocalTime utc_ms=campaign.campaign.closes_at/></span>
            </div>
            <div class="studio__fill">
                <div class="meter" role="img" aria-label=format!("{held} / {cap}")><span style=format!("width:{percent}%")></span></div>
                <span class="muted">{move || t().batch_fill} " " {format::number(held as u64)} " / " {format::number(cap as u64)}
                    " · " {campaign.batches.len()} " × " {move || t().f_batches_short}</span>
            </div>
            <a class="btn" href=format!("/studio/campaigns/{id}") data-testid=format!("edit-{id}")>{move || t().edit}</a>
        </li>
    }
}

/// `/studio/campaigns/new`.
#[component]
pub fn NewCampaignPage() -> impl IntoView {
    let lang = use_lang();
    let t = move || lang.get().texts();
    view! {
        <Title text=move || t().studio_title/>
        <section class="studio">
            <h1>{move || t().studio_title}</h1>
            <p class="studio__intro">{move || t().studio_intro}</p>
            <CampaignForm editing=None/>
        </section>
    }
}

/// `/studio/campaigns/{id}`: the form filled with the campaign as stored.
#[component]
pub fn EditCampaignPage() -> impl IntoView {
    let lang = use_lang();
    let t = move || lang.get().texts();
    let params = use_params_map();
    let detail = Resource::new(
        move || params.read().get("id").unwrap_or_default(),
        load_campaign_detail,
    );
    view! {
        <Title text=move || t().edit_title/>
        <section class="studio">
            <h1>{move || t().edit_title}</h1>
            <p class="studio__intro">{move || t().edit_note}</p>
            <Transition fallback=move || view! { <p class="loading">{move || t().loading}</p> }>
                {move || Suspend::new(async move {
                    match detail.await {
                        Ok(d) => EitherOf3::A(view! { <CampaignForm editing=Some(d)/> }),
                        Err(AppError::NotFound { .. }) => EitherOf3::B(view! { <p class="notice notice--error" role="alert">{move || t().not_found_title}</p> }),
                        Err(e) => EitherOf3::C(view! { <p class="notice notice--error" role="alert">{move || error_text(lang.get(), &e)}</p> }),
                    }
                })}
            </Transition>
        </section>
    }
}
