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
            match sitediff::app::run(path) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("sitediff: {e:#}");
                    ExitCode::from(2)
                }
            }
        }
    }
}
