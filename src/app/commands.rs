//! One command table: every command's label, group, keys and help, read by the menu, the key
//! handling and the F1 sheet alike (as rerun's `UICommand`). Keys go to the active tool first
//! ([`TOOL_KEYS`]), then to this table. A leaf apart from the action type it produces.

use super::actions::{Action, PathPurpose};
use super::state::{CompareMode, Side};
use crate::editing::tools::ToolKind;
use crate::model::{ChangeKind, Decision};
use egui::{Key, Modifiers};

/// A key with exact modifiers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct KeyChord {
    pub key: Key,
    pub mods: Modifiers,
}

const NONE: Modifiers = Modifiers::NONE;
const SHIFT: Modifiers = Modifiers::SHIFT;
const CMD: Modifiers = Modifiers::COMMAND;
const CMD_SHIFT: Modifiers = Modifiers {
    alt: false,
    ctrl: false,
    shift: true,
    mac_cmd: false,
    command: true,
};

const fn k(key: Key) -> KeyChord {
    KeyChord { key, mods: NONE }
}
const fn shift(key: Key) -> KeyChord {
    KeyChord { key, mods: SHIFT }
}
const fn cmd(key: Key) -> KeyChord {
    KeyChord { key, mods: CMD }
}
const fn alt(key: Key) -> KeyChord {
    KeyChord {
        key,
        mods: Modifiers::ALT,
    }
}
const fn alt_shift(key: Key) -> KeyChord {
    KeyChord {
        key,
        mods: Modifiers {
            alt: true,
            shift: true,
            ..Modifiers::NONE
        },
    }
}
const fn cmd_shift(key: Key) -> KeyChord {
    KeyChord {
        key,
        mods: CMD_SHIFT,
    }
}

/// Keys that need Shift on common layouts to be typed at all (`?`, `+`, `{`): Shift is not
/// part of their chord.
fn shift_is_part_of_the_key(key: Key) -> bool {
    matches!(
        key,
        Key::Questionmark
            | Key::Plus
            | Key::OpenCurlyBracket
            | Key::CloseCurlyBracket
            | Key::Colon
            | Key::Exclamationmark
            | Key::Pipe
    )
}

impl KeyChord {
    /// True when a key event with `mods` is this chord: Ctrl/Cmd and Alt exactly, Shift exactly
    /// unless the key itself needs Shift.
    pub fn matches(&self, key: Key, mods: Modifiers) -> bool {
        if key != self.key || mods.alt != self.mods.alt {
            return false;
        }
        if !shift_is_part_of_the_key(key) && mods.shift != self.mods.shift {
            return false;
        }
        let command_down = mods.command || mods.ctrl || mods.mac_cmd;
        command_down == self.mods.command
    }

    /// "Ctrl+Shift+S", "Shift+Tab", "?".
    pub fn text(&self) -> String {
        let mut s = String::new();
        if self.mods.command {
            s.push_str(if cfg!(target_os = "macos") {
                "Cmd+"
            } else {
                "Ctrl+"
            });
        }
        if self.mods.alt {
            s.push_str("Alt+");
        }
        if self.mods.shift && !shift_is_part_of_the_key(self.key) {
            s.push_str("Shift+");
        }
        s.push_str(match self.key {
            Key::ArrowLeft => "Left",
            Key::ArrowRight => "Right",
            Key::ArrowUp => "Up",
            Key::ArrowDown => "Down",
            Key::Escape => "Esc",
            Key::PageUp => "PgUp",
            Key::PageDown => "PgDn",
            Key::Minus => "-",
            Key::Plus => "+",
            Key::Equals => "=",
            other => other.symbol_or_name(),
        });
        s
    }
}

/// Where a command belongs in the menu and the F1 sheet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Group {
    Files,
    Edit,
    Tools,
    Footprints,
    Review,
    Sites,
    Compare,
    View,
    Help,
}

