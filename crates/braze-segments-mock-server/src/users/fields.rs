//! The user fields the stand-in knows, by the names `fields_to_export` gives them.

/// A user field the stand-in's users may carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Field {
    ExternalId,
    BrazeId,
    UserAliases,
    FirstName,
    LastName,
    Email,
    Phone,
    Dob,
    Country,
    HomeCity,
    Language,
    TimeZone,
    Gender,
    LastCoordinates,
    TotalRevenue,
    RandomBucket,
    PushSubscribe,
    EmailSubscribe,
    CreatedAt,
    AttributedSource,
    CustomAttributes,
    CustomEvents,
    Purchases,
    Devices,
    Apps,
}

/// Every field with its name, in the enum's order (so a field's name is found by its index).
const ALL: [(&str, Field); 25] = [
    ("external_id", Field::ExternalId),
    ("braze_id", Field::BrazeId),
    ("user_aliases", Field::UserAliases),
    ("first_name", Field::FirstName),
    ("last_name", Field::LastName),
    ("email", Field::Email),
    ("phone", Field::Phone),
    ("dob", Field::Dob),
    ("country", Field::Country),
    ("home_city", Field::HomeCity),
    ("language", Field::Language),
    ("time_zone", Field::TimeZone),
    ("gender", Field::Gender),
    ("last_coordinates", Field::LastCoordinates),
    ("total_revenue", Field::TotalRevenue),
    ("random_bucket", Field::RandomBucket),
    ("push_subscribe", Field::PushSubscribe),
    ("email_subscribe", Field::EmailSubscribe),
    ("created_at", Field::CreatedAt),
    ("attributed_source", Field::AttributedSource),
    ("custom_attributes", Field::CustomAttributes),
    ("custom_events", Field::CustomEvents),
    ("purchases", Field::Purchases),
    ("devices", Field::Devices),
    ("apps", Field::Apps),
];

impl Field {
    /// The field's name in a user object.
    pub(crate) fn name(self) -> &'static str {
        ALL[self as usize].0
    }

    /// The known fields among `names`, each once, in their first order. Names the stand-in does
    /// not know are left out: no user has them, and a user object holds only what exists.
    pub(crate) fn parse_all<'a>(names: impl IntoIterator<Item = &'a str>) -> Vec<Field> {
        let mut fields = Vec::new();
        for name in names {
            if let Some((_, field)) = ALL.iter().find(|(n, _)| *n == name) {
                if !fields.contains(field) {
                    fields.push(*field);
                }
            }
        }
        fields
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_back_and_repeats_and_unknown_names_are_dropped() {
        for (at, (name, field)) in ALL.into_iter().enumerate() {
            assert_eq!(field as usize, at, "ALL is in the enum's order");
            assert_eq!(field.name(), name);
        }
        let fields = Field::parse_all(["email", "nope", "external_id", "email"]);
        assert_eq!(fields, [Field::Email, Field::ExternalId]);
    }
}
