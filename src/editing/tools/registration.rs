//! The registration tool: the analyst clicks a feature in the reference pane, then the same
//! feature in the pane of the image being registered; each such pair is a tie point. From three
//! pairs on, an affine transform is fitted live (see [`crate::model::registration`]) and the
//! panel shows each pair's residual; applying it is one undoable edit of the image's `to_site`.
//!
//! Both panes show the site frame, so a click in the registered image's pane is a site point
//! under the image's *current* transform; it is mapped back to the image's own pixels through
//! the inverse of that transform, so the fit does not depend on how the image is drawn now.

use super::{Pointer, PreviewShape, ToolContext, ToolKey, ToolOutput};
use crate::editing::Side;
use crate::editing::ops::Op;
use crate::model::registration::{Fit, FitError, MIN_TIE_POINTS, TiePoint, fit_affine};
use crate::model::{Affine, Edit, ImageId, Point, Site};

/// How a tie point marker is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TieMark {
    /// Clicked in the reference pane, waiting for its partner.
    Pending,
    Placed,
    /// The pair that agrees least with the fit.
    Worst,
}

/// Which image is registered, and which pane shows the reference image.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Target {
    pub image: ImageId,
    /// The pane of the reference image; the image is shown on the other side.
    pub reference_side: Side,
}

/// The image a registration (or a nudge) acts on among the two compared: the after image unless
/// it is the reference, else the before image. The reference image itself is refused: its
/// pixel frame is the site frame.
pub fn target(
    site: &Site,
    before: Option<ImageId>,
    after: Option<ImageId>,
) -> Result<Target, String> {
    let reference = site
        .reference_image
        .ok_or("The site has no reference image yet.")?;
    let other = |id: Option<ImageId>| id.filter(|i| *i != reference && site.image(*i).is_some());
    match (other(after), other(before)) {
        (Some(image), _) => Ok(Target {
            image,
            reference_side: Side::Before,
        }),
        (None, Some(image)) => Ok(Target {
            image,
            reference_side: Side::After,
        }),
        (None, None) => Err(
            "The reference image cannot be registered: its pixel frame is the site frame. \
             Compare it with another image of the site to register that one."
                .into(),
        ),
    }
}

/// The edit setting `image`'s transform, as an operation named `label`.
fn set_transform(
    site: &Site,
    image: ImageId,
    to_site: Affine,
    label: String,
) -> Result<Op, String> {
    if site.image(image).is_none() {
        return Err(format!("Image {image} is no longer in the site."));
    }
    if site.reference_image == Some(image) && !to_site.is_identity() {
        return Err(crate::model::EditError::ReferenceNotRegistrable(image).to_string());
    }
    Ok(Op {
        edit: Edit::SetImageTransform {
            site: site.id,
            image,
            to_site,
        },
        label,
        select: Vec::new(),
    })
}

/// Puts `image` back on the site frame as it is (the identity), one undo step.
pub fn reset(site: &Site, image: ImageId) -> Result<Op, String> {
    let current = site.image(image).map(|i| i.to_site);
    if current.is_some_and(|t| t.is_identity()) {
        return Err(format!("Image {image} is not registered."));
    }
    set_transform(
        site,
        image,
        Affine::IDENTITY,
        format!("reset the registration of image {image}"),
    )
}

/// Shifts `image` by `(dx, dy)` site pixels (a quick offset fix), one undo step.
pub fn nudge(site: &Site, image: ImageId, dx: f64, dy: f64) -> Result<Op, String> {
    let current = site
        .image(image)
        .ok_or_else(|| format!("Image {image} is no longer in the site."))?
        .to_site;
    let moved = Affine::translation(dx, dy).then_after(&current);
    set_transform(
        site,
        image,
        moved,
        format!("nudge image {image} by {dx}, {dy} px"),
    )
}

#[derive(Clone, Debug, PartialEq)]
pub struct RegistrationTool {
    target: Target,
    pairs: Vec<TiePoint>,
    /// A site point clicked in the reference pane, waiting for its partner.
    pending: Option<Point>,
}

impl RegistrationTool {
    pub fn new(target: Target) -> Self {
        RegistrationTool {
            target,
            pairs: Vec::new(),
            pending: None,
        }
    }

    pub fn target(&self) -> Target {
        self.target
    }

    pub fn pairs(&self) -> &[TiePoint] {
        &self.pairs
    }

    pub fn pending(&self) -> Option<Point> {
        self.pending
    }

    pub fn busy(&self) -> bool {
        self.pending.is_some()
    }

