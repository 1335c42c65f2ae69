//! The inspector's measures of a footprint: area and perimeter in square metres and metres when
//! the site is georeferenced (site pixels beside them, smaller), in site pixels otherwise.

use crate::app::ground::GroundCache;
use crate::model::{Footprint, Polygon};
use egui::{RichText, Ui};

/// The Area, Perimeter and After-outline rows of the inspector's grid.
pub(super) fn measures_ui(ui: &mut Ui, fp: &Footprint, ground: &GroundCache) {
    let on_ground = ground.outline_text(&fp.outline);
    ui.label("Area");
    match &on_ground {
        Some((area, _)) => {
            ui.horizontal(|ui| {
                ui.label(area).on_hover_text("On the ground");
                ui.label(RichText::new(format!("{:.1} px²", fp.outline.area())).small());
            });
        }
        None => {
            ui.label(format!("{:.1} px²", fp.outline.area()))
                .on_hover_text("In site pixels");
        }
    }
    ui.end_row();
    ui.label("Perimeter");
    let pixels = format!(
        "{:.1} px, {} corners",
        fp.outline.perimeter(),
        fp.outline.len()
    );
    match &on_ground {
        Some((_, perimeter)) => {
            ui.horizontal(|ui| {
                ui.label(perimeter).on_hover_text("On the ground");
                ui.label(RichText::new(pixels).small());
            });
        }
        None => {
            ui.label(pixels);
        }
    }
    ui.end_row();
    if let Some(after) = &fp.after_outline {
        ui.label("After-outline");
        ui.label(after_text(after, ground));
        ui.end_row();
    }
}

fn after_text(after: &Polygon, ground: &GroundCache) -> String {
    match ground.outline_text(after) {
        Some((area, _)) => format!("{area} ({:.1} px²), {} corners", after.area(), after.len()),
        None => format!("{:.1} px², {} corners", after.area(), after.len()),
    }
}
