//! Growing a project: add images to a site, add a site, rename a site; and the analyst's name.

use crate::app::actions::{Action, AddImagesRequest};
use crate::app::theme::ERROR_COLOR;
use crate::model::SiteId;
use std::path::PathBuf;

/// "Add images to this site" or, with no site, "Add a site".
pub struct AddImagesDialog {
    /// `None`: a new site.
    pub site: Option<SiteId>,
    /// The site's name (shown for an existing site; typed for a new one).
    pub site_name: String,
    /// One image path per line.
    pub images: String,
    /// The CRS of world files beside the images (`EPSG:32615`), empty when there are none.
    pub crs: String,
    pub error: Option<String>,
    focused: bool,
}

impl AddImagesDialog {
    pub fn for_site(site: SiteId, name: &str) -> Self {
        Self {
            site: Some(site),
            site_name: name.to_string(),
            images: String::new(),
            crs: String::new(),
            error: None,
            focused: false,
        }
    }

    pub fn new_site() -> Self {
        Self {
            site: None,
            site_name: String::new(),
            images: String::new(),
            crs: String::new(),
            error: None,
            focused: false,
        }
    }

    pub fn add_paths(&mut self, paths: &[PathBuf]) {
        for p in paths {
            if !self.images.is_empty() && !self.images.ends_with('\n') {
                self.images.push('\n');
            }
            self.images.push_str(&p.display().to_string());
        }
    }

    /// The request, or what is missing.
    pub fn request(&self) -> Result<AddImagesRequest, String> {
        let images: Vec<(PathBuf, Option<crate::model::CaptureDate>)> = self
            .images
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(|l| (PathBuf::from(l), None))
            .collect();
        if self.site.is_none() && self.site_name.trim().is_empty() {
            return Err("Give the new site a name.".into());
        }
        if self.site.is_some() && images.is_empty() {
            return Err("Add at least one image.".into());
        }
        let crs = match self.crs.trim() {
            "" => None,
            text => Some(crate::geo::parse_crs(text)?),
        };
        Ok(AddImagesRequest {
            site: self.site,
            new_site_name: self.site_name.trim().to_string(),
            images,
            crs,
        })
    }

    /// Shows the dialog; returns the action, whether to close, and whether to browse.
    pub fn ui(
        &mut self,
        ctx: &egui::Context,
        native_running: bool,
        native_unavailable: bool,
    ) -> (Option<Action>, bool, bool) {
        let (mut submit, mut cancel, mut browse) = (false, false, false);
        let title = match self.site {
            Some(_) => format!("Add images to {}", self.site_name),
            None => "Add a site".to_string(),
        };
        let modal = egui::Modal::new(egui::Id::unique("add-images")).show(ctx, |ui| {
            ui.set_min_width(560.0);
            ui.heading(title);
            if self.site.is_none() {
                ui.horizontal(|ui| {
                    let label = ui.label("Site name");
                    let r = ui
                        .add(
                            egui::TextEdit::singleline(&mut self.site_name)
                                .hint_text("e.g. North harbour")
                                .desired_width(300.0),
                        )
                        .labelled_by(label.id);
                    if !self.focused {
                        r.request_focus();
                        self.focused = true;
                    }
                });
            }
            ui.label("Images (one path per line):");
            ui.add(
                egui::TextEdit::multiline(&mut self.images)
                    .desired_rows(5)
                    .desired_width(f32::INFINITY)
                    .hint_text("path/to/2024-10-15.tif"),
            );
            ui.horizontal(|ui| {
                if ui
                    .add_enabled(!native_running, egui::Button::new("Browse…"))
                    .on_hover_text("Open the system file dialog")
                    .clicked()
                {
                    browse = true;
                }
                if native_running {
                    ui.spinner();
                }
            });
            ui.horizontal(|ui| {
                let label = ui.label("CRS of world files");
                ui.add(
                    egui::TextEdit::singleline(&mut self.crs)
                        .hint_text("e.g. EPSG:32615 (GeoTIFFs name their own)")
                        .desired_width(300.0),
                )
                .labelled_by(label.id)
                .on_hover_text(
                    "A world file (.pgw, .jgw, .tfw, .wld) beside an image places it on the \
                     ground but names no coordinate system: give it here.",
                );
            });
            ui.label(
                egui::RichText::new(
                    "Capture dates are read from file names (2024-07-15, 20240715) and EXIF/TIFF tags; set unknown ones in the timeline.",
                )
                .small()
                .weak(),
            );
            if native_unavailable {
                super::native::unavailable_note(ui, "paths");
            }
            if let Some(e) = &self.error {
                ui.colored_label(ERROR_COLOR, e);
            }
            ui.horizontal(|ui| {
                let label = if self.site.is_some() { "Add" } else { "Add site" };
                if ui.button(label).clicked() {
                    submit = true;
                }
                if ui.button("Cancel").clicked() {
                    cancel = true;
                }
            });
        });
        if submit {
            match self.request() {
                Ok(req) => return (Some(Action::AddImages(req)), false, false),
                Err(e) => self.error = Some(e),
            }
        }
        (None, cancel || modal.should_close(), browse)
    }
}

