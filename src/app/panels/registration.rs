//! The registration panel: the tie point pairs clicked so far with each one's residual under
//! the live fit (pixels, and metres once the site is georeferenced), the RMS, the worst pair in
//! the warning colour; Apply, Reset and Cancel.

use crate::app::actions::Action;
use crate::app::theme::WARNING_COLOR;
use crate::editing::tools::RegistrationTool;
use crate::model::registration::MIN_TIE_POINTS;
use crate::model::{Affine, Site};
use egui::{RichText, Ui};

/// Residual text: "1.42 px" or "1.42 px · 0.71 m".
fn residual_text(px: f64, metres: Option<f64>) -> String {
    match metres {
        Some(m) => format!("{px:.2} px · {:.2} m", px * m),
        None => format!("{px:.2} px"),
    }
}

/// `ground`: the site on the ground (the window's cache), for residuals in metres.
pub fn registration_ui(
    ui: &mut Ui,
    tool: &RegistrationTool,
    site: &Site,
    ground: Option<&crate::geo::SiteGeo>,
) -> Vec<Action> {
    let mut actions = Vec::new();
    let target = tool.target();
    let image = site.image(target.image);
    ui.heading("Registration");
    ui.label(format!(
        "Image {} ({}) onto the reference image, pane {}.",
        target.image,
        image.map_or(String::new(), |i| i.date.to_string()),
        target.reference_side.label(),
    ));
    ui.label(
        RichText::new(
            "Click a feature in the reference pane, then the same feature in the other pane. \
             Residual: how far the fit puts a pair apart, in site pixels.",
        )
        .weak()
        .small(),
    );
    let fit = tool.fit();
    // Metres per site pixel where the site is on the ground, taken at the first tie point.
    let metres = ground.and_then(|geo| {
        let at = tool
            .pairs()
            .first()
            .map_or_else(Default::default, |p| p.site);
        geo.metres_per_site_pixel(at).ok()
    });
    let pairs = tool.pairs();
    let worst = fit
        .as_ref()
        .ok()
        .filter(|f| f.residuals.len() > MIN_TIE_POINTS)
        .map(|f| f.worst);
    egui::Grid::new("tie-points")
        .num_columns(3)
        .striped(true)
        .show(ui, |ui| {
            for (i, pair) in pairs.iter().enumerate() {
                let flagged = Some(i) == worst;
                let mut name = RichText::new(format!("{}", i + 1)).strong();
                if flagged {
                    name = name.color(WARNING_COLOR);
                }
                ui.label(name).on_hover_text(format!(
                    "image ({:.1}, {:.1}) → site ({:.1}, {:.1})",
                    pair.image.x, pair.image.y, pair.site.x, pair.site.y
                ));
                match &fit {
                    Ok(f) => {
                        let text = residual_text(f.residuals[i], metres);
                        if flagged {
                            ui.label(
                                RichText::new(format!("{text}  ! worst")).color(WARNING_COLOR),
                            );
                        } else {
                            ui.label(text);
                        }
                    }
                    Err(_) => {
                        ui.label(RichText::new("—").weak());
                    }
                }
                if ui
                    .small_button("−")
                    .on_hover_text("Delete this pair")
                    .clicked()
                {
                    actions.push(Action::RemoveTiePoint(i));
                }
                ui.end_row();
            }
        });
    if tool.pending().is_some() {
        ui.label(format!(
            "Pair {}: click the same feature in the other pane.",
            pairs.len() + 1
        ));
    }
    match &fit {
        Ok(f) => {
            ui.label(RichText::new(format!("RMS {}", residual_text(f.rms, metres))).strong());
            if pairs.len() == MIN_TIE_POINTS {
                ui.label(
                    RichText::new("Three pairs fit exactly: add a fourth to check them.")
                        .weak()
                        .small(),
                );
            }
        }
        Err(e) => {
            ui.label(RichText::new(e.to_string()).weak());
        }
    }
    ui.horizontal(|ui| {
        let apply = tool.apply(site);
        let r = ui.add_enabled(apply.is_ok(), egui::Button::new("Apply"));
        let r = match &apply {
            Ok(_) => r.on_hover_text("Set the image's transform to the fit (one undo step)"),
            Err(why) => r.on_disabled_hover_text(why.as_str()),
        };
        if r.clicked() {
            actions.push(Action::ApplyRegistration);
        }
        let registered = image.is_some_and(|i| i.to_site != Affine::IDENTITY);
        if ui
            .add_enabled(registered, egui::Button::new("Reset"))
            .on_hover_text("Back to the identity transform (one undo step)")
            .clicked()
        {
            actions.push(Action::ResetRegistration);
        }
        if ui
            .button("Cancel (Esc)")
            .on_hover_text("Leave registration; nothing changes")
            .clicked()
        {
            actions.push(Action::SetTool(crate::editing::tools::ToolKind::Select));
        }
    });
    actions
}
