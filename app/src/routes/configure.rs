use leptos::either::EitherOf3;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::components::configurator::Configurator;
use crate::error::AppError;
use crate::functions::configuration::load_configurator;
use crate::i18n::{error_text, use_lang};
use crate::routes::not_found::NotFound;

/// `/configure`, `/configure/:line` and the share link `/c/:code`.
#[component]
pub fn ConfigurePage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let query = use_query_map();
    let order = move || query.with(|q| q.get("order"));
    let data = Resource::new(
        move || {
            let (line, code) = params.with(|p| (p.get("line"), p.get("code")));
            (line, code, query.with(|q| q.get("pick")))
        },
        |(line, code, pick)| load_configurator(line, code, pick),
    );
    view! {
        <Title text=move || lang.get().texts().nav_configure/>
        <Suspense fallback=move || view! { <p class="loading">{move || lang.get().texts().loading}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(data) => EitherOf3::A(view! { <Configurator data order=order()/> }),
                    Err(AppError::NotFound { .. } | AppError::UnknownCarLine { .. } | AppError::MalformedCode { .. }) => {
                        EitherOf3::B(view! { <NotFound/> })
                    }
                    Err(error) => EitherOf3::C(view! {
                        <section class="empty-state">
                            <h1>{move || lang.get().texts().error_title}</h1>
                            <p>{move || error_text(lang.get(), &error)}</p>
                        </section>
                    }),
                }
            })}
        </Suspense>
    }
}
