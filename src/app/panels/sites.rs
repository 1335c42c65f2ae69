//! The sites list and the current site's timeline.

use crate::app::actions::Action;
use crate::app::commands::Command;
use crate::app::imagery::ImageStore;
use crate::app::state::{Pair, Side};
use crate::app::theme::{AFTER_COLOR, BEFORE_COLOR, WARNING_COLOR};
use crate::editing::Document;
use crate::model::{DatedImage, Site, SiteCounts};
use egui::{Color32, RichText, Ui, Vec2};

/// Sites, then the current site's timeline: date, name and thumbnail per image, with buttons
/// that make it the before or the after image. `follow` scrolls the timeline to the compared
/// images (after they changed by key).
pub fn sites_panel_ui(
    ui: &mut Ui,
    doc: &Document,
    pair: &Pair,
    images: &ImageStore,
    follow: bool,
) -> Vec<Action> {
    let mut actions = Vec::new();
    let project = doc.project();
    ui.horizontal(|ui| {
        ui.heading("Sites");
        if ui
            .small_button("+ Site")
            .on_hover_text(format!(
                "Add a site with its images ({})",
                Command::AddSite.shortcut_text()
            ))
            .clicked()
        {
            actions.push(Action::ShowAddSite);
        }
    });
    for site in &project.sites {
        let selected = pair.site == Some(site.id);
        let counts = SiteCounts::of(site);
        let mut label = format!(
            "{}  ({} images, {} footprints",
            site.name,
            site.images.len(),
            counts.footprints
        );
        if !site.references.is_empty() {
            label.push_str(&format!(", {} reference buildings", site.references.len()));
        }
        label.push(')');
        let r = ui
            .selectable_label(selected, label)
            .on_hover_text(if site.note.is_empty() {
                "Show this site (right click: rename)".to_string()
            } else {
                site.note.clone()
            });
        if r.clicked() && !selected {
            actions.push(Action::SelectSite(site.id));
        }
        r.context_menu(|ui| {
            if ui.button("Rename…").clicked() {
                if !selected {
                    actions.push(Action::SelectSite(site.id));
                }
                actions.push(Action::ShowRenameSite);
                ui.close();
            }
        });
    }
    let Some(site) = pair.site.and_then(|id| project.site(id)) else {
        return actions;
    };
    ui.separator();
    ui.horizontal(|ui| {
        ui.heading("Timeline");
        if ui
            .small_button("+ Images")
            .on_hover_text(format!(
                "Add dated images to {} ({})",
                site.name,
                Command::AddImages.shortcut_text()
            ))
            .clicked()
        {
            actions.push(Action::ShowAddImages);
        }
    });
    ui.label(
        RichText::new("B / A: compare as before / after.  [ ] step after,  { } step before")
            .small()
            .weak(),
    );
    egui::ScrollArea::vertical()
        .id_salt("timeline")
        .auto_shrink([false, true])
        .max_height(ui.available_height() - 190.0)
        .show(ui, |ui| {
            for img in site.images_by_date() {
                // Ids per image, so an entry's widgets keep theirs as images come and go.
                ui.push_id(img.id, |ui| {
                    timeline_entry_ui(ui, site, doc, img, pair, images, follow, &mut actions);
                });
            }
        });
    actions
}

