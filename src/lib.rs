//! sitediff: compare dated overhead images of a site, outline the buildings that changed, and
//! review those outlines.
//!
//! Layers, lowest first: [`model`] (pure data, no GUI), [`io`] (files, no GUI), [`editing`] (the
//! editing core: document, selection, spatial index, operations, tools; no GUI) and `app` (the
//! egui window, behind the default `gui` feature). [`report`] writes the HTML review report
//! over the layers below the window, without egui. [`cli`] runs the headless subcommands over
//! the layers below the window. The library builds without the `gui` feature, which keeps the
//! lower layers free of egui.

#[cfg(feature = "gui")]
pub mod app;
pub mod cli;
pub mod demo;
pub mod editing;
pub mod geo;
pub mod gis;
pub mod io;
pub mod model;
pub mod report;
