//! Entry point: parse the command line, then either run a headless subcommand or open the
//! window.

use clap::Parser;
use sitediff::cli::{Cli, Outcome, demo_project_path, run};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Outcome::Exit(code) => code,
        Outcome::Gui(project) => {
            let path = project.unwrap_or_else(demo_project_path);
            open_window(path)
        }
    }
}

#[cfg(feature = "gui")]
fn open_window(path: std::path::PathBuf) -> ExitCode {
    match sitediff::app::run(path) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("sitediff: {e:#}");
            ExitCode::from(2)
        }
    }
}

#[cfg(not(feature = "gui"))]
fn open_window(path: std::path::PathBuf) -> ExitCode {
    eprintln!(
        "sitediff: this build has no window (built without the `gui` feature); cannot open {}",
        path.display()
    );
    ExitCode::from(2)
}
