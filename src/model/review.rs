//! Review: each footprint keeps a thread of review events (who, when, decision, reason,
//! comment). The latest decision is its state, unless the footprint's outline, kind or images
//! changed since that decision was made: then it is "changed since review" and goes back in
//! the queue.
//!
//! A decision records a digest of what it judged ([`judged_digest`]), so the state follows the
//! footprint through undo, redo and merges without any edit having to remember to reset it.

use super::date::Timestamp;
use super::footprint::{ChangeKind, Footprint};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A reviewer's verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Decision {
    Accepted,
    Rejected,
    /// Right idea, wrong details: the analyst should fix it and it comes back.
    NeedsChanges,
}

impl Decision {
    pub const ALL: [Decision; 3] = [
        Decision::Accepted,
        Decision::Rejected,
        Decision::NeedsChanges,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Decision::Accepted => "accepted",
            Decision::Rejected => "rejected",
            Decision::NeedsChanges => "needs changes",
        }
    }
}

/// Why a footprint was rejected or sent back.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Reason {
    WrongKind,
    NotABuilding,
    OutlineInaccurate,
    NoVisibleChange,
    Duplicate,
    Other,
}

impl Reason {
    pub const ALL: [Reason; 6] = [
        Reason::WrongKind,
        Reason::NotABuilding,
        Reason::OutlineInaccurate,
        Reason::NoVisibleChange,
        Reason::Duplicate,
        Reason::Other,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Reason::WrongKind => "wrong change kind",
            Reason::NotABuilding => "not a building",
            Reason::OutlineInaccurate => "outline inaccurate",
            Reason::NoVisibleChange => "no visible change",
            Reason::Duplicate => "duplicate",
            Reason::Other => "other",
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// What a decision judged: a digest of the footprint's kind, image pair and outlines. Written
/// as 16 hex digits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Digest(pub u64);

impl Serialize for Digest {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format!("{:016x}", self.0))
    }
}

impl<'de> Deserialize<'de> for Digest {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        if s.len() == 16
            && let Ok(v) = u64::from_str_radix(&s, 16)
        {
            return Ok(Digest(v));
        }
        let shown: String = s.chars().take(40).collect();
        Err(serde::de::Error::custom(format!(
            "`{shown}` is not a review digest: expected 16 hex digits"
        )))
    }
}

/// FNV-1a over the bits of what a review judges. Stable across platforms and builds: it is
/// saved in project files.
pub fn judged_digest(fp: &Footprint) -> Digest {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |bytes: &[u8]| {
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    };
    let kind: u8 = match fp.kind {
        ChangeKind::Demolished => 1,
        ChangeKind::New => 2,
        ChangeKind::Renovated => 3,
    };
    eat(&[kind]);
    eat(&fp.before.0.to_le_bytes());
    eat(&fp.after.0.to_le_bytes());
    let mut outline = |tag: u8, points: &[super::geometry::Point]| {
        eat(&[tag]);
        eat(&(points.len() as u64).to_le_bytes());
        for p in points {
            eat(&p.x.to_bits().to_le_bytes());
            eat(&p.y.to_bits().to_le_bytes());
        }
    };
    outline(b'o', &fp.outline.0);
    if let Some(after) = &fp.after_outline {
        outline(b'a', &after.0);
    }
    Digest(h)
}

/// One entry of a footprint's review thread: a decision (with a reason when it is not an
/// acceptance), or a comment alone (a question, the analyst's answer).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewEvent {
    /// Who wrote it: a reviewer, or the analyst answering.
    pub by: String,
    pub at: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<Decision>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<Reason>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub comment: String,
    /// For a decision: what it judged. A decision without one (written by hand) is taken to
    /// judge the footprint as it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub judged: Option<Digest>,
}

/// Where a footprint stands in review, derived from its thread and its current shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ReviewState {
    /// No decision yet.
    Unreviewed,
    /// Decided on, then its outline, kind or images changed.
    ChangedSinceReview,
    NeedsChanges,
    Rejected,
    Accepted,
}

