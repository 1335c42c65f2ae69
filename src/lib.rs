//! sitediff: compare dated overhead images of a site, outline the buildings that changed, and
//! review those outlines.
//!
//! Three layers: [`model`] (pure data, no GUI), [`io`] (files, no GUI) and [`app`] (the egui
//! window). [`cli`] runs the headless subcommands over model and io.

pub mod app;
pub mod cli;
pub mod demo;
pub mod io;
pub mod model;
