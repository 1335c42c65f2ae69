//! Painting one frame of the canvas: each pane's image (or its progress bar or placeholder),
//! then the footprints and the tool's preview for that pane's date.

use super::chrome::{centered_text, placeholder_ui, side_color};
use super::footprints::{FootprintLayer, OutlineChoice, paint_footprints};
use super::preview;
use super::{CanvasOutput, SideImage};
use crate::app::imagery::tiles::{ImageDraw, UploadBudget, paint_image};
use crate::app::imagery::{ImageSlot, ImageStore};
use crate::app::state::Side;
use crate::app::theme::stage_label;
use crate::app::view::ViewTransform;
use crate::editing::derived::Triangulations;
use crate::editing::tools::{Tool, ToolContext};
use egui::{Align2, Color32, FontId, Rect, Stroke, StrokeKind, Ui, Vec2};
use std::time::Duration;

/// How often the window repaints for progress alone while an image loads. Tiles and levels
/// wake it as they arrive; drawing more often only takes the CPU from the decoders (in software
/// rendering a frame costs as much as decoding a strip of the image).
const LOADING_REPAINT: Duration = Duration::from_millis(100);

/// What every image drawn in one frame shares.
pub(super) struct Painting<'a, F: Fn(Side) -> ToolContext<'a>> {
    pub(super) images: &'a mut ImageStore,
    pub(super) out: &'a mut CanvasOutput,
    pub(super) view: ViewTransform,
    pub(super) budget: UploadBudget,
    pub(super) site_id: crate::model::SiteId,
    pub(super) show_footprints: bool,
    pub(super) layer: &'a FootprintLayer<'a>,
    pub(super) triangles: &'a mut Triangulations,
    pub(super) tool: &'a Tool,
    pub(super) tool_ctx: F,
    pub(super) markers: &'a [crate::model::Marker],
    pub(super) references: &'a [crate::model::ReferenceBuilding],
    pub(super) selected_reference: Option<crate::model::ReferenceId>,
    pub(super) coverage: Option<&'a crate::model::Coverage>,
}

impl<'a, F: Fn(Side) -> ToolContext<'a>> Painting<'a, F> {
    /// One date as it is: its image untinted, its own outlines, the tool's preview.
    pub(super) fn date(
        &mut self,
        ui: &mut Ui,
        painter: &egui::Painter,
        pane: Rect,
        img: Option<&SideImage<'_>>,
        side: Side,
    ) {
        let outlines = OutlineChoice::Date(side);
        self.side(ui, painter, pane, img, side, Color32::WHITE, outlines);
    }

    /// One date: its image (tinted), then its footprints and the tool's preview for that date.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn side(
        &mut self,
        ui: &mut Ui,
        painter: &egui::Painter,
        pane: Rect,
        img: Option<&SideImage<'_>>,
        side: Side,
        tint: Color32,
        outlines: OutlineChoice,
    ) {
        if self.image(ui, painter, pane, img, side, tint) {
            self.overlays(painter, pane, side, outlines);
        }
    }

    /// Footprints and the tool's preview for the date `side` over what is drawn.
    pub(super) fn overlays(
        &mut self,
        painter: &egui::Painter,
        pane: Rect,
        side: Side,
        outlines: OutlineChoice,
    ) {
        if self.show_footprints {
            super::references::paint_references(
                painter,
                pane,
                &self.view,
                self.references,
                self.selected_reference,
            );
            let stats = paint_footprints(
                painter,
                pane,
                &self.view,
                self.layer,
                self.triangles,
                outlines,
            );
            self.out.footprints.visited += stats.visited;
            self.out.footprints.drawn += stats.drawn;
        }
        if let Some(c) = self.coverage {
            super::markers::paint_unchecked_cells(painter, pane, &self.view, c);
        }
        if self.show_footprints {
            super::markers::paint_markers(painter, pane, &self.view, self.markers);
        }
        let ctx = (self.tool_ctx)(side);
        preview::paint_preview(painter, pane, &self.view, &self.tool.preview(&ctx));
    }

    /// Draws one side's image into `painter`'s clip rectangle of the pane, or what stands in for
    /// it (a progress bar while loading, a placeholder when it cannot be read). False when
    /// nothing should be drawn over it.
    pub(super) fn image(
        &mut self,
        ui: &mut Ui,
        painter: &egui::Painter,
        pane: Rect,
        img: Option<&SideImage<'_>>,
        side: Side,
        tint: Color32,
    ) -> bool {
        let ctx = painter.ctx();
        let clip = painter.clip_rect();
        let Some(img) = img else {
            centered_text(painter, clip, &format!("No {} image chosen", side.label()));
            return true;
        };
        let slot: &mut ImageSlot = self.images.want(&img.path);
        if slot.has_pixels()
            && let Some(size) = slot.load.size()
        {
            let levels: Vec<_> = slot.load.levels().to_vec();
            let exact: Vec<bool> = (0..levels.len())
                .map(|k| slot.load.level_is_exact(k))
                .collect();
            let lut = *slot.lut();
            let draw = ImageDraw {
                levels: &levels,
                exact: &exact,
                size,
                to_site: &img.record.to_site,
                lut: &lut,
                tint,
                tiled: slot.load.tiled(),
            };
            let outcome = paint_image(
                painter,
                pane,
                &self.view,
                &draw,
                &mut slot.textures,
                &mut self.budget,
            );
            self.out.drawn.push((side, outcome));
            // Finer levels may still be on their way: the loader wakes the window when one
            // arrives; progress alone is shown at most ten times a second.
            if slot
                .progress()
                .is_some_and(|(_, fraction)| fraction.is_some())
            {
                ctx.request_repaint_after(LOADING_REPAINT);
            }
            return true;
        }
        if let Some(err) = slot.error().map(str::to_string) {
            let actions = placeholder_ui(ui, clip, &img.path, img.record, &err, self.site_id);
            self.out.actions.extend(actions);
            // Footprints over the message would hide it; the other pane still has them.
            return false;
        }
        // Still loading and nothing to draw yet: a progress bar, without footprints over it.
        let (stage, fraction) = slot
            .progress()
            .unwrap_or((crate::io::loader::LoadStage::Queued, None));
        let stage = stage_label(stage);
        let text = match fraction {
            Some(f) => format!("{}: {stage} {:.0} %", img.record.file_name(), f * 100.0),
            None => format!("{}: {stage}…", img.record.file_name()),
        };
        let bar = Rect::from_center_size(
            clip.center(),
            Vec2::new((clip.width() * 0.6).min(360.0), 18.0),
        );
        painter.rect_stroke(
            bar,
            3.0,
            Stroke::new(1.0, Color32::GRAY),
            StrokeKind::Inside,
        );
        // Without a fraction the bar stays still, faint and full: a moving one would repaint
        // the window many times a second (a software renderer's whole frame each time) and
        // take the cores from the decoders it waits for.
        let (f, strength) = fraction.map_or((1.0, 0.25), |f| (f, 0.7));
        painter.rect_filled(
            Rect::from_min_size(bar.min, Vec2::new(bar.width() * f, bar.height())),
            3.0,
            side_color(side).gamma_multiply(strength),
        );
        painter.text(
            bar.center_bottom() + Vec2::new(0.0, 8.0),
            Align2::CENTER_TOP,
            text,
            FontId::proportional(14.0),
            Color32::LIGHT_GRAY,
        );
        // News (a stage, a preview, a level) wakes the window; a fraction moving is shown at
        // most ten times a second.
        if fraction.is_some() {
            ctx.request_repaint_after(LOADING_REPAINT);
        }
        false
    }
}
