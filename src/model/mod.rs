//! The project model: pure data with serde, no egui.
//!
//! Everything an analyst saves lives here: [`Project`], its [`Site`]s, their [`DatedImage`]s and
//! [`Footprint`]s. Coordinates are *site coordinates* (the pixel frame of the site's reference
//! image), stored as our own [`Point`] type so that a GUI upgrade can never change saved files.

mod date;
pub mod diff;
mod edit;
mod footprint;
pub mod geometry;
pub mod georef;
mod ids;
pub mod marker;
pub mod merge;
mod merge_ids;
pub mod orthogonalize;
mod project;
pub mod reference;
pub mod registration;
pub mod review;
mod self_intersection;
pub mod shorten;
mod stats;
mod transform;
mod validate;

pub use date::{CaptureDate, Timestamp};
pub use diff::ProjectDiff;
pub use edit::{Edit, EditError, HISTORY_MAX_BYTES, History, Replayed, Touched};
pub use footprint::{ChangeKind, Confidence, Footprint};
pub use geometry::{BoundingBox, Point, Polygon};
pub use georef::{Georef, GeorefSource};
pub use ids::{FootprintId, IdsExhausted, ImageId, NextIds, SiteId};
pub use marker::{Coverage, CoverageGrid, Marker, MarkerId, MarkerResolution, MarkerShape};
pub use merge::{FootprintConflict, MergeOutcome, merge_projects};
pub use project::{DatedImage, FORMAT_VERSION, Project, Site};
pub use reference::{ReferenceBuilding, ReferenceId};
pub use review::{Decision, Reason, ReviewEvent, ReviewState};
pub use stats::SiteCounts;
pub use transform::Affine;
pub use validate::{Problem, next_id_problems, normalize_path, validate, validate_with_files};
