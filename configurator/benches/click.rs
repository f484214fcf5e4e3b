//! One click in the configurator UI = `Engine::check` + `Engine::quote` on the demo catalog.

use configurator::{Catalog, Choice, Engine};
use criterion::{black_box, criterion_group, criterion_main, Criterion};

const CATALOG: &str = include_str!("../../seed/catalogs/xiaoman.toml");

fn select(ids: &[&str]) -> Vec<Choice> {
    ids.iter()
        .map(|&id| Choice::Select(id.to_owned()))
        .collect()
}

fn click(c: &mut Criterion) {
    let catalog = Catalog::from_toml(CATALOG).expect("demo catalog");
    let mut engine = Engine::new(catalog.clone()).expect("consistent");
    let scenarios = [
        ("empty", Vec::new()),
        (
            "typical",
            select(&[
                "lease",
                "matte_grey",
                "interior_comfort",
                "glass_roof",
                "winter_pack",
            ]),
        ),
        (
            "complete",
            engine.complete(&select(&[
                "purchase",
                "sky_blue",
                "interior_premium",
                "dashcam",
                "bike_carrier",
            ])),
        ),
        (
            "conflict",
            select(&["wallbox", "matte_grey", "wheels_17", "lease", "pack_fixed"]),
        ),
    ];
    for (name, choices) in &scenarios {
        c.bench_function(&format!("check+quote/{name}"), |b| {
            b.iter(|| {
                let check = engine.check(black_box(choices));
                black_box(engine.quote(&check))
            })
        });
    }
    let choices = select(&["lease", "interior_base", "roof_rack"]);
    c.bench_function("click/needs-resolution", |b| {
        b.iter(|| black_box(engine.click(black_box(&choices), "glass_roof")))
    });
    c.bench_function("complete/lease", |b| {
        b.iter(|| black_box(engine.complete(black_box(&select(&["lease"])))))
    });
    c.bench_function("engine/new", |b| {
        b.iter(|| Engine::new(black_box(catalog.clone())).expect("consistent"))
    });
}

criterion_group!(benches, click);
criterion_main!(benches);
