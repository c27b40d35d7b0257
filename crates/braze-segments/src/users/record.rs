//! One exported user: Braze's documented fields, typed, and everything else verbatim.

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Map, Value};

use crate::Timestamp;

mod parts;

use parts::serialize_extra;
pub use parts::{EventSummary, UserAlias};

/// One user of a users export (`/users/export/segment`), as one line of the archive gave it.
///
/// Braze sends only the fields that were asked for and exist, so every field is optional. A
/// documented field is read into its typed field only when its JSON type is the documented one;
/// otherwise — `null` included — it stays, verbatim and under its own name, in
/// [`extra`](Self::extra), beside every field this type does not know. One odd value never
/// loses a user, and [`Serialize`] writes back the object Braze sent (keys in another order).
/// When a name is both in a typed field and in `extra` (after the fields were changed by
/// hand), the typed field is the one written.
///
/// Dates are [`Timestamp`]s (loose ISO 8601, the raw text kept).
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct UserRecord {
    /// The id the customer gave the user (`external_id`).
    pub external_id: Option<String>,
    /// Braze's own id of the user (`braze_id`).
    pub braze_id: Option<String>,
    /// The user's aliases (`user_aliases`).
    pub user_aliases: Option<Vec<UserAlias>>,
    /// `first_name`.
    pub first_name: Option<String>,
    /// `last_name`.
    pub last_name: Option<String>,
    /// `email`.
    pub email: Option<String>,
    /// `phone`.
    pub phone: Option<String>,
    /// Date of birth (`dob`, a date such as `1980-12-21`: see [`Timestamp::date`]).
    pub dob: Option<Timestamp>,
    /// `country` (ISO 3166-1 alpha-2, as Braze stores it).
    pub country: Option<String>,
    /// `home_city`.
    pub home_city: Option<String>,
    /// `language` (ISO 639-1).
    pub language: Option<String>,
    /// `time_zone` (an IANA name).
    pub time_zone: Option<String>,
    /// `gender`.
    pub gender: Option<String>,
    /// When the profile was created (`created_at`).
    pub created_at: Option<Timestamp>,
    /// When Braze saw the app uninstalled (`uninstalled_at`).
    pub uninstalled_at: Option<Timestamp>,
    /// `random_bucket` (Braze documents 0–9999).
    pub random_bucket: Option<i64>,
    /// `total_revenue`. An integer Braze sent is kept when it is at most 2⁵³ in magnitude
    /// (exact in an `f64`), and written back as an integer while it has no fraction.
    pub total_revenue: Option<f64>,
    /// `email_subscribe` (`opted_in`, `subscribed` or `unsubscribed`).
    pub email_subscribe: Option<String>,
    /// `push_subscribe` (`opted_in`, `subscribed` or `unsubscribed`).
    pub push_subscribe: Option<String>,
    /// `attributed_campaign`.
    pub attributed_campaign: Option<String>,
    /// `attributed_source`.
    pub attributed_source: Option<String>,
    /// `attributed_adgroup`.
    pub attributed_adgroup: Option<String>,
    /// `attributed_ad`.
    pub attributed_ad: Option<String>,
    /// Every custom attribute, as Braze sent it (`custom_attributes`, any JSON object).
    pub custom_attributes: Option<Map<String, Value>>,
    /// Custom events of the last 90 days (`custom_events`).
    pub custom_events: Option<Vec<EventSummary>>,
    /// Purchases of the last 90 days (`purchases`).
    pub purchases: Option<Vec<EventSummary>>,
    /// `devices`, each as Braze sent it.
    pub devices: Option<Vec<Value>>,
    /// `apps`, each as Braze sent it.
    pub apps: Option<Vec<Value>>,
    /// `push_tokens`, each as Braze sent it.
    pub push_tokens: Option<Vec<Value>>,
    /// `campaigns_received` (last 90 days), each as Braze sent it.
    pub campaigns_received: Option<Vec<Value>>,
    /// `canvases_received` (last 90 days), each as Braze sent it.
    pub canvases_received: Option<Vec<Value>>,
    /// Every other field, verbatim: those this type does not know (`last_coordinates`,
    /// `cards_clicked`, fields Braze adds later) and documented ones that were `null` or of an
    /// unexpected type.
    pub extra: Map<String, Value>,
    /// Whether `total_revenue` came as a JSON integer (so it is written back as one).
    revenue_integer: bool,
}

/// Calls `$m!` with the names of the typed fields (all but `total_revenue`, read on its own).
macro_rules! typed_fields {
    ($m:ident) => {
        $m!(
            external_id,
            braze_id,
            user_aliases,
            first_name,
            last_name,
            email,
            phone,
            dob,
            country,
            home_city,
            language,
            time_zone,
            gender,
            created_at,
            uninstalled_at,
            random_bucket,
            email_subscribe,
            push_subscribe,
            attributed_campaign,
            attributed_source,
            attributed_adgroup,
            attributed_ad,
            custom_attributes,
            custom_events,
            purchases,
            devices,
            apps,
            push_tokens,
            campaigns_received,
            canvases_received
        )
    };
}

/// Integers up to this magnitude are exact in an `f64`.
const EXACT_INTEGER: u64 = 1 << 53;

impl UserRecord {
    /// Reads one line of an export: it must be one JSON object (an error otherwise). Never
    /// fails on a field's type: see the type's documentation.
    pub fn from_json_line(line: &[u8]) -> Result<UserRecord, serde_json::Error> {
        serde_json::from_slice(line)
    }

    /// The value of the top-level field `field`, documented or not, as JSON (as it would be
    /// written); `None` when the user has no such field.
    pub fn get(&self, field: &str) -> Option<Value> {
        macro_rules! typed {
            ($($name:ident),*) => {
                match field {
                    $(stringify!($name) => {
                        if let Some(value) = &self.$name {
                            return serde_json::to_value(value).ok();
                        }
                    })*
                    "total_revenue" => {
                        if let Some(value) = self.revenue_json() {
                            return Some(value);
                        }
                    }
                    _ => {}
                }
            };
        }
        typed_fields!(typed);
        self.extra.get(field).cloned()
    }

    /// Whether the typed field named `field` holds a value.
    fn is_set(&self, field: &str) -> bool {
        macro_rules! typed {
            ($($name:ident),*) => {
                match field {
                    $(stringify!($name) => self.$name.is_some(),)*
                    "total_revenue" => self.total_revenue.is_some(),
                    _ => false,
                }
            };
        }
        typed_fields!(typed)
    }

    /// `total_revenue` as it is written: an integer when it came as one and has no fraction.
    fn revenue_json(&self) -> Option<Value> {
        let revenue = self.total_revenue?;
        let exact = EXACT_INTEGER as f64;
        Some(
            if self.revenue_integer && revenue.fract() == 0.0 && revenue.abs() <= exact {
                Value::from(revenue as i64)
            } else {
                Value::from(revenue)
            },
        )
    }
}

impl Serialize for UserRecord {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        macro_rules! typed {
            ($($name:ident),*) => {
                $(if let Some(value) = &self.$name {
                    map.serialize_entry(stringify!($name), value)?;
                })*
            };
        }
        typed_fields!(typed);
        if let Some(revenue) = self.revenue_json() {
            map.serialize_entry("total_revenue", &revenue)?;
        }
        serialize_extra(&mut map, &self.extra, |key| self.is_set(key))?;
        map.end()
    }
}

mod read;

#[cfg(test)]
mod tests;
