//! Display adjustments (brightness, contrast, gamma, stretch) of the two compared images. They
//! change how images look, never the project.

use crate::app::imagery::Adjustments;
use crate::app::state::{Pair, Side};
use crate::app::theme::{AFTER_COLOR, BEFORE_COLOR};
use crate::editing::Document;
use crate::model::ImageId;
use egui::{RichText, Ui};
use std::collections::HashMap;

/// Brightness, contrast, gamma and automatic stretch for the two compared images.
pub fn adjustments_ui(
    ui: &mut Ui,
    doc: &Document,
    pair: &Pair,
    adjustments: &mut HashMap<ImageId, Adjustments>,
) {
    let Some(site) = pair.site.and_then(|id| doc.project().site(id)) else {
        return;
    };
    egui::CollapsingHeader::new("Display adjustments")
        .default_open(false)
        .show(ui, |ui| {
            for side in [Side::Before, Side::After] {
                let Some(img) = pair.image(side).and_then(|id| site.image(id)) else {
                    continue;
                };
                let color = if side == Side::Before { BEFORE_COLOR } else { AFTER_COLOR };
                ui.label(RichText::new(format!("{} · {}", side.label(), img.date)).color(color));
                let a = adjustments.entry(img.id).or_default();
                ui.add(egui::Slider::new(&mut a.brightness, -1.0..=1.0).text("brightness"));
                ui.add(egui::Slider::new(&mut a.contrast, 0.1..=4.0).logarithmic(true).text("contrast"));
                ui.add(egui::Slider::new(&mut a.gamma, 0.2..=5.0).logarithmic(true).text("gamma"));
                ui.horizontal(|ui| {
                    ui.checkbox(&mut a.auto_stretch, "auto stretch 2–98 %")
                        .on_hover_text("Stretch the 2 %–98 % luminance range to full contrast: for dull or 16-bit images");
                    if ui.add_enabled(!a.is_default(), egui::Button::new("Reset")).clicked() {
                        *a = Adjustments::default();
                    }
                });
                ui.add_space(4.0);
            }
        });
}
