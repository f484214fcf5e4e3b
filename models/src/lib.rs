//! Plain data that crosses the wire between the server and the browser (and out of the JSON
//! API). No behaviour beyond small derivations.

/// A closed set of states named by fixed strings on the wire (JSON, the server functions'
/// forms) and in storage (a column, or stored JSON). Each variant is written with its string
/// once: serde, `as_str` and `parse` all use it, so the three cannot drift apart; `ALL` lists
/// the variants in declaration order. With the `sqlx` feature it binds to and reads from a TEXT column as that string; an
/// unknown stored name is a decoding error (logged by `From<sqlx::Error>` and answered as an
/// internal error), never a panic.
macro_rules! wire_enum {
    (
        $(#[$meta:meta])*
        $what:literal
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $wire:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(
            Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash,
            serde::Serialize, serde::Deserialize,
        )]
        pub enum $name {
            $( $(#[$vmeta])* #[serde(rename = $wire)] $variant, )+
        }

        impl $name {
            /// Every variant, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The name on the wire and in storage.
            pub fn as_str(self) -> &'static str {
                match self {
                    $( $name::$variant => $wire, )+
                }
            }

            /// The variant of a name (`None`: not one of them).
            pub fn parse(name: &str) -> Option<$name> {
                match name {
                    $( $wire => Some($name::$variant), )+
                    _ => None,
                }
            }
        }

        // Stored as its name in a TEXT column: `bind(status)`, `try_get::<Status, _>(..)`.
        #[cfg(feature = "sqlx")]
        impl sqlx::Type<sqlx::Any> for $name {
            fn type_info() -> sqlx::any::AnyTypeInfo {
                <str as sqlx::Type<sqlx::Any>>::type_info()
            }
        }

        #[cfg(feature = "sqlx")]
        impl<'q> sqlx::Encode<'q, sqlx::Any> for $name {
            fn encode_by_ref(
                &self,
                buf: &mut <sqlx::Any as sqlx::Database>::ArgumentBuffer<'q>,
            ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
                <&str as sqlx::Encode<'q, sqlx::Any>>::encode(self.as_str(), buf)
            }
        }

        #[cfg(feature = "sqlx")]
        impl<'r> sqlx::Decode<'r, sqlx::Any> for $name {
            fn decode(
                value: <sqlx::Any as sqlx::Database>::ValueRef<'r>,
            ) -> Result<$name, sqlx::error::BoxDynError> {
                let name = <String as sqlx::Decode<'r, sqlx::Any>>::decode(value)?;
                $name::parse(&name)
                    .ok_or_else(|| format!("unknown stored {} `{name}`", $what).into())
            }
        }

        // In the OpenAPI document: a string enum of exactly the wire names (written by hand:
        // the derive does not see a `rename` whose name comes from a macro argument).
        #[cfg(feature = "openapi")]
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .description(Some(concat!("A ", $what, ", by its wire name.")))
                    .enum_values(Some([$($wire),+]))
                    .build()
                    .into()
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::ToSchema for $name {}

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

pub mod error;
pub mod geo;
pub mod payment;
pub mod time;

mod account;
mod auction;
mod campaign;
mod configuration;
mod demand;
mod order;

pub use account::{Account, Role};
pub use auction::{
    AuctionInput, AuctionPhase, AuctionState, AuctionView, BidAnswer, BidKind, BidView,
    BidderStanding, FeedEntry, Notice, Registration, SettlementStep, SettlementView, TierInput,
};
pub use campaign::{CampaignInput, CampaignView, Fact, PollChoiceInput, PollInput, ThresholdInput};
pub use configuration::{CheckResult, ConfiguratorData, Restored, SavedConfiguration};
pub use demand::{
    ApiTokenView, AuctionSummary, DayCounts, DemandCampaign, DemandFilter, DemandReport,
    FunnelStep, GroupRates, ModeSplit, NewApiToken, OptionRate, PollCount, PollResult, Rate,
    RegionCount, Signals, Stage, ThresholdProgress, ThresholdStatus, TopConfiguration,
};
pub use error::{AppError, RuleDetails};
pub use order::{
    BatchView, CampaignDetail, OrderEvent, OrderEventKind, OrderStatus, OrderView, PollChoice,
    PollView, ThresholdView,
};
pub use payment::{
    CallbackRefusal, PaymentEntry, PaymentKind, PaymentPurpose, PaymentStatus, Statement,
};

#[cfg(test)]
mod tests {
    use super::*;
    use configurator::{Cardinality, SalesMode};
    use serde::de::DeserializeOwned;
    use serde::Serialize;

    /// Each variant is written as exactly this string in JSON (the API, the server functions,
    /// stored JSON) and read back from it; browser tests and stored data depend on them.
    fn round_trips<T>(table: &[(T, &str)], all: &[T])
    where
        T: Copy + PartialEq + std::fmt::Debug + Serialize + DeserializeOwned,
    {
        for (variant, wire) in table {
            let json = serde_json::to_string(variant).unwrap();
            assert_eq!(json, format!("\"{wire}\""), "{variant:?}");
            let back: T = serde_json::from_str(&json).unwrap();
            assert_eq!(back, *variant, "{wire}");
        }
        // Every variant is in the table, once, in order: a new one must be added here.
        let listed: Vec<T> = table.iter().map(|(v, _)| *v).collect();
        assert_eq!(listed, all);
    }

    macro_rules! wire_names {
        ($name:ident: $($variant:ident = $wire:literal),+ $(,)?) => {{
            let table = [$(($name::$variant, $wire)),+];
            round_trips(&table, $name::ALL);
            for (variant, wire) in table {
                assert_eq!(variant.as_str(), wire);
                assert_eq!(variant.to_string(), wire);
                assert_eq!($name::parse(wire), Some(variant));
            }
            assert_eq!($name::parse("Open"), None);
            assert_eq!($name::parse(""), None);
        }};
    }

    #[test]
    fn states_cross_the_wire_as_todays_strings() {
        wire_names!(AuctionPhase:
            Open = "open",
            Unsold = "unsold",
            AwaitingConfirmation = "awaiting_confirmation",
            AwaitingPayment = "awaiting_payment",
            Paid = "paid",
            AwaitingDecision = "awaiting_decision",
            SecondChanceOffered = "second_chance_offered",
            RerunScheduled = "rerun_scheduled",
        );
        wire_names!(BidKind: Manual = "manual", Proxy = "proxy", ProxyMatch = "proxy_match");
        wire_names!(Notice:
            Registered = "registered",
            EndExtended = "end_extended",
            Closed = "closed",
            Unsold = "unsold",
            DepositReleased = "deposit_released",
            DepositForfeited = "deposit_forfeited",
            ConfirmationRequested = "confirmation_requested",
            PaymentRequested = "payment_requested",
            Paid = "paid",
            Defaulted = "defaulted",
            SecondChanceOffered = "second_chance_offered",
            OfferDeclined = "offer_declined",
            OfferExpired = "offer_expired",
            RerunScheduled = "rerun_scheduled",
        );
        wire_names!(SettlementStep:
            Confirm = "confirm",
            OfferSecondChance = "second_chance",
            Accept = "accept",
            Decline = "decline",
            Abandon = "abandon",
        );
        wire_names!(OrderStatus:
            PendingPayment = "pending_payment",
            Reserved = "reserved",
            PaymentFailed = "payment_failed",
            Cancelled = "cancelled",
            Locking = "locking",
            Locked = "locked",
        );
        wire_names!(OrderEventKind:
            Reserved = "reserved",
            PaymentConfirmed = "payment_confirmed",
            PaymentFailed = "payment_failed",
            LockRequested = "lock_requested",
            Locked = "locked",
            LockPaymentFailed = "lock_payment_failed",
            Cancelled = "cancelled",
            Refunded = "refunded",
            OptionDropped = "option_dropped",
            ConfigurationChanged = "configuration_changed",
        );
        wire_names!(Stage:
            Configured = "configured",
            Voted = "voted",
            Reserved = "reserved",
            Locked = "locked",
            Paid = "paid",
        );
        wire_names!(ThresholdStatus: Open = "open", Confirmed = "confirmed", Dropped = "dropped");
    }

    #[test]
    fn sales_modes_and_cardinalities_keep_their_catalog_names() {
        let modes = [
            (SalesMode::Purchase, "purchase"),
            (SalesMode::Lease, "lease"),
        ];
        round_trips(&modes, &SalesMode::ALL);
        for (mode, wire) in modes {
            assert_eq!(mode.as_str(), wire);
            assert_eq!(SalesMode::parse(wire), Some(mode));
        }
        let cardinalities = [
            (Cardinality::ExactlyOne, "exactly-one"),
            (Cardinality::AtMostOne, "at-most-one"),
            (Cardinality::Any, "any"),
        ];
        round_trips(&cardinalities, &Cardinality::ALL);
        for (cardinality, wire) in cardinalities {
            assert_eq!(cardinality.as_str(), wire);
        }
    }

    #[test]
    fn a_filter_reads_a_typed_sales_mode() {
        assert_eq!(DemandFilter::sales_mode_of(None), Ok(None));
        assert_eq!(DemandFilter::sales_mode_of(Some("  ")), Ok(None));
        assert_eq!(
            DemandFilter::sales_mode_of(Some(" lease")),
            Ok(Some(SalesMode::Lease))
        );
        assert_eq!(
            DemandFilter::sales_mode_of(Some("rent")),
            Err(AppError::invalid(
                "sales_mode",
                "the sales mode is purchase or lease"
            ))
        );
    }

    #[test]
    fn refusal_details_carry_only_their_amounts() {
        let details = RuleDetails {
            code: "deposit_too_low".into(),
            required: Some(5_000_000),
            top_up: Some(2_000_000),
            ..RuleDetails::default()
        };
        let json = serde_json::to_string(&details).unwrap();
        assert_eq!(
            json,
            r#"{"code":"deposit_too_low","required":5000000,"top_up":2000000}"#
        );
        assert_eq!(serde_json::from_str::<RuleDetails>(&json).unwrap(), details);
        let error = AppError::AuctionRule {
            rule: "excluded".into(),
            message: "this bidder is excluded from this auction".into(),
            details: Some(Box::new(RuleDetails {
                code: "excluded".into(),
                ..RuleDetails::default()
            })),
        };
        assert_eq!(
            serde_json::to_value(&error).unwrap(),
            serde_json::json!({
                "error": "auction_rule",
                "rule": "excluded",
                "message": "this bidder is excluded from this auction",
                "details": {"code": "excluded"}
            })
        );
    }
}