impl Group {
    pub const ALL: [Group; 9] = [
        Group::Files,
        Group::Edit,
        Group::Tools,
        Group::Footprints,
        Group::Review,
        Group::Sites,
        Group::Compare,
        Group::View,
        Group::Help,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Group::Files => "Files",
            Group::Edit => "Edit",
            Group::Tools => "Tools",
            Group::Footprints => "Footprints",
            Group::Review => "Review",
            Group::Sites => "Sites",
            Group::Compare => "Compare",
            Group::View => "View",
            Group::Help => "Help",
        }
    }
}

/// Everything the user can ask for by name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Command {
    NewProject,
    Open,
    Save,
    SaveAs,
    ExportReport,
    ExportGeoJson,
    ExportCsv,
    ImportReferences,
    Quit,
    Undo,
    Redo,
    SelectAll,
    SelectNext,
    SelectPrevious,
    Delete,
    ToolSelect,
    ToolBuilding,
    ToolPolygon,
    LabelDemolished,
    LabelNew,
    LabelRenovated,
    Square,
    CopyOutlineToAfter,
    RemoveAfterOutline,
    NudgeLeft,
    NudgeRight,
    NudgeUp,
    NudgeDown,
    NudgeLeftFar,
    NudgeRightFar,
    NudgeUpFar,
    NudgeDownFar,
    ZoomToSelection,
    ReviewMode,
    ReviewNext,
    ReviewPrevious,
    Accept,
    Reject,
    NeedsChanges,
    ReviewComment,
    ToolMarker,
    ToggleCoverageCell,
    CheckCellsInView,
    UnlockGeometry,
    AddImages,
    AddSite,
    RenameSite,
    RegisterImage,
    ResetRegistration,
    NudgeImageLeft,
    NudgeImageRight,
    NudgeImageUp,
    NudgeImageDown,
    NudgeImageLeftFar,
    NudgeImageRightFar,
    NudgeImageUpFar,
    NudgeImageDownFar,
    SideBySide,
    Swipe,
    Blink,
    Overlay,
    AfterEarlier,
    AfterLater,
    BeforeEarlier,
    BeforeLater,
    SwapPair,
    FlipBlink,
    BlinkTimer,
    SliderLess,
    SliderMore,
    ToggleFootprints,
    ZoomFit,
    ZoomActual,
    ZoomIn,
    ZoomOut,
    PanLeft,
    PanRight,
    PanUp,
    PanDown,
    Help,
}

/// A command's entry in the table.
pub struct Spec {
    pub command: Command,
    pub group: Group,
    pub label: &'static str,
    /// The first key is the one shown in menus.
    pub keys: &'static [KeyChord],
    /// What it does, for tooltips and the F1 sheet.
    pub help: &'static str,
}

macro_rules! spec {
    ($c:ident, $g:ident, $label:literal, [$($key:expr),*], $help:literal) => {
        Spec {
            command: Command::$c,
            group: Group::$g,
            label: $label,
            keys: &[$($key),*],
            help: $help,
        }
    };
}

