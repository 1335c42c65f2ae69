//! Footprints: the building outlines analysts draw and label.

use super::date::Timestamp;
use super::geometry::Polygon;
use super::ids::{FootprintId, ImageId};
use super::merge::FootprintConflict;
use super::review::{ReviewEvent, ReviewV1};
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

/// One building outline and what the analyst says changed about it.
///
/// Fields left at their defaults (no after-outline, no tags, no note, not reviewed) are not
/// written to the file: it stays short, and a diff shows only what someone set.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(from = "FootprintRecord")]
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
    /// The review thread, oldest first; see [`super::review`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reviews: Vec<ReviewEvent>,
    /// Left by a merge ([`super::merge`]) when two branches changed this footprint in ways
    /// that do not combine: the other branch's version, to keep or drop. Never written when
    /// there is none, so files without conflicts are as before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conflict: Option<FootprintConflict>,
}

/// A footprint as files hold it: version 2's fields, and version 1's single `review`, which
/// becomes the start of the thread.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FootprintRecord {
    id: FootprintId,
    kind: ChangeKind,
    before: ImageId,
    after: ImageId,
    outline: Polygon,
    #[serde(default)]
    after_outline: Option<Polygon>,
    #[serde(default)]
    confidence: Confidence,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    note: String,
    #[serde(default)]
    author: String,
    created: Timestamp,
    modified: Timestamp,
    #[serde(default)]
    reviews: Vec<ReviewEvent>,
    #[serde(default)]
    conflict: Option<FootprintConflict>,
    /// Version 1.
    #[serde(default)]
    review: ReviewV1,
}

impl From<FootprintRecord> for Footprint {
    fn from(r: FootprintRecord) -> Self {
        let mut fp = Footprint {
            id: r.id,
            kind: r.kind,
            before: r.before,
            after: r.after,
            outline: r.outline,
            after_outline: r.after_outline,
            confidence: r.confidence,
            tags: r.tags,
            note: r.note,
            author: r.author,
            created: r.created,
            modified: r.modified,
            reviews: r.reviews,
            conflict: r.conflict,
        };
        let mut events = r.review.into_events(&fp);
        if !events.is_empty() {
            events.append(&mut fp.reviews);
            fp.reviews = events;
        }
        fp
    }
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
            reviews: Vec::new(),
            conflict: None,
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
