//! Reading a user from JSON: each field into its typed field, or verbatim into `extra`.

use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::Value;

use super::parts::put;
use super::{EXACT_INTEGER, UserRecord};

impl UserRecord {
    /// Reads one field of the JSON object into its typed field, or into `extra`.
    fn read_field(&mut self, key: Key<'_>, value: Value) {
        macro_rules! typed {
            ($($name:ident),*) => {
                match key.as_str() {
                    $(stringify!($name) => put(&mut self.$name, key.as_str(), value, &mut self.extra),)*
                    "total_revenue" => self.read_revenue(value),
                    _ => {
                        self.extra.insert(key.into_owned(), value);
                    }
                }
            };
        }
        typed_fields!(typed)
    }

    fn read_revenue(&mut self, value: Value) {
        let read = match &value {
            Value::Number(n) if n.is_f64() => n.as_f64().map(|x| (x, false)),
            Value::Number(n) => match (n.as_i64(), n.as_u64()) {
                (Some(i), _) if i.unsigned_abs() <= EXACT_INTEGER => Some((i as f64, true)),
                (_, Some(u)) if u <= EXACT_INTEGER => Some((u as f64, true)),
                _ => None,
            },
            _ => None,
        };
        match read {
            Some((revenue, integer)) => {
                self.total_revenue = Some(revenue);
                self.revenue_integer = integer;
                self.extra.remove("total_revenue");
            }
            None => {
                self.total_revenue = None;
                self.extra.insert("total_revenue".to_owned(), value);
            }
        }
    }
}

/// Reads any JSON object (see [`UserRecord`]); anything else is an error.
impl<'de> Deserialize<'de> for UserRecord {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(RecordVisitor)
    }
}

struct RecordVisitor;

impl<'de> Visitor<'de> for RecordVisitor {
    type Value = UserRecord;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object (one user)")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<UserRecord, A::Error> {
        let mut record = UserRecord::default();
        while let Some(key) = map.next_key::<Key<'de>>()? {
            let value: Value = map.next_value()?;
            record.read_field(key, value);
        }
        Ok(record)
    }
}

/// A field name, borrowed from the line when it has no escapes (no allocation for the
/// documented names).
enum Key<'de> {
    Borrowed(&'de str),
    Owned(String),
}

impl Key<'_> {
    fn as_str(&self) -> &str {
        match self {
            Key::Borrowed(text) => text,
            Key::Owned(text) => text,
        }
    }

    fn into_owned(self) -> String {
        match self {
            Key::Borrowed(text) => text.to_owned(),
            Key::Owned(text) => text,
        }
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_borrowed_str<E>(self, text: &'de str) -> Result<Key<'de>, E> {
        Ok(Key::Borrowed(text))
    }

    fn visit_str<E>(self, text: &str) -> Result<Key<'de>, E> {
        Ok(Key::Owned(text.to_owned()))
    }

    fn visit_string<E>(self, text: String) -> Result<Key<'de>, E> {
        Ok(Key::Owned(text))
    }
}
