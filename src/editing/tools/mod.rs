//! The drawing and editing tools as small state machines (as iD's modes and JOSM's map modes):
//! fed pointer events in site coordinates and a few keys, each returns at most one operation
//! per finished gesture, a selection change, or a message, and shows a preview of the gesture
//! in progress. Nothing here knows about screens or egui; the canvas turns egui responses into
//! [`Pointer`] events and paints [`PreviewShape`]s.

mod building;
mod marker;
mod polygon;
pub mod registration;
mod select;

pub use building::{BuildingTool, rectangle_from_wall};
pub use marker::MarkerTool;
pub use polygon::PolygonTool;
pub use registration::{RegistrationTool, TieMark};
pub use select::SelectTool;

use super::Side;
use super::index::SiteIndex;
use super::ops::{NewFootprint, Op};
use super::selection::{Selection, SelectionChange};
use super::snap::{Snap, SnapKind};
use crate::model::{BoundingBox, Point, Polygon, Site};

/// Which tool.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ToolKind {
    Select,
    Building,
    Polygon,
    /// A reviewer's "missed change" marker.
    Marker,
    /// Tie points between the reference image and another (entered with its image, from the
    /// Sites menu).
    Registration,
}

impl ToolKind {
    /// The drawing tools of the toolbar (the marker tool lives with review).
    pub const ALL: [ToolKind; 3] = [ToolKind::Select, ToolKind::Building, ToolKind::Polygon];

    pub fn label(self) -> &'static str {
        match self {
            ToolKind::Select => "Select",
            ToolKind::Building => "Building",
            ToolKind::Polygon => "Polygon",
            ToolKind::Marker => "Missed change",
            ToolKind::Registration => "Registration",
        }
    }

    /// One line on how to use the tool, for the status bar and tooltips.
    pub fn help(self) -> &'static str {
        match self {
            ToolKind::Select => {
                "Click a footprint to select it (Shift adds), drag in empty space to select several; drag a corner, a midpoint handle or the inside to edit"
            }
            ToolKind::Building => {
                "Click two corners of one wall, then a third point for the depth (Shift: axis-aligned); or drag a rectangle"
            }
            ToolKind::Polygon => {
                "Click each corner; close on the first corner, double-click or Enter; Backspace removes the last corner"
            }
            ToolKind::Marker => {
                "Mark where the analyst missed a change: click a spot or drag around an area, then add a note"
            }
            ToolKind::Registration => {
                "Click a feature in the reference pane, then the same feature in the other pane; three pairs or more, then Apply"
            }
        }
    }
}

/// Modifier keys that change what a tool does.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Mods {
    /// Add to the selection; keep a building axis-aligned.
    pub shift: bool,
    /// Do not snap (Alt, as in iD).
    pub no_snap: bool,
}

/// Pointer input in site coordinates. Drags are left-button drags past egui's threshold;
/// panning (middle, right or Space drags) never reaches the tools.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Pointer {
    /// The pointer is here (hovering or between events).
    Move(Point),
    Click(Point),
    /// The second click of a double-click (the first arrived as a click).
    DoubleClick(Point),
    /// A drag began where the button went down.
    DragStart(Point),
    Drag(Point),
    DragEnd(Point),
}

impl Pointer {
    pub fn point(self) -> Point {
        match self {
            Pointer::Move(p)
            | Pointer::Click(p)
            | Pointer::DoubleClick(p)
            | Pointer::DragStart(p)
            | Pointer::Drag(p)
            | Pointer::DragEnd(p) => p,
        }
    }
}

/// Keys the active tool sees before the command table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ToolKey {
    Escape,
    Enter,
    Backspace,
    Delete,
}

/// What a tool reads about the project and the view.
#[derive(Clone, Copy)]
pub struct ToolContext<'a> {
    pub site: &'a Site,
    pub index: &'a SiteIndex,
    /// Which date the pane under the pointer shows.
    pub side: Side,
    /// How far a vertex or edge may be from the pointer and still be hit or snapped to, in site
    /// units (a few screen pixels at the current zoom).
    pub tolerance: f64,
    pub selection: &'a Selection,
    /// The time edits are stamped with.
    pub now: crate::model::Timestamp,
    /// What a footprint drawn now gets (pair, kind, author, time, id); `Err` says why none can
    /// be drawn now.
    pub new: &'a Result<NewFootprint<'a>, String>,
    /// Review mode locks geometry: the select tool selects but does not drag footprints.
    pub locked: bool,
}

/// What a tool asks for after an event.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ToolOutput {
    /// One finished gesture's change.
    pub op: Option<Op>,
    pub select: Option<SelectionChange>,
    /// Why a gesture was refused, or what to do next.
    pub message: Option<String>,
    /// The event was used (keys only: an unused key goes on to the command table).
    pub consumed: bool,
    /// A missed-change marker placed (the window asks for its note, then adds it).
    pub marker: Option<crate::model::MarkerShape>,
}

impl ToolOutput {
    fn used() -> Self {
        ToolOutput {
            consumed: true,
            ..Default::default()
        }
    }

    fn message(text: impl Into<String>) -> Self {
        ToolOutput {
            message: Some(text.into()),
            consumed: true,
            ..Default::default()
        }
    }
}

/// How a preview path is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PathStyle {
    /// A shape being drawn.
    Drawing,
    /// A rubber band from the last corner to the pointer.
    RubberBand,
    /// An outline as it will be once the drag ends.
    Edited,
    /// What the gesture would make cannot be a footprint.
    Invalid,
}

