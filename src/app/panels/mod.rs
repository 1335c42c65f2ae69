//! The panels around the canvas. Each reads state and returns the actions the user asked for.

pub mod adjustments;
pub mod footprint_list;
pub mod inspector;
pub mod markers;
pub mod review_queue;
pub mod sites;
pub mod status;
pub mod toolbar;