/// A dialog with one text field and a confirm button: Enter or the button confirms a
/// non-empty text, Cancel or Esc closes. `(confirmed text, close)`.
#[allow(clippy::too_many_arguments)]
fn one_field_ui(
    ctx: &egui::Context,
    id: &str,
    title: &str,
    explanation: Option<&str>,
    confirm: &str,
    cancel: &str,
    text: &mut String,
    focused: &mut bool,
) -> (Option<String>, bool) {
    let (mut submit, mut cancelled) = (false, false);
    let modal = egui::Modal::new(egui::Id::unique(id)).show(ctx, |ui| {
        ui.set_min_width(380.0);
        ui.heading(title);
        if let Some(e) = explanation {
            ui.label(e);
        }
        let r = ui.add(egui::TextEdit::singleline(text).desired_width(f32::INFINITY));
        if !*focused {
            r.request_focus();
            *focused = true;
        }
        if r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
            submit = true;
        }
        ui.horizontal(|ui| {
            if ui.button(confirm).clicked() {
                submit = true;
            }
            if ui.button(cancel).clicked() {
                cancelled = true;
            }
        });
    });
    if submit && !text.trim().is_empty() {
        return (Some(text.trim().to_string()), true);
    }
    (None, cancelled || modal.should_close())
}

/// "Rename this site".
pub struct RenameSiteDialog {
    pub site: SiteId,
    pub name: String,
    focused: bool,
}

impl RenameSiteDialog {
    pub fn new(site: SiteId, name: &str) -> Self {
        Self {
            site,
            name: name.to_string(),
            focused: false,
        }
    }

    pub fn ui(&mut self, ctx: &egui::Context) -> (Option<Action>, bool) {
        let (name, close) = one_field_ui(
            ctx,
            "rename-site",
            "Rename site",
            None,
            "Rename",
            "Cancel",
            &mut self.name,
            &mut self.focused,
        );
        let site = self.site;
        (name.map(|name| Action::RenameSite { site, name }), close)
    }
}

/// "Your name": the author of new footprints, asked once and kept in preferences.
pub struct NameDialog {
    pub name: String,
    focused: bool,
}

impl NameDialog {
    /// Prefilled with the name already set, else the operating system's user name.
    pub fn new(current: &str) -> Self {
        let name = if current.is_empty() {
            crate::app::prefs::system_user_name().unwrap_or_default()
        } else {
            current.to_string()
        };
        Self {
            name,
            focused: false,
        }
    }

    pub fn ui(&mut self, ctx: &egui::Context) -> (Option<Action>, bool) {
        let (name, close) = one_field_ui(
            ctx,
            "analyst-name",
            "Your name",
            Some(
                "Footprints you draw carry it as their author, and review decisions and comments as \
                 their writer. Kept for next time.",
            ),
            "OK",
            "Later",
            &mut self.name,
            &mut self.focused,
        );
        (name.map(Action::SetAnalystName), close)
    }
}
