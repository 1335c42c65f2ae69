//! The editing core, without egui: everything the window does to a project, testable as plain
//! Rust and usable by the CLI.
//!
//! - [`Document`]: the project with its file, undo history, revision and what each edit touched.
//! - [`Selection`]: the selected footprints (and vertex); lives once, in the app's state.
//! - [`index::SiteIndex`] and [`derived::Derived`]: the spatial index and triangulations, derived
//!   from the project, keyed on the document's revision and patched from what edits touched.
//! - [`hit`]: what lies under a point, sorted vertex > edge > interior; [`snap`]: snapping.
//! - [`ops`]: operations (delete, square, label, nudge...) that say whether they apply and why
//!   not, and produce one [`crate::model::Edit`] each.
//! - [`tools`]: the select, building and polygon tools as state machines.
//! - [`conflicts`]: settling the footprints a git merge kept in two versions.
//! - [`warnings`] and [`list`]: what is wrong with footprints, and the footprint list's filter.

pub mod conflicts;
pub mod derived;
pub mod document;
pub mod grow;
pub mod hit;
pub mod index;
pub mod list;
pub mod ops;
pub mod references;
pub mod review;
pub mod selection;
pub mod snap;
pub mod tools;
pub mod warnings;

pub use document::Document;
pub use selection::Selection;

use crate::model::{Footprint, Polygon};

/// Which of the two compared dates: the before image or the after image.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Side {
    Before,
    After,
}

impl Side {
    pub fn label(self) -> &'static str {
        match self {
            Side::Before => "before",
            Side::After => "after",
        }
    }

    pub fn other(self) -> Side {
        match self {
            Side::Before => Side::After,
            Side::After => Side::Before,
        }
    }
}

/// Which polygon of a footprint: its outline, or the after-outline of a renovation whose shape
/// changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OutlineRef {
    Outline,
    AfterOutline,
}

impl OutlineRef {
    /// The outline a pane showing `side` shows (and edits): the after-outline in the after pane
    /// where there is one, else the outline.
    pub fn shown(fp: &Footprint, side: Side) -> OutlineRef {
        match (side, &fp.after_outline) {
            (Side::After, Some(_)) => OutlineRef::AfterOutline,
            _ => OutlineRef::Outline,
        }
    }

    pub fn get(self, fp: &Footprint) -> &Polygon {
        match self {
            OutlineRef::AfterOutline => fp.after_outline.as_ref().unwrap_or(&fp.outline),
            OutlineRef::Outline => &fp.outline,
        }
    }

    /// Replaces this polygon of the footprint.
    pub fn set(self, fp: &mut Footprint, polygon: Polygon) {
        match self {
            OutlineRef::AfterOutline => fp.after_outline = Some(polygon),
            OutlineRef::Outline => fp.outline = polygon,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            OutlineRef::Outline => "outline",
            OutlineRef::AfterOutline => "after-outline",
        }
    }
}
