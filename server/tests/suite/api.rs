//! The public JSON API, end to end in-process, on SQLite (or PostgreSQL with
//! `TEST_DATABASE_URL`).

use crate::common;

use axum::body::Body;
use common::{complete_lease, reasons_of, state_of, TestApp};
use http::{Request, StatusCode};
use serde_json::{json, Value};

#[tokio::test]
async fn health_answers_ok() {
    let app = TestApp::new().await;
    let (status, body) = app.call("GET", "/api/v1/health", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, json!({"status": "ok"}));
}

#[tokio::test]
async fn car_lines_and_catalog_are_published() {
    let app = TestApp::new().await;
    let (status, lines) = app.call("GET", "/api/v1/car-lines", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(lines[0]["id"], "xiaoman");
    assert_eq!(lines[0]["published_version"], 1);

    let (status, catalog) = app
        .call("GET", "/api/v1/car-lines/xiaoman/catalog", None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(catalog["version"], 1);
    assert_eq!(
        catalog["base_price"],
        json!({"purchase": 8_990_000, "lease": 4_990_000})
    );
    let options: usize = catalog["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["options"].as_array().unwrap().len())
        .sum();
    assert!(options >= 25, "{options} options");
    assert!(catalog["rules"].as_array().unwrap().len() >= 10);
}

#[tokio::test]
async fn unknown_car_line_is_a_404_in_the_error_format() {
    let app = TestApp::new().await;
    let (status, body) = app
        .call("GET", "/api/v1/car-lines/nope/catalog", None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error"], "unknown_car_line");
    assert!(body["message"].as_str().unwrap().contains("nope"));

    let (status, body) = app
        .call(
            "POST",
            "/api/v1/configurations/check",
            Some(json!({"car_line": "nope", "selections": []})),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error"], "unknown_car_line");
}

#[tokio::test]
async fn lease_excludes_the_fixed_pack_with_its_reason() {
    let app = TestApp::new().await;
    let (status, check) = app
        .call(
            "POST",
            "/api/v1/configurations/check",
            Some(json!({"car_line": "xiaoman", "selections": ["lease"]})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(check["valid"], true);
    assert_eq!(check["complete"], false);
    assert_eq!(state_of(&check, "lease"), "selected");
    assert_eq!(state_of(&check, "pack_fixed"), "excluded");
    assert_eq!(state_of(&check, "purchase"), "excluded");
    assert_eq!(state_of(&check, "pack_std"), "selectable");
    let reasons = reasons_of(&check, "pack_fixed");
    assert!(reasons.contains(&json!({"kind": "chosen", "option": "lease", "selected": true})));
    assert!(reasons.contains(&json!({"kind": "rule", "rule": "lease_needs_swappable"})));
    // Lease mode is decided, so the price is there, with every term of the lease.
    assert_eq!(check["price"]["mode"], "lease");
}

#[tokio::test]
async fn matte_paint_forces_sport_and_19_inch_wheels() {
    let app = TestApp::new().await;
    let (_, check) = app
        .call(
            "POST",
            "/api/v1/configurations/check",
            Some(json!({"car_line": "xiaoman", "selections": ["matte_grey"]})),
        )
        .await;
    assert_eq!(state_of(&check, "sport"), "forced");
    assert_eq!(state_of(&check, "wheels_19"), "forced");
    assert_eq!(state_of(&check, "wheels_17"), "excluded");
    assert!(reasons_of(&check, "sport")
        .contains(&json!({"kind": "chosen", "option": "matte_grey", "selected": true})));
}

#[tokio::test]
async fn a_complete_configuration_is_priced_in_fen() {
    let app = TestApp::new().await;
    let (status, check) = app
        .call(
            "POST",
            "/api/v1/configurations/check",
            Some(json!({"car_line": "xiaoman", "selections": complete_lease()})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(check["complete"], true, "{check}");
    let price = &check["price"];
    assert_eq!(price["mode"], "lease");
    let lines: i64 = price["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["amount"].as_i64().unwrap())
        .sum();
    assert_eq!(
        price["total"].as_i64().unwrap(),
        lines,
        "the total is the sum of its lines"
    );
    assert_eq!(price["lease"]["monthly_fee"], 39_900);
    assert_eq!(price["lease"]["mileage_cap_km_per_month"], 3000);
    assert_eq!(price["lease"]["overage_per_km"], 20);
    assert_eq!(price["lease"]["contract_months"], 60);
}

#[tokio::test]
async fn unknown_options_are_422_and_name_the_ids() {
    let app = TestApp::new().await;
    let (status, body) = app
        .call(
            "POST",
            "/api/v1/configurations/check",
            Some(json!({"car_line": "xiaoman", "selections": ["lease", "sunroof"]})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"], "unknown_option");
    assert_eq!(body["options"], json!(["sunroof"]));
}

#[tokio::test]
async fn malformed_bodies_get_a_clear_4xx_and_store_nothing() {
    let app = TestApp::new().await;
    let raw = |body: &'static str, content_type: Option<&str>| {
        let mut request = Request::builder()
            .method("POST")
            .uri("/api/v1/configurations");
        if let Some(ct) = content_type {
            request = request.header("content-type", ct);
        }
        request.body(Body::from(body)).unwrap()
    };
    let cases: Vec<(Request<Body>, StatusCode, &str)> = vec![
        (
            raw("{\"car_line\": ", Some("application/json")),
            StatusCode::BAD_REQUEST,
            "invalid_json",
        ),
        (
            raw("[1,2]", Some("application/json")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
        ),
        (
            raw(
                "{\"car_line\": 7, \"selections\": []}",
                Some("application/json"),
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
        ),
        (
            raw(
                "{\"car_line\": \"xiaoman\", \"selections\": [], \"price\": 1}",
                Some("application/json"),
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
        ),
        (
            raw("{}", None),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        ),
    ];
    for (request, status, code) in cases {
        let (got, body) = app.send(request).await;
        assert_eq!(
            (got, body["error"].as_str().unwrap()),
            (status, code),
            "{body}"
        );
        assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
    let huge = json!({"car_line": "xiaoman", "selections": vec!["x".repeat(100); 1000]});
    let (status, body) = app.call("POST", "/api/v1/configurations", Some(huge)).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(body["error"], "payload_too_large");
    assert_eq!(app.stored_configurations().await, 0);
}

#[tokio::test]
async fn the_server_refuses_invalid_and_incomplete_configurations() {
    let app = TestApp::new().await;
    let (status, body) = app
        .call(
            "POST",
            "/api/v1/configurations",
            Some(json!({"car_line": "xiaoman", "selections": ["lease", "pack_fixed"]})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"], "invalid_configuration");
    let conflict = body["conflict"].as_array().unwrap();
    assert!(conflict.contains(&json!({"kind": "chosen", "option": "lease", "selected": true})));
    assert!(conflict.contains(&json!({"kind": "chosen", "option": "pack_fixed", "selected": true})));

    let (status, body) = app
        .call(
            "POST",
            "/api/v1/configurations",
            Some(json!({"car_line": "xiaoman", "selections": ["lease"]})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"], "incomplete_configuration");
    assert!(body["open_groups"]
        .as_array()
        .unwrap()
        .contains(&json!("paint")));
    assert_eq!(app.stored_configurations().await, 0);
}

#[tokio::test]
async fn saved_configurations_round_trip_through_their_code() {
    let app = TestApp::new().await;
    let (status, saved) = app
        .call(
            "POST",
            "/api/v1/configurations",
            Some(json!({"car_line": "xiaoman", "selections": complete_lease()})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{saved}");
    let code = saved["code"].as_str().unwrap().to_string();
    assert_eq!(code.len(), 8);
    assert_eq!(saved["url"], format!("/c/{code}"));

    let (status, loaded) = app
        .call("GET", &format!("/api/v1/configurations/{code}"), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(loaded["selections"], complete_lease());
    assert_eq!(loaded["withdrawn"], json!([]));
    assert_eq!(loaded["check"]["complete"], true);
    assert_eq!(loaded["catalog_version"], 1);
    // Codes are forgiving about case.
    let (status, _) = app
        .call(
            "GET",
            &format!("/api/v1/configurations/{}", code.to_lowercase()),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn bad_and_unknown_codes() {
    let app = TestApp::new().await;
    let (status, body) = app
        .call("GET", "/api/v1/configurations/not-a-code!", None)
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "malformed_code");
    let (status, body) = app
        .call("GET", "/api/v1/configurations/ZZZZZZZZ", None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error"], "not_found");
}

#[tokio::test]
async fn withdrawn_options_are_reported_not_lost() {
    let app = TestApp::new().await;
    let (_, saved) = app
        .call(
            "POST",
            "/api/v1/configurations",
            Some(json!({"car_line": "xiaoman", "selections": complete_lease()})),
        )
        .await;
    let code = saved["code"].as_str().unwrap();

    // The OEM publishes version 2 without the sand-gold paint.
    let mut catalog = services::demo_catalog().unwrap();
    catalog.version = 2;
    for group in &mut catalog.groups {
        group.options.retain(|o| o.id != "sand_gold");
    }
    app.services
        .catalogs()
        .publish_catalog(&catalog)
        .await
        .unwrap();

    let (status, loaded) = app
        .call("GET", &format!("/api/v1/configurations/{code}"), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(loaded["catalog_version"], 1);
    assert_eq!(loaded["current_version"], 2);
    assert_eq!(loaded["withdrawn"], json!(["sand_gold"]));
    assert_eq!(
        loaded["check"]["complete"], false,
        "the paint must be chosen again"
    );
    assert!(loaded["check"]["open_groups"]
        .as_array()
        .unwrap()
        .contains(&json!("paint")));
}

#[tokio::test]
async fn unknown_paths_and_methods_answer_json() {
    let app = TestApp::new().await;
    let (status, body) = app.call("GET", "/api/v1/nothing-here", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error"], "not_found");
    let (status, body) = app
        .call("DELETE", "/api/v1/configurations/ABCDEFGH", None)
        .await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(body["error"], "method_not_allowed");
}

#[tokio::test]
async fn malformed_query_strings_and_paths_answer_400_json() {
    let app = TestApp::new().await;
    for uri in [
        "/api/v1/auctions/x/bids?limit=99999999999999999999",
        "/api/v1/auctions/x/bids?after=first",
        "/api/v1/auctions/x/events?after=-",
    ] {
        let (status, body) = app.call("GET", uri, None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}: {body}");
        assert_eq!(body["error"], "invalid_query", "{uri}: {body}");
        assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
    // A path segment that is not UTF-8 once decoded.
    let (status, body) = app.call("GET", "/api/v1/auctions/%FF%FE", None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["error"], "invalid_path");
}

#[tokio::test]
async fn bodies_without_json_content_type_answer_415_json() {
    let app = TestApp::new().await;
    for content_type in [
        None,
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
    ] {
        let mut request = Request::post("/api/v1/auth/login");
        if let Some(ct) = content_type {
            request = request.header("content-type", ct);
        }
        let request = request
            .body(Body::from(r#"{"login": "a@b.c", "password": "x"}"#))
            .unwrap();
        let (status, body) = app.send(request).await;
        assert_eq!(
            status,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "{content_type:?}"
        );
        assert_eq!(body["error"], "unsupported_media_type");
    }
    let request = Request::post("/api/v1/auth/login")
        .header("content-type", "application/json")
        .body(Body::from("{\"login\": "))
        .unwrap();
    let (status, body) = app.send(request).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "invalid_json");
}

/// The names of a wire enum's variants.
fn wire_names<T: std::fmt::Display>(all: &[T]) -> Vec<String> {
    all.iter().map(T::to_string).collect()
}

#[tokio::test]
async fn the_openapi_document_lists_every_endpoint() {
    let app = TestApp::new().await;
    let (status, doc) = app.call("GET", "/api/v1/openapi.json", None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths: Vec<&str> = doc["paths"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    for path in [
        "/api/v1/health",
        "/api/v1/openapi.json",
        "/api/v1/car-lines",
        "/api/v1/car-lines/{line}/catalog",
        "/api/v1/configurations/check",
        "/api/v1/configurations",
        "/api/v1/configurations/{code}",
    ] {
        assert!(paths.contains(&path), "{path} missing from {paths:?}");
    }
    // The states the API sends are documented as string enums of exactly their wire names.
    let names = |schema: &str| -> Vec<String> {
        let values = doc["components"]["schemas"][schema]["enum"].as_array();
        let values = values.unwrap_or_else(|| panic!("{schema} is not an enum in the document"));
        values
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        names("AuctionPhase"),
        [
            "open",
            "unsold",
            "awaiting_confirmation",
            "awaiting_payment",
            "paid",
            "awaiting_decision",
            "second_chance_offered",
            "rerun_scheduled"
        ]
    );
    assert_eq!(names("BidKind"), ["manual", "proxy", "proxy_match"]);
    assert_eq!(names("StreamEventKind"), ["snapshot", "entry", "time"]);
    assert_eq!(names("ThresholdStatus"), ["open", "confirmed", "dropped"]);
    assert_eq!(names("SalesMode"), ["purchase", "lease"]);
    assert_eq!(names("Cardinality"), ["exactly-one", "at-most-one", "any"]);
    assert_eq!(names("Stage"), wire_names(models::Stage::ALL));
    assert_eq!(names("Notice"), wire_names(models::Notice::ALL));
    assert_eq!(names("OrderStatus"), wire_names(models::OrderStatus::ALL));
    assert_eq!(
        names("OrderEventKind"),
        wire_names(models::OrderEventKind::ALL)
    );
}

/// Whether a schema says what it holds: a type, properties, a union, an enum or a reference.
fn is_typed(schema: &Value) -> bool {
    [
        "type",
        "properties",
        "oneOf",
        "anyOf",
        "allOf",
        "enum",
        "$ref",
    ]
    .iter()
    .any(|key| schema.get(key).is_some())
}

#[tokio::test]
async fn the_openapi_document_has_no_untyped_schemas() {
    let app = TestApp::new().await;
    let (_, doc) = app.call("GET", "/api/v1/openapi.json", None).await;
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    for (name, schema) in schemas {
        assert!(is_typed(schema), "{name} is untyped: {schema}");
        assert!(!name.ends_with("Doc"), "{name} is a placeholder");
        // A bare `{"type": "object"}` without properties says nothing either.
        let bare_object = schema["type"] == "object"
            && schema.get("properties").is_none()
            && schema.get("additionalProperties").is_none();
        assert!(!bare_object, "{name} is an untyped object: {schema}");
        for (field, property) in schema["properties"].as_object().into_iter().flatten() {
            assert!(is_typed(property), "{name}.{field} is untyped: {property}");
        }
    }
    // The bodies the API answers are the wire types, with money as integer fen.
    for name in [
        "Catalog",
        "CheckResult",
        "SavedConfiguration",
        "Account",
        "CampaignDetail",
        "CampaignInput",
        "OrderView",
        "Statement",
        "PollView",
        "AuctionView",
        "AuctionInput",
        "BidView",
        "BidAnswer",
        "Registration",
        "DemandReport",
        "ApiTokenView",
        "NewApiToken",
        "FeedEntry",
    ] {
        assert!(schemas.contains_key(name), "{name} missing");
    }
    assert_eq!(schemas["Money"]["type"], "integer");
    assert_eq!(schemas["Money"]["format"], "int64");
    assert_eq!(
        schemas["Role"]["enum"],
        json!(["consumer", "marketer", "oem", "admin"])
    );
    // Every operation documents its refusals in the error format.
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let responses = operation["responses"].as_object().unwrap();
            let takes = |kind: &str| {
                operation["parameters"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|p| p["in"] == kind)
            };
            let mut needs = vec![];
            if takes("path") || takes("query") {
                needs.push("400");
            }
            if operation.get("requestBody").is_some() && path != "/api/v1/payments/callback" {
                needs.extend(["400", "413", "415", "422"]);
            }
            for status in needs {
                assert!(
                    responses.contains_key(status),
                    "{method} {path} does not document {status}"
                );
            }
        }
    }
}

#[tokio::test]
async fn concurrent_saves_all_get_distinct_codes() {
    let app = TestApp::new().await;
    let saves = (0..40).map(|_| {
        app.call(
            "POST",
            "/api/v1/configurations",
            Some(json!({"car_line": "xiaoman", "selections": complete_lease()})),
        )
    });
    let results: Vec<(StatusCode, Value)> = futures::future::join_all(saves).await;
    let mut codes: Vec<String> = results
        .iter()
        .map(|(status, body)| {
            assert_eq!(*status, StatusCode::CREATED, "{body}");
            body["code"].as_str().unwrap().to_string()
        })
        .collect();
    codes.sort();
    codes.dedup();
    assert_eq!(codes.len(), 40);
    assert_eq!(app.stored_configurations().await, 40);
}
