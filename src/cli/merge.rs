//! `merge BASE OURS THEIRS`: the git merge driver. See [`crate::model::merge`] for the rules.

use super::Out;
use crate::io::project_file::{parse_project_bytes, project_to_string, write_atomically};
use crate::model::{Project, merge_projects};
use std::path::Path;

pub fn cmd_merge(base: &Path, ours: &Path, theirs: &Path, target: Option<&Path>, err: Out) -> u8 {
    let read = |path: &Path| -> Result<Vec<u8>, String> {
        std::fs::read(path).map_err(|e| format!("{}: cannot read the file: {e}", path.display()))
    };
    let parse =
        |path: &Path, bytes: &[u8]| parse_project_bytes(bytes, path).map_err(|e| e.to_string());
    let loaded = (|| {
        let base_bytes = read(base)?;
        // Both branches added the file: git gives an empty ancestor.
        let b = if base_bytes.iter().all(u8::is_ascii_whitespace) {
            None
        } else {
            Some(parse(base, &base_bytes)?)
        };
        let o = parse(ours, &read(ours)?)?;
        let t = parse(theirs, &read(theirs)?)?;
        Ok::<_, String>((b, o, t))
    })();
    let (base_project, ours_project, theirs_project) = match loaded {
        Ok(p) => p,
        Err(message) => {
            say!(err, "sitediff merge: {message}; nothing was written");
            return 2;
        }
    };
    // Then their common ancestor is a project with nothing in it.
    let base_project = base_project.unwrap_or_else(|| Project::new(ours_project.name.clone()));
    let outcome = merge_projects(&base_project, &ours_project, &theirs_project);
    let target = target.unwrap_or(ours);
    let written = project_to_string(&outcome.project)
        .and_then(|text| write_atomically(target, text.as_bytes(), false));
    if let Err(e) = written {
        say!(err, "sitediff merge: {e}");
        return 2;
    }
    for line in outcome.renumbered.iter().chain(&outcome.notes) {
        say!(err, "sitediff merge: {line}");
    }
    if outcome.is_clean() {
        return 0;
    }
    say!(
        err,
        "sitediff merge: {} footprint(s) changed differently on both branches; both versions \
         are kept. Open the project and choose a version for each in the Merge conflicts panel:",
        outcome.conflicts.len()
    );
    for c in &outcome.conflicts {
        say!(
            err,
            "  site {}, footprint {}: {}",
            c.site,
            c.footprint,
            c.what
        );
    }
    1
}
