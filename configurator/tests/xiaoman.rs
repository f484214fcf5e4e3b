//! The demo catalog `seed/catalogs/xiaoman.toml` and its key behaviours.

use configurator::{
    Catalog, Check, Choice, Click, Engine, LeaseTerms, Money, OptionState, Reason, SalesMode,
};

const CATALOG: &str = include_str!("../../seed/catalogs/xiaoman.toml");

fn engine() -> Engine {
    let catalog = Catalog::from_toml(CATALOG).expect("the demo catalog parses and validates");
    Engine::new(catalog).expect("the demo catalog is consistent")
}

fn select(ids: &[&str]) -> Vec<Choice> {
    ids.iter()
        .map(|&id| Choice::Select(id.to_owned()))
        .collect()
}

fn chosen(option: &str, selected: bool) -> Reason {
    Reason::Chosen {
        option: option.to_owned(),
        selected,
    }
}

fn rule(id: &str) -> Reason {
    Reason::Rule {
        rule: id.to_owned(),
    }
}

fn group(id: &str) -> Reason {
    Reason::Group {
        group: id.to_owned(),
    }
}

fn state(check: &Check, id: &str) -> OptionState {
    check.state(id).unwrap_or_else(|| panic!("no option {id}"))
}

fn reasons<'a>(check: &'a Check, id: &str) -> &'a [Reason] {
    &check.status(id).expect("option").reasons
}

#[test]
fn catalog_shape() {
    let engine = engine();
    let catalog = engine.catalog();
    assert_eq!(catalog.car_line, "xiaoman");
    assert_eq!(catalog.version, 1);
    assert!(catalog.options().count() >= 25);
    assert!(catalog.rules.len() >= 10);
    for group in [
        "paint",
        "wheels",
        "styling",
        "interior",
        "roof",
        "battery",
        "sales_mode",
    ] {
        assert!(catalog.group(group).is_some(), "group {group}");
    }
    for r in &catalog.rules {
        assert!(
            !r.text.zh.is_empty() && !r.text.en.is_empty(),
            "rule {}",
            r.id
        );
    }
}

#[test]
fn no_dead_options_and_nothing_forced_up_front() {
    let mut engine = engine();
    let check = engine.check(&[]);
    assert!(check.valid && !check.complete);
    for status in &check.options {
        assert_eq!(status.state, OptionState::Selectable, "{}", status.id);
    }
    assert_eq!(check.sales_mode, None);
    assert_eq!(engine.quote(&check), None);
    let ids: Vec<String> = engine.catalog().options().map(|o| o.id.clone()).collect();
    for id in ids {
        assert!(
            matches!(engine.click(&[], &id), Click::Updated(_)),
            "{id} cannot be selected"
        );
    }
}

#[test]
fn lease_excludes_the_fixed_pack() {
    let mut engine = engine();
    let check = engine.check(&select(&["lease"]));
    assert!(check.valid);
    assert_eq!(check.sales_mode, Some(SalesMode::Lease));
    assert_eq!(state(&check, "pack_fixed"), OptionState::Excluded);
    assert_eq!(
        reasons(&check, "pack_fixed"),
        [
            chosen("lease", true),
            rule("lease_needs_swappable"),
            group("battery")
        ]
    );
    assert_eq!(state(&check, "purchase"), OptionState::Excluded);
    assert_eq!(
        reasons(&check, "purchase"),
        [chosen("lease", true), group("sales_mode")]
    );
    assert_eq!(state(&check, "pack_std"), OptionState::Selectable);
}

#[test]
fn matte_grey_forces_sport_then_19_inch_wheels() {
    let mut engine = engine();
    let check = engine.check(&select(&["matte_grey"]));
    assert_eq!(state(&check, "sport"), OptionState::Forced);
    assert_eq!(
        reasons(&check, "sport"),
        [chosen("matte_grey", true), rule("matte_needs_sport")]
    );
    assert_eq!(state(&check, "wheels_19"), OptionState::Forced);
    assert_eq!(
        reasons(&check, "wheels_19"),
        [
            chosen("matte_grey", true),
            rule("matte_needs_sport"),
            rule("sport_needs_19")
        ]
    );
    assert_eq!(state(&check, "standard"), OptionState::Excluded);
    assert_eq!(state(&check, "wheels_17"), OptionState::Excluded);
    assert_eq!(state(&check, "sky_blue"), OptionState::Excluded);
    assert!(!check.open_groups.contains(&"styling".to_owned()));
    assert!(check.open_groups.contains(&"interior".to_owned()));
}

