//! Headless UI tests: the real app driven through egui_kittest like a person (clicks at screen
//! positions, keys, drags), asserting on its state and on what it painted. One test binary, so
//! that the release build links egui once for all of them.

#[path = "../support/mod.rs"]
mod support;

mod compare;
mod conflicts;
mod drawing;
mod ground;
mod references;
mod registration;
mod review;
mod safety;
mod sites;
