//! Footprints: the building outlines analysts draw and label.

use super::date::Timestamp;
use super::geometry::Polygon;
use super::ids::{FootprintId, ImageId};
use serde::{Deserialize, Serialize};
use std::fmt;

/// What happened to a building between the before and the after image.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ChangeKind {
    /// Present before, gone (rubble or bare ground) after.
    Demolished,
    /// Absent before, present after.
    New,
    /// Present in both, with a new roof, an extension or another visible change.
    Renovated,
}

impl ChangeKind {
    pub const ALL: [ChangeKind; 3] = [
        ChangeKind::Demolished,
        ChangeKind::New,
        ChangeKind::Renovated,
    ];

    pub fn label(self) -> &'static str {
        match self {
            ChangeKind::Demolished => "demolished",
            ChangeKind::New => "new",
            ChangeKind::Renovated => "renovated",
        }
    }
}

impl fmt::Display for ChangeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// How sure the analyst is of the label.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
pub enum Confidence {
    Low,
    #[default]
    Medium,
    High,
}

impl Confidence {
    pub const ALL: [Confidence; 3] = [Confidence::Low, Confidence::Medium, Confidence::High];

    pub fn label(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        }
    }
}

/// Where a footprint stands in review.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
pub enum ReviewState {
    #[default]
    Unreviewed,
    Accepted,
    Rejected,
}

impl ReviewState {
    pub fn label(self) -> &'static str {
        match self {
            ReviewState::Unreviewed => "unreviewed",
            ReviewState::Accepted => "accepted",
            ReviewState::Rejected => "rejected",
        }
    }
}

/// A reviewer's verdict on one footprint.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Review {
    pub state: ReviewState,
    /// Who reviewed; empty while unreviewed.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reviewer: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub comment: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<Timestamp>,
}

impl Review {
    /// Nobody has reviewed it: nothing worth writing to the file.
    pub fn is_unreviewed(&self) -> bool {
        *self == Review::default()
    }
}

/// One building outline and what the analyst says changed about it.
///
/// Fields left at their defaults (no after-outline, no tags, no note, not reviewed) are not
/// written to the file: it stays short, and a diff shows only what someone set.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Footprint {
    pub id: FootprintId,
    pub kind: ChangeKind,
    /// The earlier image of the pair the change was observed between.
    pub before: ImageId,
    /// The later image of the pair.
    pub after: ImageId,
    /// The outline in site coordinates (for a demolished building, where it stood).
    pub outline: Polygon,
    /// For a renovated building whose shape changed, its outline after the change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after_outline: Option<Polygon>,
    #[serde(default)]
    pub confidence: Confidence,
    /// Free labels, kept sorted and without duplicates.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
    #[serde(default)]
    pub author: String,
    pub created: Timestamp,
    pub modified: Timestamp,
    #[serde(default, skip_serializing_if = "Review::is_unreviewed")]
    pub review: Review,
}

impl Footprint {
    /// A fresh, unreviewed footprint with default confidence.
    pub fn new(
        id: FootprintId,
        kind: ChangeKind,
        before: ImageId,
        after: ImageId,
        outline: Polygon,
        author: &str,
        now: Timestamp,
    ) -> Self {
        Footprint {
            id,
            kind,
            before,
            after,
            outline,
            after_outline: None,
            confidence: Confidence::default(),
            tags: Vec::new(),
            note: String::new(),
            author: author.to_string(),
            created: now,
            modified: now,
            review: Review::default(),
        }
    }

    /// Sorts and dedups tags and trims their whitespace, so that equal footprints serialise
    /// to equal bytes.
    pub fn canonicalize(&mut self) {
        for t in &mut self.tags {
            let trimmed = t.trim();
            if trimmed.len() != t.len() {
                *t = trimmed.to_string();
            }
        }
        self.tags.retain(|t| !t.is_empty());
        self.tags.sort();
        self.tags.dedup();
    }
}