#[test]
fn base_interior_excludes_the_glass_roof() {
    let mut engine = engine();
    let check = engine.check(&select(&["interior_base"]));
    assert_eq!(state(&check, "glass_roof"), OptionState::Excluded);
    assert_eq!(
        reasons(&check, "glass_roof"),
        [
            chosen("interior_base", true),
            rule("glass_roof_needs_sunshade")
        ]
    );
    assert_eq!(state(&check, "solid_roof"), OptionState::Forced);
    assert_eq!(state(&check, "assist_pack"), OptionState::Excluded);
    assert_eq!(state(&check, "dashcam"), OptionState::Excluded);
}

#[test]
fn each_demo_rule_bites() {
    let mut engine = engine();
    let cases: &[(&[&str], &str, OptionState, &str)] = &[
        (
            &["pack_long", "lease"],
            "tow_hitch",
            OptionState::Excluded,
            "no_towing_leased_long_range",
        ),
        (
            &["pack_long", "lease"],
            "bike_carrier",
            OptionState::Excluded,
            "bike_carrier_needs_hitch",
        ),
        (
            &["roof_rack"],
            "glass_roof",
            OptionState::Excluded,
            "rack_or_glass_roof",
        ),
        (
            &["glass_roof"],
            "roof_rack",
            OptionState::Excluded,
            "rack_or_glass_roof",
        ),
        (
            &["bike_carrier"],
            "tow_hitch",
            OptionState::Forced,
            "bike_carrier_needs_hitch",
        ),
        (
            &["assist_pack"],
            "interior_base",
            OptionState::Excluded,
            "assist_needs_screen",
        ),
        (
            &["sound_pack"],
            "interior_premium",
            OptionState::Forced,
            "sound_needs_premium",
        ),
        (
            &["dashcam"],
            "assist_pack",
            OptionState::Forced,
            "dashcam_needs_assist",
        ),
        (
            &["sky_blue"],
            "sport",
            OptionState::Excluded,
            "sky_blue_not_sport",
        ),
        (
            &["interior_premium"],
            "winter_pack",
            OptionState::Forced,
            "premium_with_winter",
        ),
        (
            &["wheels_18"],
            "sport",
            OptionState::Excluded,
            "sport_needs_19",
        ),
        (
            &["pack_fixed"],
            "lease",
            OptionState::Excluded,
            "lease_needs_swappable",
        ),
    ];
    for &(choices, option, expected, by) in cases {
        let check = engine.check(&select(choices));
        assert!(check.valid);
        assert_eq!(
            state(&check, option),
            expected,
            "{option} after {choices:?}"
        );
        assert!(
            reasons(&check, option).contains(&rule(by)),
            "{option} after {choices:?}: {:?}",
            reasons(&check, option)
        );
    }
    // Deselecting is a reason too.
    let check = engine.check(&[Choice::Deselect("winter_pack".into())]);
    assert_eq!(state(&check, "winter_pack"), OptionState::Excluded);
    assert_eq!(
        reasons(&check, "winter_pack"),
        [chosen("winter_pack", false)]
    );
    assert_eq!(state(&check, "interior_premium"), OptionState::Excluded);
}