impl ReviewState {
    pub const ALL: [ReviewState; 5] = [
        ReviewState::Unreviewed,
        ReviewState::ChangedSinceReview,
        ReviewState::NeedsChanges,
        ReviewState::Rejected,
        ReviewState::Accepted,
    ];

    pub fn label(self) -> &'static str {
        match self {
            ReviewState::Unreviewed => "unreviewed",
            ReviewState::ChangedSinceReview => "changed since review",
            ReviewState::NeedsChanges => "needs changes",
            ReviewState::Rejected => "rejected",
            ReviewState::Accepted => "accepted",
        }
    }

    /// A reviewer still has to look at it.
    pub fn awaits_review(self) -> bool {
        matches!(
            self,
            ReviewState::Unreviewed | ReviewState::ChangedSinceReview
        )
    }

    fn of(decision: Decision) -> ReviewState {
        match decision {
            Decision::Accepted => ReviewState::Accepted,
            Decision::Rejected => ReviewState::Rejected,
            Decision::NeedsChanges => ReviewState::NeedsChanges,
        }
    }
}

impl fmt::Display for ReviewState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

impl Footprint {
    /// The latest decision in the thread, if any.
    pub fn last_decision(&self) -> Option<&ReviewEvent> {
        self.reviews.iter().rev().find(|e| e.decision.is_some())
    }

    pub fn review_state(&self) -> ReviewState {
        match self.last_decision() {
            None => ReviewState::Unreviewed,
            Some(e) => match (e.decision, e.judged) {
                (Some(d), Some(j)) if j == judged_digest(self) => ReviewState::of(d),
                (Some(d), None) => ReviewState::of(d),
                (Some(_), Some(_)) => ReviewState::ChangedSinceReview,
                (None, _) => ReviewState::Unreviewed,
            },
        }
    }

    /// The latest decision was made by the footprint's own author.
    pub fn is_self_reviewed(&self) -> bool {
        self.last_decision()
            .is_some_and(|e| !e.by.is_empty() && e.by == self.author)
    }

    /// A decision on this footprint as it is now, by `by`.
    pub fn decision_event(
        &self,
        decision: Decision,
        reason: Option<Reason>,
        comment: &str,
        by: &str,
        at: Timestamp,
    ) -> ReviewEvent {
        ReviewEvent {
            by: by.to_string(),
            at,
            decision: Some(decision),
            reason: if decision == Decision::Accepted {
                None
            } else {
                reason
            },
            comment: comment.trim().to_string(),
            judged: Some(judged_digest(self)),
        }
    }
}

/// The review of format version 1: one verdict per footprint, no history.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ReviewV1 {
    pub state: ReviewStateV1,
    #[serde(default)]
    pub reviewer: String,
    #[serde(default)]
    pub comment: String,
    #[serde(default)]
    pub at: Option<Timestamp>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
pub(crate) enum ReviewStateV1 {
    #[default]
    Unreviewed,
    Accepted,
    Rejected,
}

impl ReviewV1 {
    /// The thread a version-1 review becomes: nothing when unreviewed, else one decision
    /// judging the footprint as loaded (so it is not "changed since review").
    pub(crate) fn into_events(self, fp: &Footprint) -> Vec<ReviewEvent> {
        let decision = match self.state {
            ReviewStateV1::Unreviewed => {
                if self.comment.trim().is_empty() {
                    return Vec::new();
                }
                None
            }
            ReviewStateV1::Accepted => Some(Decision::Accepted),
            ReviewStateV1::Rejected => Some(Decision::Rejected),
        };
        vec![ReviewEvent {
            by: self.reviewer,
            at: self.at.unwrap_or(fp.modified),
            decision,
            reason: (decision == Some(Decision::Rejected)).then_some(Reason::Other),
            comment: self.comment,
            judged: decision.map(|_| judged_digest(fp)),
        }]
    }
}