/// The table. Order is menu and sheet order within each group.
#[rustfmt::skip]
pub const TABLE: &[Spec] = &[
    spec!(NewProject, Files, "New project from images…", [cmd(Key::N)], "Start a project from dated images"),
    spec!(Open, Files, "Open…", [cmd(Key::O)], "Open a project file"),
    spec!(Save, Files, "Save", [cmd(Key::S)], "Save the project"),
    spec!(SaveAs, Files, "Save as…", [cmd_shift(Key::S)], "Save the project under another name"),
    spec!(ExportReport, Files, "Export review report…", [cmd_shift(Key::R)], "A self-contained HTML page with every footprint, its crops, review state and thread"),
    spec!(ExportGeoJson, Files, "Export footprints as GeoJSON…", [], "The site's footprints in WGS 84 longitude and latitude (RFC 7946), with their labels, dates, review state and area"),
    spec!(ExportCsv, Files, "Export footprints as CSV…", [], "One row per footprint, its outline as WKT in longitude and latitude"),
    spec!(ImportReferences, Files, "Import reference buildings…", [], "GeoJSON building footprints or xBD labels, drawn faintly under the footprints; click one and press D, N or R to label it"),
    spec!(Quit, Files, "Quit", [cmd(Key::Q)], "Close the window (asks about unsaved changes)"),
    spec!(Undo, Edit, "Undo", [cmd(Key::Z)], "Undo the last change"),
    spec!(Redo, Edit, "Redo", [cmd_shift(Key::Z), cmd(Key::Y)], "Redo what was undone"),
    spec!(SelectAll, Edit, "Select all footprints", [cmd(Key::A)], "Select every footprint of the site"),
    spec!(SelectNext, Edit, "Select next footprint", [k(Key::Tab)], "Select the next footprint of the list and show it"),
    spec!(SelectPrevious, Edit, "Select previous footprint", [shift(Key::Tab)], "Select the previous footprint of the list and show it"),
    spec!(Delete, Edit, "Delete", [k(Key::Delete), k(Key::Backspace)], "Delete the selected footprints (or the active corner)"),
    spec!(ToolSelect, Tools, "Select / edit", [k(Key::V), k(Key::Escape)], "Select and edit footprints; Esc returns here"),
    spec!(ToolBuilding, Tools, "Building", [k(Key::B)], "Three clicks: a wall, then the depth (Shift: axis-aligned); or drag a rectangle"),
    spec!(ToolPolygon, Tools, "Polygon", [k(Key::A)], "Click each corner; close on the first, double-click or Enter"),
    spec!(LabelDemolished, Footprints, "Label demolished", [k(Key::D)], "There before, gone after"),
    spec!(LabelNew, Footprints, "Label new", [k(Key::N)], "Absent before, there after"),
    spec!(LabelRenovated, Footprints, "Label renovated", [k(Key::R)], "There at both dates, visibly changed"),
    spec!(Square, Footprints, "Square corners", [k(Key::Q)], "Make the corners right angles (within 18°)"),
    spec!(CopyOutlineToAfter, Footprints, "Copy outline to the after date", [k(Key::C)], "Give a renovation its own after-outline, to reshape in the after pane"),
    spec!(RemoveAfterOutline, Footprints, "Remove the after-outline", [], "One outline for both dates again"),
    spec!(NudgeLeft, Footprints, "Nudge left", [cmd(Key::ArrowLeft)], "Move the selection 1 site pixel"),
    spec!(NudgeRight, Footprints, "Nudge right", [cmd(Key::ArrowRight)], "Move the selection 1 site pixel"),
    spec!(NudgeUp, Footprints, "Nudge up", [cmd(Key::ArrowUp)], "Move the selection 1 site pixel"),
    spec!(NudgeDown, Footprints, "Nudge down", [cmd(Key::ArrowDown)], "Move the selection 1 site pixel"),
    spec!(NudgeLeftFar, Footprints, "Nudge left 10 px", [cmd_shift(Key::ArrowLeft)], "Move the selection 10 site pixels"),
    spec!(NudgeRightFar, Footprints, "Nudge right 10 px", [cmd_shift(Key::ArrowRight)], "Move the selection 10 site pixels"),
    spec!(NudgeUpFar, Footprints, "Nudge up 10 px", [cmd_shift(Key::ArrowUp)], "Move the selection 10 site pixels"),
    spec!(NudgeDownFar, Footprints, "Nudge down 10 px", [cmd_shift(Key::ArrowDown)], "Move the selection 10 site pixels"),
    spec!(ZoomToSelection, Footprints, "Zoom to selection", [k(Key::Z)], "Centre and zoom the panes on the selected footprints"),
    spec!(ReviewMode, Review, "Review mode", [cmd(Key::R)], "Walk the footprints as a reviewer: a queue, one key per decision, geometry locked"),
    spec!(ReviewNext, Review, "Next in the queue", [k(Key::J)], "Show the next footprint of the review queue"),
    spec!(ReviewPrevious, Review, "Previous in the queue", [k(Key::K)], "Show the previous footprint of the review queue"),
    spec!(Accept, Review, "Accept", [k(Key::G)], "The footprint is right (\"good\"); moves on to the next awaiting review"),
    spec!(Reject, Review, "Reject…", [k(Key::W)], "The footprint is wrong: choose a reason, add a comment"),
    spec!(NeedsChanges, Review, "Needs changes…", [k(Key::E)], "Right idea, details to fix: choose a reason, add a comment"),
    spec!(ReviewComment, Review, "Comment…", [k(Key::M)], "Add a comment to the footprint's review thread (a question, an answer)"),
    spec!(ToolMarker, Review, "Mark a missed change", [k(Key::I)], "A building the analyst missed: click a spot or drag around an area, then add a note"),
    spec!(ToggleCoverageCell, Review, "Check / uncheck this cell", [k(Key::U)], "Coverage by hand: the grid cell under the pointer"),
    spec!(CheckCellsInView, Review, "Check the cells in view", [shift(Key::U)], "Coverage by hand: every whole cell the view shows"),
    spec!(UnlockGeometry, Review, "Unlock geometry", [cmd(Key::E)], "Allow edits to footprints while reviewing (Ctrl+E again locks)"),
    spec!(AddImages, Sites, "Add images to this site…", [cmd(Key::I)], "Add dated images to the current site"),
    spec!(AddSite, Sites, "Add a site…", [cmd_shift(Key::N)], "Add a site with its images"),
    spec!(RenameSite, Sites, "Rename this site…", [k(Key::F2)], "Rename the current site"),
    spec!(RegisterImage, Sites, "Register image…", [cmd(Key::G)], "Tie points: click a feature in the reference pane, then in the other; 3+ pairs fit the compared image into the site frame"),
    spec!(ResetRegistration, Sites, "Reset registration", [], "Put the compared (non-reference) image back on the identity transform"),
    spec!(NudgeImageLeft, Sites, "Shift image left", [alt(Key::ArrowLeft)], "Shift the compared non-reference image 1 site pixel (a quick offset fix)"),
    spec!(NudgeImageRight, Sites, "Shift image right", [alt(Key::ArrowRight)], "Shift the compared non-reference image 1 site pixel"),
    spec!(NudgeImageUp, Sites, "Shift image up", [alt(Key::ArrowUp)], "Shift the compared non-reference image 1 site pixel"),
    spec!(NudgeImageDown, Sites, "Shift image down", [alt(Key::ArrowDown)], "Shift the compared non-reference image 1 site pixel"),
    spec!(NudgeImageLeftFar, Sites, "Shift image left 10 px", [alt_shift(Key::ArrowLeft)], "Shift the compared non-reference image 10 site pixels"),
    spec!(NudgeImageRightFar, Sites, "Shift image right 10 px", [alt_shift(Key::ArrowRight)], "Shift the compared non-reference image 10 site pixels"),
    spec!(NudgeImageUpFar, Sites, "Shift image up 10 px", [alt_shift(Key::ArrowUp)], "Shift the compared non-reference image 10 site pixels"),
    spec!(NudgeImageDownFar, Sites, "Shift image down 10 px", [alt_shift(Key::ArrowDown)], "Shift the compared non-reference image 10 site pixels"),
    spec!(SideBySide, Compare, "Side by side", [k(Key::Num1)], "Before left, after right, linked"),
    spec!(Swipe, Compare, "Swipe", [k(Key::Num2)], "One pane; drag the divider between the dates"),
    spec!(Blink, Compare, "Blink", [k(Key::Num3)], "One pane flipping between the dates"),
    spec!(Overlay, Compare, "Overlay", [k(Key::Num4)], "The after image over the before image"),
    spec!(AfterEarlier, Compare, "After image: earlier date", [k(Key::OpenBracket), k(Key::PageUp)], "Step the after image back in time"),
    spec!(AfterLater, Compare, "After image: later date", [k(Key::CloseBracket), k(Key::PageDown)], "Step the after image on in time"),
    spec!(BeforeEarlier, Compare, "Before image: earlier date", [k(Key::OpenCurlyBracket), shift(Key::OpenBracket), shift(Key::PageUp)], "Step the before image back in time"),
    spec!(BeforeLater, Compare, "Before image: later date", [k(Key::CloseCurlyBracket), shift(Key::CloseBracket), shift(Key::PageDown)], "Step the before image on in time"),
    spec!(SwapPair, Compare, "Swap before and after", [k(Key::X)], "Exchange the two compared images"),
    spec!(FlipBlink, Compare, "Blink: show the other date", [k(Key::T)], "Flip the blink pane now"),
    spec!(BlinkTimer, Compare, "Blink: start / stop the timer", [k(Key::P)], "Flip automatically"),
    spec!(SliderLess, Compare, "Divider / opacity left", [shift(Key::ArrowLeft)], "Move the swipe divider left, or lower the overlay opacity"),
    spec!(SliderMore, Compare, "Divider / opacity right", [shift(Key::ArrowRight)], "Move the swipe divider right, or raise the overlay opacity"),
    spec!(ToggleFootprints, View, "Show footprints", [k(Key::L)], "Show or hide the footprints"),
    spec!(ZoomFit, View, "Fit to image", [k(Key::F)], "Show the whole site"),
    spec!(ZoomActual, View, "100 %", [k(Key::Num0)], "One image pixel per screen pixel"),
    spec!(ZoomIn, View, "Zoom in", [k(Key::Plus), k(Key::Equals)], "Zoom in at the centre"),
    spec!(ZoomOut, View, "Zoom out", [k(Key::Minus)], "Zoom out at the centre"),
    spec!(PanLeft, View, "Pan left", [k(Key::ArrowLeft)], "Pan by a tenth of the view"),
    spec!(PanRight, View, "Pan right", [k(Key::ArrowRight)], "Pan by a tenth of the view"),
    spec!(PanUp, View, "Pan up", [k(Key::ArrowUp)], "Pan by a tenth of the view"),
    spec!(PanDown, View, "Pan down", [k(Key::ArrowDown)], "Pan by a tenth of the view"),
    spec!(Help, Help, "Keyboard shortcuts", [k(Key::F1), k(Key::Questionmark)], "This sheet"),
];

