//! What the user asked for. Panels, the canvas, the menu and the keys return actions; the app
//! applies them between frames in one place ([`super::SiteDiffApp::handle`]).

use super::state::{CompareMode, Side};
use crate::editing::ops::Op;
use crate::editing::selection::SelectionChange;
use crate::editing::tools::ToolKind;
use crate::model::{CaptureDate, ChangeKind, Decision, Edit, FootprintId, ImageId, Reason, SiteId};
use std::path::PathBuf;

/// The details of "New project from images".
#[derive(Clone, Debug, PartialEq)]
pub struct NewProjectRequest {
    pub project_file: PathBuf,
    pub project_name: String,
    pub site_name: String,
    pub images: Vec<PathBuf>,
}

/// Images to add to a site (dates detected unless given).
#[derive(Clone, Debug, PartialEq)]
pub struct AddImagesRequest {
    /// `None`: a new site with this name.
    pub site: Option<SiteId>,
    pub new_site_name: String,
    pub images: Vec<(PathBuf, Option<CaptureDate>)>,
    /// The CRS (EPSG code) of world files beside the images, which name none.
    pub crs: Option<u32>,
}

/// Which file dialog (typed path, with an optional native Browse...).
#[derive(Clone, Debug, PartialEq)]
pub enum PathPurpose {
    OpenProject,
    SaveProjectAs,
    LocateImage {
        site: SiteId,
        image: ImageId,
    },
    /// The folder the review report is written into.
    ExportReport,
    /// The GeoJSON or CSV file a site's footprints are exported to.
    ExportGis(crate::gis::ExportFormat),
    /// A GeoJSON or xBD file of building outlines to import as reference buildings.
    ImportReferences,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// Open a project file (asks about unsaved changes first).
    Open(PathBuf),
    NewProject(NewProjectRequest),
    /// Open a project another window holds, to look at only.
    OpenReadOnly(PathBuf),
    /// Open a project whose lock another window holds, taking the lock (that window is gone).
    OpenTakingOver(PathBuf),
    /// The answer about unsaved work found beside the project.
    Recovery(super::safety::RecoveryChoice),
    Save,
    /// Save over a file someone else changed on disk (theirs is kept as `.bak`).
    SaveAnyway,
    /// Open the project again as it is on disk.
    ReloadFromDisk,
    /// Hide the "changed on disk" bar.
    DismissDiskChange,
    SaveAs(PathBuf),
    /// Close the window (asks about unsaved changes first).
    Quit,
    ShowPathDialog(PathPurpose),
    ShowNewProjectDialog,
    /// Ask for the capture date of an image.
    ShowDateDialog {
        site: SiteId,
        image: ImageId,
    },
    ShowHelp,
    ShowAddImages,
    ShowAddSite,
    ShowRenameSite,
    /// Ask for the analyst's name (the author of new footprints).
    ShowNameDialog,
    SetAnalystName(String),
    AddImages(AddImagesRequest),
    RenameSite {
        site: SiteId,
        name: String,
    },
    RemoveImage {
        site: SiteId,
        image: ImageId,
    },
    SelectSite(SiteId),
    SetImage(Side, ImageId),
    StepImage(Side, i32),
    SwapPair,
    SetMode(CompareMode),
    ZoomFit,
    ZoomActual,
    /// Multiply the zoom, anchored at the centre of the first pane.
    ZoomBy(f64),
    /// Pan by a fraction of the pane size.
    PanBy(f32, f32),
    FlipBlink,
    ToggleBlinkTimer,
    /// Move the swipe divider or the overlay opacity, whichever the mode has, by steps.
    NudgeModeSlider(f32),
    ToggleFootprints,
    /// Point an image record at another file.
    Relink {
        site: SiteId,
        image: ImageId,
        file: PathBuf,
    },
    /// Try loading an image file again.
    Retry(PathBuf),
    /// A raw edit (one undo step, named by the edit).
    Edit(Edit),
    /// A ready operation from a tool, the inspector or the list.
    Apply(Op),
    Undo,
    Redo,
    SetTool(ToolKind),
    Select(SelectionChange),
    SelectAll,
    /// Select the next (or previous) footprint in the list's order and show it.
    SelectStep(i32),
    /// Select one footprint and centre the panes on it.
    Focus(FootprintId),
    ZoomToSelection,
    /// Label the selection.
    Label(ChangeKind),
    Square,
    CopyOutlineToAfter,
    RemoveAfterOutline,
    DeleteSelection,
    /// Move the selection by site pixels.
    Nudge(f64, f64),
    /// A short notice for the status bar.
    Notify(String),
    /// Review mode on or off.
    ToggleReviewMode,
    /// Release or restore the geometry lock of review mode.
    ToggleGeometryLock,
    /// Show the next (1) or previous (-1) footprint of the review queue.
    ReviewStep(i32),
    /// Show this footprint for review.
    ReviewGoTo(SiteId, FootprintId),
    /// Ask for the reason (and a comment) of a decision; accepting needs none and is made at
    /// once.
    ShowDecisionDialog(Decision),
    ShowCommentDialog,
    /// A decision on the selected footprints (or the queue's current one), signed with the
    /// user's name.
    Decide {
        decision: Decision,
        reason: Option<Reason>,
        comment: String,
    },
    /// A comment alone on the selected footprint's review thread.
    Comment(String),
    /// Ask the note of a missed-change marker just placed.
    ShowMarkerDialog(crate::model::MarkerShape),
    /// Add a missed-change marker to the current site.
    AddMarker {
        shape: crate::model::MarkerShape,
        note: String,
    },
    /// Show a marker: centre the panes on it.
    FocusMarker(crate::model::MarkerId),
    /// Ask why a marker is dismissed.
    ShowDismissMarker(crate::model::MarkerId),
    DismissMarker {
        id: crate::model::MarkerId,
        reason: String,
    },
    /// Draw the footprint a marker asks for: the building tool, and the next footprint drawn
    /// resolves the marker.
    DrawForMarker(crate::model::MarkerId),
    DeleteMarker(crate::model::MarkerId),
    /// Write the review report (HTML and pictures) into this folder, in the background.
    ExportReport(PathBuf),
    /// Write the current site's footprints as GeoJSON or CSV.
    ExportGis {
        path: PathBuf,
        format: crate::gis::ExportFormat,
    },
    /// Import building outlines into the current site as reference buildings (one undo step).
    ImportReferences(PathBuf),
    /// Check or uncheck the coverage cell under the pointer, by hand.
    ToggleCoverageCell,
    /// Mark every cell in view checked.
    CheckCellsInView,
    /// Enter registration mode for the compared non-reference image.
    StartRegistration,
    /// Drop one tie point pair of the registration under way.
    RemoveTiePoint(usize),
    /// Apply the registration under way (one undo step) and leave the mode.
    ApplyRegistration,
    /// Put the compared non-reference image back on the identity.
    ResetRegistration,
    /// Shift the compared non-reference image by site pixels (one undo step).
    NudgeImage(f64, f64),
    /// Settle a footprint a git merge kept in two versions (one undo step).
    ResolveConflict {
        site: SiteId,
        footprint: FootprintId,
        choice: crate::editing::conflicts::Resolution,
    },
}
