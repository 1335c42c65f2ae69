//! Whether each command can run now, and if not why: read by the menus, the toolbar, the
//! inspector's buttons and the canvas's right-click menu.

use super::SiteDiffApp;
use super::commands::Command;
use crate::model::{ChangeKind, Timestamp};

impl SiteDiffApp {
    /// Whether a command can run now; `Err` says why not (tooltips, menus, context menu).
    pub fn command_status(&self, cmd: Command) -> Result<(), String> {
        use crate::editing::ops;
        let Some(doc) = &self.doc else {
            return match cmd {
                Command::NewProject | Command::Open | Command::Quit | Command::Help => Ok(()),
                _ => Err("Open a project first.".into()),
            };
        };
        let site = self.pair.site.and_then(|id| doc.project().site(id));
        let ids = self.selection.to_vec();
        let now = Timestamp::now();
        // Checking an operation on a huge selection every frame would cost too much; it is
        // checked again when it runs.
        let check = ids.len() <= 200;
        if doc.read_only && changes_project(cmd) {
            return Err(READ_ONLY.into());
        }
        let locked = self.geometry_locked() && locks(cmd);
        if locked {
            return Err(super::review::LOCKED.into());
        }
        match (cmd, site) {
            (Command::ReviewNext | Command::ReviewPrevious, _) if !self.review.active => {
                Err("Turn on review mode first (Ctrl+R).".into())
            }
            (Command::Accept | Command::Reject | Command::NeedsChanges, _)
                if !self.review.active =>
            {
                Err("Turn on review mode first (Ctrl+R).".into())
            }
            (Command::ToggleCoverageCell | Command::CheckCellsInView, _) if !self.review.active => {
                Err("Coverage is checked in review mode (Ctrl+R).".into())
            }
            (Command::ToolMarker, None) => Err("Choose a site first.".into()),
            (Command::UnlockGeometry, _) if !self.review.active => {
                Err("Geometry is only locked in review mode.".into())
            }
            (Command::Accept | Command::Reject | Command::NeedsChanges, _)
                if ids.is_empty() && self.review.current.is_none() =>
            {
                Err("Select a footprint to review first.".into())
            }
            (Command::ReviewComment, _) if ids.len() > 1 => {
                Err("Comment on one footprint at a time.".into())
            }
            (Command::ReviewComment, _) if ids.is_empty() && !self.review.active => {
                Err("Select a footprint first.".into())
            }
            (cmd, _) if is_image_transform_command(cmd) => self.registration_status(),
            (Command::Undo, _) => doc
                .history()
                .can_undo()
                .then_some(())
                .ok_or_else(|| "Nothing to undo.".into()),
            (Command::Redo, _) => doc
                .history()
                .can_redo()
                .then_some(())
                .ok_or_else(|| "Nothing to redo.".into()),
            (Command::ToolBuilding | Command::ToolPolygon, _) => {
                let author = self.author();
                self.new_footprint(&author, now).map(|_| ())
            }
            (cmd, None) if is_footprint_command(cmd) => Err("Choose a site first.".into()),
            // With a reference building selected, D, N and R label it and Delete removes it.
            (
                Command::LabelDemolished
                | Command::LabelNew
                | Command::LabelRenovated
                | Command::Delete,
                Some(_),
            ) if self.selection.reference.is_some() => Ok(()),
            (Command::ExportGeoJson | Command::ExportCsv | Command::ImportReferences, None) => {
                Err("Choose a site first.".into())
            }
            (cmd, Some(_)) if ids.is_empty() && is_footprint_command(cmd) => {
                Err("Select a footprint first.".into())
            }
            (Command::LabelDemolished, Some(site)) if check => {
                ops::set_kind(site, &ids, ChangeKind::Demolished, now).map(|_| ())
            }
            (Command::LabelNew, Some(site)) if check => {
                ops::set_kind(site, &ids, ChangeKind::New, now).map(|_| ())
            }
            (Command::LabelRenovated, Some(site)) if check => {
                ops::set_kind(site, &ids, ChangeKind::Renovated, now).map(|_| ())
            }
            (Command::Square, Some(site)) if check => ops::square(site, &ids, now).map(|_| ()),
            (Command::CopyOutlineToAfter, Some(site)) if check => {
                ops::copy_outline_to_after(site, &ids, now).map(|_| ())
            }
            (Command::RemoveAfterOutline, Some(site)) if check => {
                ops::remove_after_outline(site, &ids, now).map(|_| ())
            }
            (Command::AddImages | Command::RenameSite, None) => Err("Choose a site first.".into()),
            _ => Ok(()),
        }
    }
}

/// Why a command that changes the project is refused in a read-only window.
pub const READ_ONLY: &str =
    "Read-only: another window holds this project. Save As makes a copy you can edit.";

/// Commands that change the project (refused while it is open read-only). Selecting, looking
/// and review mode itself do not.
fn changes_project(cmd: Command) -> bool {
    (is_footprint_command(cmd) && cmd != Command::ZoomToSelection)
        || matches!(
            cmd,
            Command::Save
                | Command::Undo
                | Command::Redo
                | Command::Delete
                | Command::ToolBuilding
                | Command::ToolPolygon
                | Command::Accept
                | Command::Reject
                | Command::NeedsChanges
                | Command::ReviewComment
                | Command::ToolMarker
                | Command::ToggleCoverageCell
                | Command::CheckCellsInView
                | Command::AddImages
                | Command::AddSite
                | Command::RenameSite
                | Command::ImportReferences
        )
        || is_image_transform_command(cmd)
}

/// Commands that change a dated image's transform into the site frame (registration).
fn is_image_transform_command(cmd: Command) -> bool {
    matches!(
        cmd,
        Command::RegisterImage
            | Command::ResetRegistration
            | Command::NudgeImageLeft
            | Command::NudgeImageRight
            | Command::NudgeImageUp
            | Command::NudgeImageDown
            | Command::NudgeImageLeftFar
            | Command::NudgeImageRightFar
            | Command::NudgeImageUpFar
            | Command::NudgeImageDownFar
    )
}

/// Commands refused while review mode locks geometry.
fn locks(cmd: Command) -> bool {
    is_footprint_command(cmd) && cmd != Command::ZoomToSelection
        || matches!(cmd, Command::ToolBuilding | Command::ToolPolygon)
}

/// Commands that act on the selected footprints.
fn is_footprint_command(cmd: Command) -> bool {
    matches!(
        cmd,
        Command::LabelDemolished
            | Command::LabelNew
            | Command::LabelRenovated
            | Command::Square
            | Command::CopyOutlineToAfter
            | Command::RemoveAfterOutline
            | Command::Delete
            | Command::ZoomToSelection
            | Command::NudgeLeft
            | Command::NudgeRight
            | Command::NudgeUp
            | Command::NudgeDown
            | Command::NudgeLeftFar
            | Command::NudgeRightFar
            | Command::NudgeUpFar
            | Command::NudgeDownFar
    )
}
