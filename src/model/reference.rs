//! Reference buildings: outlines imported from elsewhere (Microsoft or OpenStreetMap building
//! footprints, xBD labels) and drawn faintly under the footprints. They are not change labels:
//! an analyst turns one into a labelled [`super::Footprint`] with one key, and the reference goes.

use super::geometry::Polygon;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Identifies a reference building within its project (`R5` in messages).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ReferenceId(pub u32);

impl std::fmt::Display for ReferenceId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "R{}", self.0)
    }
}

/// One imported building outline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReferenceBuilding {
    pub id: ReferenceId,
    /// The outline in site coordinates (the exterior ring; holes are dropped on import).
    pub outline: Polygon,
    /// The file it came from (its name, not its path: the layer says where, not on which disk).
    pub source: String,
    /// The feature's properties as text (for xBD: `subtype`, the damage, and `uid`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, String>,
}
