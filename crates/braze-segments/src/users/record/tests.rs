use serde_json::{Value, json};

use super::*;

fn read(value: &Value) -> UserRecord {
    UserRecord::from_json_line(value.to_string().as_bytes()).unwrap()
}

/// The record written back is the object it was read from.
fn assert_round_trip(value: Value) -> UserRecord {
    let record = read(&value);
    assert_eq!(serde_json::to_value(&record).unwrap(), value);
    record
}

fn typical() -> Value {
    json!({
        "external_id": "user-1",
        "braze_id": "5f1e0d3c2b1a",
        "user_aliases": [{"alias_name": "a1", "alias_label": "crm"}],
        "first_name": "Ada",
        "last_name": "Lovelace",
        "email": "ada@example.com",
        "phone": "+15555550100",
        "dob": "1815-12-10",
        "country": "GB",
        "home_city": "London",
        "language": "en",
        "time_zone": "Europe/London",
        "gender": "F",
        "created_at": "2021-02-23T13:50:47.123Z",
        "random_bucket": 4242,
        "total_revenue": 12.5,
        "email_subscribe": "opted_in",
        "push_subscribe": "subscribed",
        "custom_attributes": {"plan": "pro", "nested": {"a": [1, 2, {"b": null}]}, "score": 7},
        "custom_events": [{"name": "login", "first": "2021-01-01T00:00:00Z", "last": "2021-03-01T00:00:00Z", "count": 9}],
        "purchases": [{"name": "book", "first": "2021-01-02", "last": "2021-01-02", "count": 1}],
        "devices": [{"model": "Pixel", "os": "Android 14", "device_id": "d1"}],
        "apps": [{"name": "App", "platform": "Android", "sessions": 3}],
        "push_tokens": [{"app": "App", "platform": "Android", "token": "t", "notifications_enabled": true}],
        "last_coordinates": [-0.12, 51.5],
        "cards_clicked": []
    })
}

#[test]
fn documented_fields_are_typed() {
    let record = assert_round_trip(typical());
    assert_eq!(record.external_id.as_deref(), Some("user-1"));
    assert_eq!(record.first_name.as_deref(), Some("Ada"));
    assert_eq!(record.random_bucket, Some(4242));
    assert_eq!(record.total_revenue, Some(12.5));
    assert_eq!(
        record.created_at.as_ref().map(|t| t.raw()),
        Some("2021-02-23T13:50:47.123Z")
    );
    assert!(record.created_at.as_ref().unwrap().is_valid());
    assert_eq!(
        record
            .dob
            .as_ref()
            .and_then(|t| t.date())
            .map(|d| d.to_string())
            .as_deref(),
        Some("1815-12-10")
    );
    let aliases = record.user_aliases.as_ref().unwrap();
    assert_eq!(aliases[0].alias_name.as_deref(), Some("a1"));
    assert_eq!(aliases[0].alias_label.as_deref(), Some("crm"));
    let login = &record.custom_events.as_ref().unwrap()[0];
    assert_eq!((login.name.as_deref(), login.count), (Some("login"), Some(9)));
    assert!(login.last.as_ref().unwrap().is_valid());
    assert_eq!(record.custom_attributes.as_ref().unwrap()["plan"], "pro");
    assert_eq!(record.devices.as_ref().unwrap().len(), 1);
    // unknown to the type: kept verbatim, and only there
    assert_eq!(record.extra.len(), 2, "{:?}", record.extra);
    assert_eq!(record.extra["last_coordinates"], json!([-0.12, 51.5]));
}

#[test]
fn odd_types_and_nulls_go_to_extra_under_their_own_name() {
    let value = json!({
        "external_id": "u",
        "first_name": 5,
        "last_name": null,
        "custom_attributes": "x",
        "created_at": 12,
        "random_bucket": 1.5,
        "total_revenue": "12",
        "user_aliases": [{"alias_name": "ok"}, "not an object"],
        "custom_events": {"name": "x"},
        "devices": "none",
    });
    let record = assert_round_trip(value);
    assert_eq!(record.external_id.as_deref(), Some("u"));
    for name in [
        "first_name",
        "last_name",
        "custom_attributes",
        "created_at",
        "random_bucket",
        "total_revenue",
        "user_aliases",
        "custom_events",
        "devices",
    ] {
        assert!(record.extra.contains_key(name), "{name} not in extra");
        assert!(!record.is_set(name), "{name} typed");
    }
    assert_eq!(record.extra["first_name"], json!(5));
    assert_eq!(record.extra["last_name"], Value::Null);
    assert_eq!(record.first_name, None);
    assert_eq!(record.get("first_name"), Some(json!(5)));
}

