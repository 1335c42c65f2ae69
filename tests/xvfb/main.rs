//! The real binary in a virtual X display, driven with xdotool: what only a real window
//! shows (winit's input path, the GL renderer). One test binary for both tests.

#[path = "../support/mod.rs"]
mod support;

mod drawing;
mod recovery;
mod review;
mod smoke;