/// Keys the active tool sees first, with what they do there (they fall through to the table
/// when the tool has nothing to do with them).
#[rustfmt::skip]
pub const TOOL_KEYS: &[(ToolKind, KeyChord, &str)] = &[
    (
        ToolKind::Select,
        k(Key::Escape),
        "Cancel a drag, then clear the selection",
    ),
    (
        ToolKind::Select,
        k(Key::Delete),
        "Delete the active corner (click a corner of a selected footprint)",
    ),
    (
        ToolKind::Select,
        k(Key::Backspace),
        "Delete the active corner",
    ),
    (
        ToolKind::Building,
        k(Key::Escape),
        "Drop the unfinished building",
    ),
    (
        ToolKind::Building,
        k(Key::Backspace),
        "Take back the last click",
    ),
    (
        ToolKind::Polygon,
        k(Key::Escape),
        "Drop the unfinished shape",
    ),
    (ToolKind::Polygon, k(Key::Enter), "Finish the shape"),
    (
        ToolKind::Polygon,
        k(Key::Backspace),
        "Remove the last corner",
    ),
    (ToolKind::Polygon, k(Key::Delete), "Remove the last corner"),
    (ToolKind::Marker, k(Key::Escape), "Drop the area being marked"),
    (
        ToolKind::Registration,
        k(Key::Escape),
        "Drop the unpaired click; then leave registration unchanged",
    ),
    (
        ToolKind::Registration,
        k(Key::Backspace),
        "Drop the unpaired click, else the last pair",
    ),
    (
        ToolKind::Registration,
        k(Key::Delete),
        "Drop the unpaired click, else the last pair",
    ),
];