#[test]
fn odd_members_of_pieces_stay_in_the_piece() {
    let value = json!({
        "user_aliases": [{"alias_name": 1, "alias_label": "l", "since": "2020"}],
        "purchases": [{"name": "x", "first": null, "last": 3, "count": -1, "price": 2.5}, {}],
    });
    let record = assert_round_trip(value);
    let alias = &record.user_aliases.as_ref().unwrap()[0];
    assert_eq!(alias.alias_name, None);
    assert_eq!(alias.extra["alias_name"], json!(1));
    assert_eq!(alias.extra["since"], json!("2020"));
    let purchase = &record.purchases.as_ref().unwrap()[0];
    assert_eq!(
        (purchase.first.as_ref(), purchase.last.as_ref(), purchase.count),
        (None, None, None)
    );
    assert_eq!(purchase.extra.len(), 4, "{:?}", purchase.extra);
}

#[test]
fn revenue_keeps_its_integer_or_float_form() {
    for value in [
        json!(12),
        json!(-3),
        json!(0),
        json!(12.0),
        json!(0.1),
        json!(9007199254740992_u64),
    ] {
        let record = assert_round_trip(json!({ "total_revenue": value }));
        assert!(record.total_revenue.is_some(), "{value}");
        assert_eq!(record.get("total_revenue"), Some(value));
    }
    // not exact in an f64: kept verbatim instead
    let big = json!({ "total_revenue": 9007199254740993_u64 });
    let record = assert_round_trip(big);
    assert_eq!(record.total_revenue, None);
    assert_eq!(record.extra["total_revenue"], json!(9007199254740993_u64));
}

#[test]
fn unicode_quotes_and_escaped_names_survive() {
    let line = r#"{"first_name":"Zoë \"the\" 🦀\\","home_city":"東京","custom_attributes":{"k\u00e9y":"\u2028"},"la\u006eguage":"fr"}"#;
    let record = UserRecord::from_json_line(line.as_bytes()).unwrap();
    assert_eq!(record.first_name.as_deref(), Some("Zoë \"the\" 🦀\\"));
    assert_eq!(record.home_city.as_deref(), Some("東京"));
    assert_eq!(
        record.language.as_deref(),
        Some("fr"),
        "an escaped name is still the field"
    );
    assert_eq!(record.custom_attributes.as_ref().unwrap()["kéy"], "\u{2028}");
    let original: Value = serde_json::from_str(line).unwrap();
    assert_eq!(serde_json::to_value(&record).unwrap(), original);
    let written = serde_json::to_string(&record).unwrap();
    assert_eq!(serde_json::from_str::<UserRecord>(&written).unwrap(), record);
}

#[test]
fn a_line_that_is_not_one_object_is_an_error() {
    for line in ["[1,2]", "\"user\"", "42", "null", "{\"a\":1", "{\"a\":1} {}", ""] {
        assert!(UserRecord::from_json_line(line.as_bytes()).is_err(), "{line:?}");
    }
    let invalid_utf8 = b"{\"first_name\":\"\xff\"}";
    assert!(UserRecord::from_json_line(invalid_utf8).is_err());
    assert_eq!(UserRecord::from_json_line(b"{}").unwrap(), UserRecord::default());
}

#[test]
fn a_name_seen_twice_keeps_the_last_value_in_one_place() {
    let record = UserRecord::from_json_line(br#"{"email":"a@x","email":7}"#).unwrap();
    assert_eq!(
        (record.email.as_deref(), record.extra.get("email")),
        (None, Some(&json!(7)))
    );
    let record = UserRecord::from_json_line(br#"{"email":7,"email":"a@x"}"#).unwrap();
    assert_eq!(
        (record.email.as_deref(), record.extra.get("email")),
        (Some("a@x"), None)
    );
    assert_eq!(serde_json::to_value(&record).unwrap(), json!({"email": "a@x"}));
}

#[test]
fn get_finds_typed_and_extra_fields() {
    let record = read(&typical());
    assert_eq!(record.get("email"), Some(json!("ada@example.com")));
    assert_eq!(record.get("created_at"), Some(json!("2021-02-23T13:50:47.123Z")));
    assert_eq!(record.get("custom_attributes").unwrap()["score"], json!(7));
    assert_eq!(record.get("last_coordinates"), Some(json!([-0.12, 51.5])));
    assert_eq!(record.get("uninstalled_at"), None);
    assert_eq!(record.get("nope"), None);
}

#[test]
fn a_typed_field_set_by_hand_wins_over_extra() {
    let mut record = UserRecord::from_json_line(br#"{"first_name":null}"#).unwrap();
    record.first_name = Some("Ada".into());
    assert_eq!(serde_json::to_string(&record).unwrap(), r#"{"first_name":"Ada"}"#);
    assert_eq!(record.get("first_name"), Some(json!("Ada")));
}