/// Handles on the selected footprints.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HandleKind {
    Vertex,
    /// The active vertex (Delete removes it).
    ActiveVertex,
    /// An edge's midpoint: drag to insert a corner.
    Midpoint,
}

/// Something a tool wants drawn over the panes, in site coordinates.
#[derive(Clone, Debug, PartialEq)]
pub enum PreviewShape {
    Path {
        points: Vec<Point>,
        closed: bool,
        style: PathStyle,
    },
    Handle {
        at: Point,
        kind: HandleKind,
    },
    Snap {
        at: Point,
        kind: SnapKind,
    },
    SelectBox(BoundingBox),
    /// A numbered registration tie point.
    TiePoint {
        at: Point,
        number: usize,
        mark: TieMark,
    },
}

/// The active tool and its state.
#[derive(Clone, Debug, PartialEq)]
pub enum Tool {
    Select(SelectTool),
    Building(BuildingTool),
    Polygon(PolygonTool),
    Marker(MarkerTool),
    Registration(RegistrationTool),
}

impl Default for Tool {
    fn default() -> Self {
        Tool::Select(SelectTool::default())
    }
}

impl Tool {
    pub fn new(kind: ToolKind) -> Self {
        match kind {
            ToolKind::Select => Tool::Select(SelectTool::default()),
            ToolKind::Building => Tool::Building(BuildingTool::default()),
            ToolKind::Polygon => Tool::Polygon(PolygonTool::default()),
            ToolKind::Marker => Tool::Marker(MarkerTool::default()),
            // Registration needs its image: see `RegistrationTool::new`.
            ToolKind::Registration => Tool::Select(SelectTool::default()),
        }
    }

    pub fn kind(&self) -> ToolKind {
        match self {
            Tool::Select(_) => ToolKind::Select,
            Tool::Building(_) => ToolKind::Building,
            Tool::Polygon(_) => ToolKind::Polygon,
            Tool::Marker(_) => ToolKind::Marker,
            Tool::Registration(_) => ToolKind::Registration,
        }
    }

    /// In the middle of a gesture or a shape (Esc would cancel it).
    pub fn busy(&self) -> bool {
        match self {
            Tool::Select(t) => t.busy(),
            Tool::Building(t) => t.busy(),
            Tool::Polygon(t) => t.busy(),
            Tool::Marker(t) => t.busy(),
            Tool::Registration(t) => t.busy(),
        }
    }

    pub fn pointer(&mut self, event: Pointer, mods: Mods, ctx: &ToolContext<'_>) -> ToolOutput {
        match self {
            Tool::Select(t) => t.pointer(event, mods, ctx),
            Tool::Building(t) => t.pointer(event, mods, ctx),
            Tool::Polygon(t) => t.pointer(event, mods, ctx),
            Tool::Marker(t) => t.pointer(event, ctx),
            Tool::Registration(t) => t.pointer(event, ctx),
        }
    }

    /// A key, offered to the tool first; `consumed: false` passes it on.
    pub fn key(&mut self, key: ToolKey, ctx: &ToolContext<'_>) -> ToolOutput {
        match self {
            Tool::Select(t) => t.key(key, ctx),
            Tool::Building(t) => t.key(key, ctx),
            Tool::Polygon(t) => t.key(key, ctx),
            Tool::Marker(t) => t.key(key, ctx),
            Tool::Registration(t) => t.key(key, ctx),
        }
    }

    pub fn preview(&self, ctx: &ToolContext<'_>) -> Vec<PreviewShape> {
        match self {
            Tool::Select(t) => t.preview(ctx),
            Tool::Building(t) => t.preview(ctx),
            Tool::Polygon(t) => t.preview(ctx),
            Tool::Marker(t) => t.preview(ctx),
            Tool::Registration(t) => t.preview(ctx),
        }
    }

    /// Where the tool is, in a few words for the status bar ("corner 2 of the wall").
    pub fn status(&self) -> String {
        match self {
            Tool::Select(t) => t.status(),
            Tool::Building(t) => t.status(),
            Tool::Polygon(t) => t.status(),
            Tool::Marker(t) => t.status(),
            Tool::Registration(t) => t.status(),
        }
    }
}

/// Snaps `p` unless snapping is off; the snap for the marker alongside.
fn snap_point(
    ctx: &ToolContext<'_>,
    p: Point,
    mods: Mods,
    exclude: Option<crate::model::FootprintId>,
) -> (Point, Option<Snap>) {
    super::snap::snapped(
        ctx.site,
        ctx.index,
        ctx.side,
        p,
        ctx.tolerance * SNAP_FRACTION,
        exclude,
        !mods.no_snap,
    )
}

/// Snapping reaches a little less far than picking: a corner clicked near a neighbour's
/// corner snaps to it, one clicked a few pixels away stays where it was put.
pub const SNAP_FRACTION: f64 = 0.7;

/// Makes the footprint a drawing tool finished, or says why not.
fn create(ctx: &ToolContext<'_>, outline: Polygon) -> Result<Op, String> {
    let new = ctx.new.as_ref().map_err(|e| e.clone())?;
    super::ops::create_footprint(ctx.site, outline, new)
}

fn snap_marker(snap: Option<Snap>) -> Option<PreviewShape> {
    snap.map(|s| PreviewShape::Snap {
        at: s.point,
        kind: s.kind,
    })
}

#[cfg(test)]
#[path = "tools_tests.rs"]
mod tests;
