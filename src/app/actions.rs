//! What the user asked for. Panels return actions; the app applies them between frames in one
//! place ([`super::SiteDiffApp::handle`]).

use super::state::{CompareMode, Side};
use crate::model::{Edit, ImageId, SiteId};
use std::path::PathBuf;

/// The details of "New project from images".
#[derive(Clone, Debug, PartialEq)]
pub struct NewProjectRequest {
    pub project_file: PathBuf,
    pub project_name: String,
    pub site_name: String,
    pub images: Vec<PathBuf>,
}

/// Which file dialog (typed path, with an optional native Browse...).
#[derive(Clone, Debug, PartialEq)]
pub enum PathPurpose {
    OpenProject,
    SaveProjectAs,
    LocateImage { site: SiteId, image: ImageId },
}

#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// Open a project file (asks about unsaved changes first).
    Open(PathBuf),
    NewProject(NewProjectRequest),
    Save,
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
    /// Move the swipe divider or the overlay opacity, whichever the mode has.
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
    Edit(Edit),
    Undo,
    Redo,
}