/// Pointer gestures, for the F1 sheet (they are bindings too, just not keys).
#[rustfmt::skip]
pub const POINTER: &[(&str, &str)] = &[
    ("Wheel", "Zoom at the pointer (every pane follows)"),
    (
        "Middle or right drag, Space + drag",
        "Pan, also in the middle of a shape",
    ),
    (
        "Click",
        "Select a footprint (the smallest when nested); add a corner while drawing",
    ),
    ("Shift + click", "Add to or remove from the selection"),
    (
        "Drag in empty space",
        "Select the footprints inside the box",
    ),
    (
        "Drag a corner / midpoint / inside",
        "Move a corner / add a corner / move the footprint",
    ),
    (
        "Alt while drawing or dragging",
        "Do not snap to other footprints",
    ),
    (
        "Shift with the building tool",
        "Keep the building axis-aligned",
    ),
    ("Double-click", "Finish a polygon"),
    ("Right click", "Footprint menu"),
];

impl Command {
    pub fn spec(self) -> &'static Spec {
        TABLE
            .iter()
            .find(|s| s.command == self)
            .unwrap_or(&TABLE[TABLE.len() - 1])
    }

    /// The menu's shortcut text: the first key, if any.
    pub fn shortcut_text(self) -> String {
        self.spec()
            .keys
            .first()
            .map(KeyChord::text)
            .unwrap_or_default()
    }

    /// Every key, for the F1 sheet: "] or PgDn".
    pub fn keys_text(self) -> String {
        self.spec()
            .keys
            .iter()
            .map(KeyChord::text)
            .collect::<Vec<_>>()
            .join("  or  ")
    }

    /// What the command asks the app to do.
    pub fn action(self) -> Action {
        use Command as C;
        match self {
            C::NewProject => Action::ShowNewProjectDialog,
            C::Open => Action::ShowPathDialog(PathPurpose::OpenProject),
            C::Save => Action::Save,
            C::SaveAs => Action::ShowPathDialog(PathPurpose::SaveProjectAs),
            C::ExportReport => Action::ShowPathDialog(PathPurpose::ExportReport),
            C::ExportGeoJson => {
                Action::ShowPathDialog(PathPurpose::ExportGis(crate::gis::ExportFormat::GeoJson))
            }
            C::ExportCsv => {
                Action::ShowPathDialog(PathPurpose::ExportGis(crate::gis::ExportFormat::Csv))
            }
            C::ImportReferences => Action::ShowPathDialog(PathPurpose::ImportReferences),
            C::Quit => Action::Quit,
            C::Undo => Action::Undo,
            C::Redo => Action::Redo,
            C::SelectAll => Action::SelectAll,
            C::SelectNext => Action::SelectStep(1),
            C::SelectPrevious => Action::SelectStep(-1),
            C::Delete => Action::DeleteSelection,
            C::ToolSelect => Action::SetTool(ToolKind::Select),
            C::ToolBuilding => Action::SetTool(ToolKind::Building),
            C::ToolPolygon => Action::SetTool(ToolKind::Polygon),
            C::LabelDemolished => Action::Label(ChangeKind::Demolished),
            C::LabelNew => Action::Label(ChangeKind::New),
            C::LabelRenovated => Action::Label(ChangeKind::Renovated),
            C::Square => Action::Square,
            C::CopyOutlineToAfter => Action::CopyOutlineToAfter,
            C::RemoveAfterOutline => Action::RemoveAfterOutline,
            C::NudgeLeft => Action::Nudge(-1.0, 0.0),
            C::NudgeRight => Action::Nudge(1.0, 0.0),
            C::NudgeUp => Action::Nudge(0.0, -1.0),
            C::NudgeDown => Action::Nudge(0.0, 1.0),
            C::NudgeLeftFar => Action::Nudge(-10.0, 0.0),
            C::NudgeRightFar => Action::Nudge(10.0, 0.0),
            C::NudgeUpFar => Action::Nudge(0.0, -10.0),
            C::NudgeDownFar => Action::Nudge(0.0, 10.0),
            C::ZoomToSelection => Action::ZoomToSelection,
            C::ReviewMode => Action::ToggleReviewMode,
            C::ReviewNext => Action::ReviewStep(1),
            C::ReviewPrevious => Action::ReviewStep(-1),
            C::Accept => Action::ShowDecisionDialog(Decision::Accepted),
            C::Reject => Action::ShowDecisionDialog(Decision::Rejected),
            C::NeedsChanges => Action::ShowDecisionDialog(Decision::NeedsChanges),
            C::ReviewComment => Action::ShowCommentDialog,
            C::ToolMarker => Action::SetTool(ToolKind::Marker),
            C::ToggleCoverageCell => Action::ToggleCoverageCell,
            C::CheckCellsInView => Action::CheckCellsInView,
            C::UnlockGeometry => Action::ToggleGeometryLock,
            C::AddImages => Action::ShowAddImages,
            C::AddSite => Action::ShowAddSite,
            C::RenameSite => Action::ShowRenameSite,
            C::RegisterImage => Action::StartRegistration,
            C::ResetRegistration => Action::ResetRegistration,
            C::NudgeImageLeft => Action::NudgeImage(-1.0, 0.0),
            C::NudgeImageRight => Action::NudgeImage(1.0, 0.0),
            C::NudgeImageUp => Action::NudgeImage(0.0, -1.0),
            C::NudgeImageDown => Action::NudgeImage(0.0, 1.0),
            C::NudgeImageLeftFar => Action::NudgeImage(-10.0, 0.0),
            C::NudgeImageRightFar => Action::NudgeImage(10.0, 0.0),
            C::NudgeImageUpFar => Action::NudgeImage(0.0, -10.0),
            C::NudgeImageDownFar => Action::NudgeImage(0.0, 10.0),
            C::SideBySide => Action::SetMode(CompareMode::SideBySide),
            C::Swipe => Action::SetMode(CompareMode::Swipe),
            C::Blink => Action::SetMode(CompareMode::Blink),
            C::Overlay => Action::SetMode(CompareMode::Overlay),
            C::AfterEarlier => Action::StepImage(Side::After, -1),
            C::AfterLater => Action::StepImage(Side::After, 1),
            C::BeforeEarlier => Action::StepImage(Side::Before, -1),
            C::BeforeLater => Action::StepImage(Side::Before, 1),
            C::SwapPair => Action::SwapPair,
            C::FlipBlink => Action::FlipBlink,
            C::BlinkTimer => Action::ToggleBlinkTimer,
            C::SliderLess => Action::NudgeModeSlider(-1.0),
            C::SliderMore => Action::NudgeModeSlider(1.0),
            C::ToggleFootprints => Action::ToggleFootprints,
            C::ZoomFit => Action::ZoomFit,
            C::ZoomActual => Action::ZoomActual,
            C::ZoomIn => Action::ZoomBy(1.25),
            C::ZoomOut => Action::ZoomBy(1.0 / 1.25),
            C::PanLeft => Action::PanBy(-0.1, 0.0),
            C::PanRight => Action::PanBy(0.1, 0.0),
            C::PanUp => Action::PanBy(0.0, -0.1),
            C::PanDown => Action::PanBy(0.0, 0.1),
            C::Help => Action::ShowHelp,
        }
    }

    /// The command for a compare mode (menus and the toolbar list modes through it).
    pub fn for_mode(mode: CompareMode) -> Command {
        match mode {
            CompareMode::SideBySide => Command::SideBySide,
            CompareMode::Swipe => Command::Swipe,
            CompareMode::Blink => Command::Blink,
            CompareMode::Overlay => Command::Overlay,
        }
    }

    pub fn for_tool(tool: ToolKind) -> Command {
        match tool {
            ToolKind::Select => Command::ToolSelect,
            ToolKind::Building => Command::ToolBuilding,
            ToolKind::Polygon => Command::ToolPolygon,
            ToolKind::Marker => Command::ToolMarker,
            ToolKind::Registration => Command::RegisterImage,
        }
    }

    pub fn for_kind(kind: ChangeKind) -> Command {
        match kind {
            ChangeKind::Demolished => Command::LabelDemolished,
            ChangeKind::New => Command::LabelNew,
            ChangeKind::Renovated => Command::LabelRenovated,
        }
    }
}

