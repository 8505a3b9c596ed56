//! What hubs hand out, and the movements of their stock.

use crate::taxonomy::coded_enum;

coded_enum! {
    /// Items the hubs distribute.
    SupplyItem {
        Blanket => "blanket",
        WarmClothes => "warm-clothes",
        HygieneKit => "hygiene-kit",
        SanitaryKit => "sanitary-kit",
        BabyFood => "baby-food",
        Nappies => "nappies",
        Toys => "toys",
        Water => "water",
        FoodParcel => "food-parcel",
    }
}

coded_enum! {
    MovementKind {
        Receipt => "receipt",
        Distribution => "distribution",
        TransferOut => "transfer-out",
        TransferIn => "transfer-in",
        /// A count of what is really on the shelf replaces the book figure.
        StockCount => "stock-count",
    }
}

/// The most of one item a single movement may move: a mistyped extra zero is refused.
pub const MAX_MOVEMENT: u32 = 10_000;
