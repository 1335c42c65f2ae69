//! Registration actions: entering the mode, dropping a pair, applying the fit, resetting, and
//! nudging the compared non-reference image. Each change is one undoable edit of the image's
//! `to_site`; footprints stay in site coordinates and follow nothing.

use super::SiteDiffApp;
use super::actions::Action;
use super::commands::Command;
use super::state::CompareMode;
use crate::editing::ops::Op;
use crate::editing::tools::Tool;
use crate::editing::tools::registration::{self, RegistrationTool, Target};
use crate::model::Site;

impl SiteDiffApp {
    /// Handles the registration actions; hands back any other.
    pub(super) fn handle_registration(&mut self, action: Action) -> Option<Action> {
        match action {
            Action::StartRegistration => self.start_registration(),
            Action::RemoveTiePoint(i) => {
                if let Tool::Registration(t) = &mut self.tool {
                    t.remove_pair(i);
                }
            }
            Action::ApplyRegistration => {
                let Tool::Registration(t) = &self.tool else {
                    return None;
                };
                let result = self
                    .current_site()
                    .ok_or("Choose a site first.".to_string());
                match result.and_then(|site| t.apply(site)) {
                    Ok(op) => {
                        let label = op.label.clone();
                        if self.apply_keeping_selection(op) {
                            self.tool = Tool::default();
                            self.notify(format!("Done: {label}. Ctrl+Z undoes it."));
                        }
                    }
                    Err(why) => self.notify(why),
                }
            }
            Action::ResetRegistration => {
                self.transform_op(|site, t| registration::reset(site, t.image))
            }
            Action::NudgeImage(dx, dy) => {
                self.transform_op(|site, t| registration::nudge(site, t.image, dx, dy))
            }
            other => return Some(other),
        }
        None
    }

    /// The image registration acts on: the one being registered in the mode, else the compared
    /// non-reference image.
    fn registration_target(&self) -> Result<Target, String> {
        if let Tool::Registration(t) = &self.tool {
            return Ok(t.target());
        }
        let site = self.current_site().ok_or("Choose a site first.")?;
        registration::target(site, self.pair.before, self.pair.after)
    }

    /// Why a registration command cannot run now, if it cannot.
    pub(super) fn registration_status(&self) -> Result<(), String> {
        self.registration_target().map(|_| ())
    }

    fn transform_op(&mut self, make: impl FnOnce(&Site, Target) -> Result<Op, String>) {
        let made = self.registration_target().and_then(|t| {
            let site = self.current_site().ok_or("Choose a site first.")?;
            make(site, t)
        });
        match made {
            Ok(op) => {
                self.apply_keeping_selection(op);
            }
            Err(why) => self.notify(why),
        }
    }

    /// Applies an image transform change without touching the footprint selection.
    fn apply_keeping_selection(&mut self, mut op: Op) -> bool {
        op.select = self.selection.to_vec();
        self.apply_op(op)
    }

    /// Enters the mode for the compared non-reference image, with the reference image in the
    /// other pane, side by side (a click must say unambiguously which image it is in).
    fn start_registration(&mut self) {
        if let Err(why) = self.command_status(Command::RegisterImage) {
            self.notify(why);
            return;
        }
        let target = match self.registration_target() {
            Ok(t) => t,
            Err(why) => return self.notify(why),
        };
        let Some(reference) = self.current_site().and_then(|s| s.reference_image) else {
            return;
        };
        match target.reference_side {
            crate::editing::Side::Before => self.pair.before = Some(reference),
            crate::editing::Side::After => self.pair.after = Some(reference),
        }
        self.compare.mode = CompareMode::SideBySide;
        self.tool = Tool::Registration(RegistrationTool::new(target));
        self.notify(format!(
            "Registering image {}: click a feature in the reference pane, then the same feature in the other.",
            target.image
        ));
    }

    /// Leaves registration (changing nothing) when the compared images no longer are the
    /// reference and the image being registered, after an image step, a site change or an undo.
    pub(super) fn keep_registration_in_step(&mut self) {
        let Tool::Registration(t) = &self.tool else {
            return;
        };
        let target = t.target();
        let in_step = self.current_site().is_some_and(|site| {
            site.image(target.image).is_some()
                && self.pair.image(target.reference_side) == site.reference_image
                && self.pair.image(target.reference_side.other()) == Some(target.image)
        });
        if !in_step {
            self.tool = Tool::default();
            self.notify("Registration left: the compared images changed. Nothing was applied.");
        }
    }
}