/// The commands asked for by this frame's key presses (consumed from the input). Call when no
/// text field has focus, after the tool has had its keys.
pub fn read_keys(ctx: &egui::Context) -> Vec<Command> {
    let mut out = Vec::new();
    ctx.input_mut(|i| {
        i.events.retain(|e| {
            let egui::Event::Key {
                key,
                pressed: true,
                modifiers,
                ..
            } = e
            else {
                return true;
            };
            match TABLE
                .iter()
                .find(|s| s.keys.iter().any(|c| c.matches(*key, *modifiers)))
            {
                Some(spec) => {
                    out.push(spec.command);
                    false
                }
                None => true,
            }
        });
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn no_key_is_bound_twice_in_the_window_or_within_one_tool() {
        let mut seen: HashMap<KeyChord, Command> = HashMap::new();
        for spec in TABLE {
            for chord in spec.keys {
                if let Some(other) = seen.insert(*chord, spec.command) {
                    panic!(
                        "{} is bound to {other:?} and {:?}",
                        chord.text(),
                        spec.command
                    );
                }
            }
        }
        let mut tool_seen: HashMap<(ToolKind, KeyChord), &str> = HashMap::new();
        for (tool, chord, what) in TOOL_KEYS {
            assert!(
                tool_seen.insert((*tool, *chord), what).is_none(),
                "{} bound twice in the {tool:?} tool",
                chord.text()
            );
        }
    }

    #[test]
    fn every_command_is_in_the_table_once_and_has_a_label_and_help() {
        let mut commands: Vec<Command> = TABLE.iter().map(|s| s.command).collect();
        let n = commands.len();
        commands.dedup();
        assert_eq!(commands.len(), n);
        for spec in TABLE {
            assert!(!spec.label.is_empty() && !spec.help.is_empty());
            assert_eq!(spec.command.spec().label, spec.label);
        }
    }

    #[test]
    fn b_is_the_building_tool_and_blink_flips_on_another_key() {
        let find = |chord: KeyChord| {
            TABLE
                .iter()
                .find(|s| s.keys.iter().any(|c| c.matches(chord.key, chord.mods)))
                .map(|s| s.command)
        };
        assert_eq!(find(k(Key::B)), Some(Command::ToolBuilding));
        assert_eq!(find(k(Key::A)), Some(Command::ToolPolygon));
        assert_eq!(find(k(Key::V)), Some(Command::ToolSelect));
        assert_ne!(Command::FlipBlink.spec().keys[0], k(Key::B));
    }

    #[test]
    fn modifiers_must_match_exactly_except_for_keys_that_need_shift() {
        let d = k(Key::D);
        assert!(d.matches(Key::D, Modifiers::NONE));
        assert!(!d.matches(Key::D, Modifiers::SHIFT), "Shift+D is not D");
        assert!(!d.matches(Key::D, Modifiers::COMMAND), "Ctrl+D is not D");
        assert!(!d.matches(Key::D, Modifiers::ALT));
        let save = cmd(Key::S);
        assert!(save.matches(Key::S, Modifiers::COMMAND | Modifiers::CTRL));
        assert!(!save.matches(Key::S, CMD_SHIFT));
        assert!(cmd_shift(Key::S).matches(Key::S, CMD_SHIFT));
        // `?` is typed with Shift on most layouts.
        let help = k(Key::Questionmark);
        assert!(help.matches(Key::Questionmark, Modifiers::SHIFT));
        assert_eq!(help.text(), "?");
        assert_eq!(
            cmd_shift(Key::S).text(),
            if cfg!(target_os = "macos") {
                "Cmd+Shift+S"
            } else {
                "Ctrl+Shift+S"
            }
        );
    }
}