#[test]
fn clicking_an_excluded_option_offers_the_fewest_drops() {
    let mut engine = engine();
    let choices = select(&["lease", "interior_base", "roof_rack"]);
    match engine.click(&choices, "glass_roof") {
        Click::NeedsResolution { drop, result } => {
            assert_eq!(drop, select(&["interior_base", "roof_rack"]));
            assert_eq!(result, select(&["lease", "glass_roof"]));
        }
        other => panic!("{other:?}"),
    }
    // Same group: the click replaces the earlier paint.
    let choices = select(&["sky_blue", "wheels_18"]);
    match engine.click(&choices, "matte_grey") {
        Click::NeedsResolution { drop, result } => {
            assert_eq!(drop, select(&["wheels_18"]));
            assert_eq!(result, select(&["matte_grey"]));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        engine.click(&select(&["ink_black"]), "sand_gold"),
        Click::Updated(select(&["sand_gold"]))
    );
    // Clicking a selected option removes it.
    assert_eq!(
        engine.click(&select(&["lease", "wallbox"]), "wallbox"),
        Click::Updated(select(&["lease"]))
    );
    assert_eq!(engine.click(&[], "no_such_option"), Click::Impossible);
    // Ties drop the older choice.
    assert_eq!(
        engine.resolve(
            &select(&["pack_long", "tow_hitch"]),
            &Choice::Select("lease".into())
        ),
        Some(select(&["tow_hitch", "lease"]))
    );
}

#[test]
fn clashing_choices_report_a_minimal_conflict() {
    let mut engine = engine();
    let choices = select(&["wallbox", "matte_grey", "wheels_17"]);
    let check = engine.check(&choices);
    assert!(!check.valid && !check.complete);
    assert_eq!(
        check.conflict,
        [
            chosen("matte_grey", true),
            chosen("wheels_17", true),
            rule("matte_needs_sport"),
            rule("sport_needs_19"),
            group("wheels"),
        ]
    );
    assert_eq!(state(&check, "wallbox"), OptionState::Selected);
    assert_eq!(state(&check, "floor_mats"), OptionState::Excluded);
    assert_eq!(reasons(&check, "floor_mats"), check.conflict.as_slice());
    assert_eq!(engine.quote(&check), None);
    assert_eq!(engine.complete(&choices), choices);
}

#[test]
fn base_configuration_prices() {
    let mut engine = engine();

    let purchase = engine.complete(&select(&["purchase"]));
    let check = engine.check(&purchase);
    assert!(check.valid && check.complete, "{check:?}");
    assert_eq!(
        check.chosen(),
        [
            "purchase",
            "pack_std",
            "cloud_white",
            "standard",
            "wheels_17",
            "interior_base",
            "solid_roof"
        ]
    );
    let quote = engine.quote(&check).expect("sales mode decided");
    assert_eq!(quote.mode, SalesMode::Purchase);
    assert_eq!(quote.total, Money(8_990_000));
    assert_eq!(quote.lease, None);
    assert_eq!(quote.lines[0].option, None);
    assert_eq!(quote.lines.len(), 8);

    let lease = engine.complete(&select(&["lease"]));
    let check = engine.check(&lease);
    assert!(check.valid && check.complete);
    let quote = engine.quote(&check).expect("sales mode decided");
    assert_eq!(quote.mode, SalesMode::Lease);
    assert_eq!(quote.total, Money(4_990_000));
    assert_eq!(
        quote.lease,
        Some(LeaseTerms {
            monthly_fee: Money(39_900),
            mileage_cap_km_per_month: 3_000,
            overage_per_km: Money(20),
            contract_months: 60,
        })
    );

    // The default sales mode is purchase.
    assert_eq!(engine.complete(&[]), purchase);
}

#[test]
fn completion_honours_choices_and_keeps_extras_off() {
    let mut engine = engine();
    let choices = select(&["lease", "dashcam", "glass_roof", "interior_premium"]);
    let completed = engine.complete(&choices);
    assert_eq!(&completed[..choices.len()], choices.as_slice());
    let check = engine.check(&completed);
    assert!(check.valid && check.complete);
    assert_eq!(
        check.chosen(),
        [
            "lease",
            "pack_std",
            "cloud_white",
            "standard",
            "wheels_17",
            "interior_premium",
            "glass_roof",
            "winter_pack",
            "assist_pack",
            "dashcam"
        ]
    );
    let quote = engine.quote(&check).unwrap();
    assert_eq!(
        quote.total,
        Money(4_990_000 + 900_000 + 350_000 + 300_000 + 600_000 + 89_900)
    );
}

#[test]
fn long_range_lease_has_its_own_terms() {
    let mut engine = engine();
    let choices = engine.complete(&select(&["lease", "pack_long"]));
    let check = engine.check(&choices);
    let quote = engine.quote(&check).unwrap();
    assert_eq!(quote.total, Money(4_990_000));
    assert!(quote.lease.unwrap().monthly_fee > Money(39_900));
    let purchase = engine
        .catalog()
        .quote(&["purchase", "pack_long"], SalesMode::Purchase);
    assert_eq!(purchase.total, Money(8_990_000 + 1_500_000));
}

#[test]
fn unknown_choices_are_reported_and_ignored() {
    let mut engine = engine();
    let choices = vec![
        Choice::Select("sunroof".into()),
        Choice::Select("lease".into()),
        Choice::Deselect("sunroof".into()),
    ];
    let check = engine.check(&choices);
    assert!(check.valid);
    assert_eq!(check.unknown, ["sunroof"]);
    assert_eq!(state(&check, "lease"), OptionState::Selected);
}