#[allow(clippy::too_many_arguments)]
fn timeline_entry_ui(
    ui: &mut Ui,
    site: &Site,
    doc: &Document,
    img: &DatedImage,
    pair: &Pair,
    images: &ImageStore,
    follow: bool,
    actions: &mut Vec<Action>,
) {
    let site_id = site.id;
    let is_before = pair.before == Some(img.id);
    let is_after = pair.after == Some(img.id);
    let frame_color = match (is_before, is_after) {
        (true, _) => BEFORE_COLOR,
        (_, true) => AFTER_COLOR,
        _ => Color32::from_gray(60),
    };
    // The entry senses clicks behind its buttons: a right click on it opens its menu.
    let frame = ui.scope_builder(egui::UiBuilder::new().sense(egui::Sense::click()), |ui| {
        egui::Frame::group(ui.style())
            .stroke(egui::Stroke::new(
                if is_before || is_after { 2.0 } else { 1.0 },
                frame_color,
            ))
            .show(ui, |ui| {
                ui.set_width(ui.available_width());
                ui.horizontal(|ui| {
                    let path = doc.image_file(&img.path);
                    // One scope of a fixed size, whatever it shows: the widgets after it keep
                    // their place and their ids when the thumbnail arrives (a click pressed
                    // on the date before and released after still counts).
                    ui.scope(|ui| thumbnail_ui(ui, images, &path));
                    ui.vertical(|ui| {
                        let date = match img.date {
                            crate::model::CaptureDate::Unknown => {
                                RichText::new("date unknown").color(Color32::from_rgb(255, 170, 90))
                            }
                            d => RichText::new(d.to_string()),
                        };
                        let date = ui
                            .add(
                                egui::Label::new(date.strong().size(16.0))
                                    .sense(egui::Sense::click()),
                            )
                            .on_hover_text("Click to set the capture date");
                        if date.clicked() {
                            actions.push(Action::ShowDateDialog {
                                site: site_id,
                                image: img.id,
                            });
                        }
                        // Not selectable, so a right click reaches the entry's menu.
                        ui.add(
                            egui::Label::new(RichText::new(img.file_name()).small())
                                .selectable(false),
                        )
                        .on_hover_text(format!("{}\n{}", img.path, img.source));
                        ui.horizontal(|ui| {
                            let b = ui
                                .selectable_label(
                                    is_before,
                                    RichText::new("B").color(BEFORE_COLOR).strong(),
                                )
                                .on_hover_text("Compare this image as the before image");
                            if b.clicked() && !is_before {
                                actions.push(Action::SetImage(Side::Before, img.id));
                            }
                            let a = ui
                                .selectable_label(
                                    is_after,
                                    RichText::new("A").color(AFTER_COLOR).strong(),
                                )
                                .on_hover_text("Compare this image as the after image");
                            if a.clicked() && !is_after {
                                actions.push(Action::SetImage(Side::After, img.id));
                            }
                        });
                    });
                });
            })
    });
    if follow && (is_before || is_after) {
        frame.response.scroll_to_me(None);
    }
    let users: Vec<_> = site
        .footprints
        .iter()
        .filter(|f| f.before == img.id || f.after == img.id)
        .map(|f| f.id)
        .collect();
    frame.response.context_menu(|ui| {
        let is_reference = site.reference_image == Some(img.id);
        let why_not = if !users.is_empty() {
            Some(format!("Used by {}", crate::editing::ops::names(&users)))
        } else if is_reference && site.images.len() > 1 {
            None
        } else if is_reference {
            Some("The site's only image".to_string())
        } else {
            None
        };
        let r = ui.add_enabled(
            why_not.is_none(),
            egui::Button::new("Remove from this site"),
        );
        let r = match &why_not {
            Some(w) => r.on_disabled_hover_text(w),
            None => {
                r.on_hover_text("Remove this image from the project (undoable); the file stays")
            }
        };
        if r.clicked() {
            actions.push(Action::RemoveImage {
                site: site_id,
                image: img.id,
            });
            ui.close();
        }
        if ui.button("Set capture date…").clicked() {
            actions.push(Action::ShowDateDialog {
                site: site_id,
                image: img.id,
            });
            ui.close();
        }
    });
}

/// An image's thumbnail in a fixed 64 x 64 slot, or what stands in for it: loading, missing
/// (the file is not there) or unreadable (the file is there but cannot be read).
fn thumbnail_ui(ui: &mut Ui, images: &ImageStore, path: &std::path::Path) {
    let thumb_size = Vec2::new(64.0, 64.0);
    let (slot, _) = ui.allocate_exact_size(thumb_size, egui::Sense::hover());
    if let Some(t) = images.thumbnail(path) {
        let size = t.size_vec2();
        let scale = (thumb_size.x / size.x).min(thumb_size.y / size.y);
        let rect = egui::Rect::from_center_size(slot.center(), size * scale);
        egui::Image::new((t.id(), size * scale)).paint_at(ui, rect);
        return;
    }
    ui.painter().rect_filled(slot, 2.0, Color32::from_gray(45));
    let failed = images
        .get(path)
        .and_then(|s| s.error())
        .or_else(|| images.thumbnail_error(path));
    let (word, why) = match (failed, path.exists()) {
        (None, _) => ("…", "Loading"),
        (Some(_), false) => ("missing", "The file is not there"),
        (Some(_), true) => ("unreadable", "The file is there but cannot be read"),
    };
    let color = if failed.is_some() {
        WARNING_COLOR
    } else {
        Color32::GRAY
    };
    ui.put(
        slot,
        egui::Label::new(RichText::new(word).small().color(color)).selectable(false),
    )
    .on_hover_text(match failed {
        Some(err) => format!("{why}: {err}"),
        None => why.to_string(),
    });
}
