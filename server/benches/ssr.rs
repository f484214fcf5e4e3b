//! Server-side render time of the pages, through the whole router (routing, server function
//! data, the engine's check, HTML), on a seeded SQLite database.

use axum::body::Body;
use criterion::{criterion_group, criterion_main, Criterion};
use http::Request;
use http_body_util::BodyExt;
use leptos::prelude::LeptosOptions;
use services::Services;
use tower::ServiceExt;

fn ssr(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let path = std::env::temp_dir().join(format!("c2m-bench-{}.db", std::process::id()));
    let router = runtime.block_on(async {
        let services = Services::connect(&format!("sqlite://{}", path.display()))
            .await
            .expect("database");
        services.seed_demo("c2m-demo-2026").await.expect("seed");
        let options = LeptosOptions::builder().output_name("c2m-studio").build();
        server::router(services, options)
    });
    for page in ["/", "/configure/xiaoman"] {
        c.bench_function(&format!("ssr {page}"), |b| {
            b.to_async(&runtime).iter(|| {
                let router = router.clone();
                async move {
                    let response = router
                        .oneshot(Request::get(page).body(Body::empty()).expect("request"))
                        .await
                        .expect("response");
                    assert!(response.status().is_success());
                    response
                        .into_body()
                        .collect()
                        .await
                        .expect("body")
                        .to_bytes()
                        .len()
                }
            })
        });
    }
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}

criterion_group!(benches, ssr);
criterion_main!(benches);
