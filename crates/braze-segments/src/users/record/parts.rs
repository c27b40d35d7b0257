//! The rule every typed field of a user follows, and the small typed pieces inside a user.
//!
//! A value of the expected JSON type is read into its field; anything else (`null` included)
//! stays JSON, verbatim, in the `extra` map beside the field, under the field's own name. So one
//! odd value never loses a record, and writing a record back gives the object Braze sent.

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Map, Value};

use crate::Timestamp;

/// A Rust type a JSON value can be read into without losing anything.
pub(super) trait Typed: Sized {
    /// Whether `take` keeps everything `value` holds (and writes it back unchanged).
    fn accepts(value: &Value) -> bool;
    /// The typed value; only called on values [`accepts`](Self::accepts) said yes to (anything
    /// else gives a harmless stand-in, never a panic).
    fn take(value: Value) -> Self;
}

/// Reads `value` into `slot` when it has the expected type; otherwise keeps it in `extra` under
/// `key`. A key seen twice keeps the last value, in one place only.
pub(super) fn put<T: Typed>(slot: &mut Option<T>, key: &str, value: Value, extra: &mut Map<String, Value>) {
    if !value.is_null() && T::accepts(&value) {
        *slot = Some(T::take(value));
        if !extra.is_empty() {
            extra.remove(key);
        }
    } else {
        *slot = None;
        extra.insert(key.to_owned(), value);
    }
}

/// Writes the entries of `extra` a set typed field does not shadow (`is_set` says which names
/// are set): a name is written once, the typed field winning.
pub(super) fn serialize_extra<M: SerializeMap>(
    map: &mut M,
    extra: &Map<String, Value>,
    is_set: impl Fn(&str) -> bool,
) -> Result<(), M::Error> {
    for (key, value) in extra {
        if !is_set(key) {
            map.serialize_entry(key, value)?;
        }
    }
    Ok(())
}

impl Typed for String {
    fn accepts(value: &Value) -> bool {
        value.is_string()
    }
    fn take(value: Value) -> Self {
        match value {
            Value::String(text) => text,
            other => other.to_string(),
        }
    }
}

impl Typed for Timestamp {
    fn accepts(value: &Value) -> bool {
        value.is_string()
    }
    fn take(value: Value) -> Self {
        Timestamp::parse(String::take(value))
    }
}

impl Typed for i64 {
    fn accepts(value: &Value) -> bool {
        value.as_i64().is_some()
    }
    fn take(value: Value) -> Self {
        value.as_i64().unwrap_or_default()
    }
}

impl Typed for u64 {
    fn accepts(value: &Value) -> bool {
        value.as_u64().is_some()
    }
    fn take(value: Value) -> Self {
        value.as_u64().unwrap_or_default()
    }
}

impl Typed for Map<String, Value> {
    fn accepts(value: &Value) -> bool {
        value.is_object()
    }
    fn take(value: Value) -> Self {
        match value {
            Value::Object(map) => map,
            _ => Map::new(),
        }
    }
}

impl Typed for Value {
    fn accepts(_: &Value) -> bool {
        true
    }
    fn take(value: Value) -> Self {
        value
    }
}

impl<T: Typed> Typed for Vec<T> {
    fn accepts(value: &Value) -> bool {
        value.as_array().is_some_and(|items| items.iter().all(T::accepts))
    }
    fn take(value: Value) -> Self {
        match value {
            Value::Array(items) => items.into_iter().map(T::take).collect(),
            _ => Vec::new(),
        }
    }
}

/// One of a user's aliases (`user_aliases`). Any JSON object is read: a member of another type
/// than documented (or `null`) stays in [`extra`](Self::extra), as do members Braze may add.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct UserAlias {
    /// The alias itself (`alias_name`).
    pub alias_name: Option<String>,
    /// Its label (`alias_label`).
    pub alias_label: Option<String>,
    /// Every other member, verbatim.
    pub extra: Map<String, Value>,
}

impl Typed for UserAlias {
    fn accepts(value: &Value) -> bool {
        value.is_object()
    }
    fn take(value: Value) -> Self {
        let mut alias = UserAlias::default();
        for (key, value) in <Map<String, Value> as Typed>::take(value) {
            match key.as_str() {
                "alias_name" => put(&mut alias.alias_name, &key, value, &mut alias.extra),
                "alias_label" => put(&mut alias.alias_label, &key, value, &mut alias.extra),
                _ => {
                    alias.extra.insert(key, value);
                }
            }
        }
        alias
    }
}

impl Serialize for UserAlias {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        if let Some(name) = &self.alias_name {
            map.serialize_entry("alias_name", name)?;
        }
        if let Some(label) = &self.alias_label {
            map.serialize_entry("alias_label", label)?;
        }
        serialize_extra(&mut map, &self.extra, |key| match key {
            "alias_name" => self.alias_name.is_some(),
            "alias_label" => self.alias_label.is_some(),
            _ => false,
        })?;
        map.end()
    }
}

/// How often a user did something (one item of `custom_events` or `purchases`): Braze keeps
/// the last 90 days. Any JSON object is read: a member of another type than documented (or
/// `null`) stays in [`extra`](Self::extra), as do members Braze may add.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct EventSummary {
    /// The event's or product's name (`name`).
    pub name: Option<String>,
    /// When the user first did it (`first`).
    pub first: Option<Timestamp>,
    /// When the user last did it (`last`).
    pub last: Option<Timestamp>,
    /// How many times (`count`).
    pub count: Option<u64>,
    /// Every other member, verbatim.
    pub extra: Map<String, Value>,
}

impl Typed for EventSummary {
    fn accepts(value: &Value) -> bool {
        value.is_object()
    }
    fn take(value: Value) -> Self {
        let mut event = EventSummary::default();
        for (key, value) in <Map<String, Value> as Typed>::take(value) {
            match key.as_str() {
                "name" => put(&mut event.name, &key, value, &mut event.extra),
                "first" => put(&mut event.first, &key, value, &mut event.extra),
                "last" => put(&mut event.last, &key, value, &mut event.extra),
                "count" => put(&mut event.count, &key, value, &mut event.extra),
                _ => {
                    event.extra.insert(key, value);
                }
            }
        }
        event
    }
}

impl Serialize for EventSummary {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        if let Some(name) = &self.name {
            map.serialize_entry("name", name)?;
        }
        if let Some(first) = &self.first {
            map.serialize_entry("first", first)?;
        }
        if let Some(last) = &self.last {
            map.serialize_entry("last", last)?;
        }
        if let Some(count) = &self.count {
            map.serialize_entry("count", count)?;
        }
        serialize_extra(&mut map, &self.extra, |key| match key {
            "name" => self.name.is_some(),
            "first" => self.first.is_some(),
            "last" => self.last.is_some(),
            "count" => self.count.is_some(),
            _ => false,
        })?;
        map.end()
    }
}