    /// The transform the pairs give now (fitted afresh: a handful of points costs nothing).
    pub fn fit(&self) -> Result<Fit, FitError> {
        fit_affine(&self.pairs)
    }

    pub fn remove_pair(&mut self, index: usize) {
        if index < self.pairs.len() {
            self.pairs.remove(index);
        }
    }

    /// The fitted transform as one undoable edit, or why there is none yet.
    pub fn apply(&self, site: &Site) -> Result<Op, String> {
        let fit = self.fit().map_err(|e| e.to_string())?;
        if !fit.to_site.is_usable() {
            return Err(crate::model::EditError::UnusableTransform(self.target.image).to_string());
        }
        set_transform(
            site,
            self.target.image,
            fit.to_site,
            format!(
                "register image {} ({} tie points, RMS {:.2} px)",
                self.target.image,
                self.pairs.len(),
                fit.rms
            ),
        )
    }

    pub fn status(&self) -> String {
        let n = self.pairs.len() + 1;
        match self.pending {
            None => format!(
                "Registration: click a feature in the reference pane (pair {n}); Esc leaves"
            ),
            Some(_) => format!(
                "Registration: click the same feature in the other pane (pair {n}); Esc drops it"
            ),
        }
    }

    pub fn pointer(&mut self, event: Pointer, ctx: &ToolContext<'_>) -> ToolOutput {
        let Pointer::Click(p) = event else {
            return ToolOutput::default();
        };
        if ctx.side == self.target.reference_side {
            self.pending = Some(p);
            return ToolOutput::message(format!(
                "Pair {}: now click the same feature in the other pane.",
                self.pairs.len() + 1
            ));
        }
        let Some(site_point) = self.pending else {
            return ToolOutput::message("Click the feature in the reference pane first.");
        };
        let Some(from_site) = ctx
            .site
            .image(self.target.image)
            .and_then(|i| i.to_site.inverse())
        else {
            return ToolOutput::message("This image's transform cannot be inverted; reset it.");
        };
        self.pairs.push(TiePoint {
            image: from_site.apply(p),
            site: site_point,
        });
        self.pending = None;
        let n = self.pairs.len();
        ToolOutput::message(if n < MIN_TIE_POINTS {
            format!("Pair {n} placed; {} more to fit.", MIN_TIE_POINTS - n)
        } else {
            format!("Pair {n} placed.")
        })
    }

    pub fn key(&mut self, key: ToolKey, _ctx: &ToolContext<'_>) -> ToolOutput {
        match key {
            ToolKey::Escape if self.pending.take().is_some() => ToolOutput::used(),
            ToolKey::Backspace | ToolKey::Delete => {
                if self.pending.take().is_none() {
                    self.pairs.pop();
                }
                ToolOutput::used()
            }
            _ => ToolOutput::default(),
        }
    }

    /// Numbered markers in both panes, and in the reference pane a dashed line from each
    /// clicked point to where the fit puts its partner (the residual).
    pub fn preview(&self, ctx: &ToolContext<'_>) -> Vec<PreviewShape> {
        let fit = self.fit().ok();
        let worst = fit
            .as_ref()
            .filter(|f| f.residuals.len() > MIN_TIE_POINTS)
            .map(|f| f.worst);
        let mark = |i: usize| {
            if Some(i) == worst {
                TieMark::Worst
            } else {
                TieMark::Placed
            }
        };
        let mut out = Vec::new();
        if ctx.side == self.target.reference_side {
            for (i, t) in self.pairs.iter().enumerate() {
                if let Some(f) = &fit {
                    out.push(PreviewShape::Path {
                        points: vec![t.site, f.to_site.apply(t.image)],
                        closed: false,
                        style: super::PathStyle::RubberBand,
                    });
                }
                out.push(PreviewShape::TiePoint {
                    at: t.site,
                    number: i + 1,
                    mark: mark(i),
                });
            }
            if let Some(p) = self.pending {
                out.push(PreviewShape::TiePoint {
                    at: p,
                    number: self.pairs.len() + 1,
                    mark: TieMark::Pending,
                });
            }
        } else if let Some(img) = ctx.site.image(self.target.image) {
            for (i, t) in self.pairs.iter().enumerate() {
                out.push(PreviewShape::TiePoint {
                    at: img.to_site.apply(t.image),
                    number: i + 1,
                    mark: mark(i),
                });
            }
        }
        out
    }
}

#[cfg(test)]
#[path = "registration_tests.rs"]
mod tests;
