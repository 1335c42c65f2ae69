//! Teams through git: two analysts work on their own branches of a repository holding a
//! project, and real `git merge` calls `sitediff merge` as its merge driver, set up the way the
//! README says. A clean merge, a conflict, and its resolution committed.

mod support;

use sitediff::editing::Document;
use sitediff::editing::conflicts::{Resolution, conflict_count, resolution_edit};
use sitediff::io::{load_project, save_project};
use sitediff::model::{
    ChangeKind, Footprint, FootprintConflict, FootprintId, ImageId, Point, Polygon, Project,
    ReviewEvent, SiteId, Timestamp, validate,
};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_sitediff");

/// A repository in a temporary folder, git isolated from the user's and the system's
/// configuration.
struct Repo {
    dir: tempfile::TempDir,
}

impl Repo {
    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn project(&self) -> PathBuf {
        self.path().join("yard.ron")
    }

    fn git_output(&self, args: &[&str]) -> Output {
        Command::new("git")
            .args(args)
            .current_dir(self.path())
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_AUTHOR_NAME", "Ana")
            .env("GIT_AUTHOR_EMAIL", "ana@example.org")
            .env("GIT_COMMITTER_NAME", "Ana")
            .env("GIT_COMMITTER_EMAIL", "ana@example.org")
            .env("GIT_MERGE_AUTOEDIT", "no")
            .output()
            .expect("git runs")
    }

    /// Runs git and fails the test when it fails.
    fn git(&self, args: &[&str]) -> String {
        let out = self.git_output(args);
        assert!(
            out.status.success(),
            "git {args:?} failed:\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn commit_all(&self, message: &str) {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "-m", message]);
    }

    fn load(&self) -> Project {
        load_project(&self.project()).expect("the project loads")
    }

    /// Loads the project, changes it as an analyst would, saves it and commits.
    fn change(&self, message: &str, f: impl FnOnce(&mut Project)) {
        let mut p = self.load();
        f(&mut p);
        save_project(&p, &self.project()).unwrap();
        self.commit_all(message);
    }
}

/// A repository whose first commit holds a project made by `sitediff new` (two dated images,
/// one footprint F1), with the merge driver set up as the README says.
fn repo() -> Repo {
    let repo = Repo {
        dir: tempfile::tempdir().unwrap(),
    };
    repo.git(&["init", "-q", "-b", "main"]);
    std::fs::create_dir(repo.path().join("img")).unwrap();
    let a = repo.path().join("img/yard_2024-01-15.png");
    let b = repo.path().join("img/yard_2024-07-15.png");
    support::test_image(64, 48, 0).save(&a).unwrap();
    support::test_image(64, 48, 10).save(&b).unwrap();
    let made = Command::new(BIN)
        .arg("new")
        .arg(repo.project())
        .args(["--site", "Yard"])
        .args([&a, &b])
        .output()
        .unwrap();
    assert!(made.status.success(), "{made:?}");
    std::fs::write(repo.path().join(".gitattributes"), "*.ron merge=sitediff\n").unwrap();
    std::fs::write(repo.path().join(".gitignore"), "*.bak\n").unwrap();
    repo.git(&["config", "merge.sitediff.name", "sitediff project merge"]);
    let driver = format!("'{BIN}' merge %O %A %B");
    repo.git(&["config", "merge.sitediff.driver", &driver]);
    repo.change("a project with one footprint", |p| {
        draw(p, 0.0, "ana", 0);
    });
    repo
}

fn draw(p: &mut Project, x: f64, by: &str, t: i64) -> FootprintId {
    let id = p.next_ids.new_footprint().unwrap();
    p.sites[0].footprints.push(Footprint::new(
        id,
        ChangeKind::New,
        ImageId(1),
        ImageId(2),
        Polygon::rectangle(Point::new(x, 0.0), Point::new(x + 10.0, 10.0)),
        by,
        Timestamp::from_unix(1_700_000_000 + t).unwrap(),
    ));
    id
}

fn footprint(p: &mut Project, id: u32) -> &mut Footprint {
    p.sites[0].footprint_mut(FootprintId(id)).unwrap()
}

#[test]
fn branches_that_each_draw_and_review_merge_cleanly_with_distinct_ids() {
    let repo = repo();
    repo.git(&["checkout", "-q", "-b", "bo"]);
    repo.change("bo draws two and comments on F1", |p| {
        draw(p, 100.0, "bo", 10);
        draw(p, 200.0, "bo", 11);
        footprint(p, 1).reviews.push(ReviewEvent {
            by: "bo".into(),
            at: Timestamp::from_unix(1_700_000_020).unwrap(),
            decision: None,
            reason: None,
            comment: "roof looks new".into(),
            judged: None,
        });
    });
    repo.git(&["checkout", "-q", "main"]);
    repo.change("ana draws one and relabels F1", |p| {
        draw(p, 300.0, "ana", 12);
        footprint(p, 1).kind = ChangeKind::Renovated;
    });
    let merged = repo.git_output(&["merge", "--no-edit", "bo"]);
    assert!(merged.status.success(), "{merged:?}");
    let p = repo.load();
    assert!(validate(&p).is_empty(), "{:?}", validate(&p));
    let site = &p.sites[0];
    let got: Vec<(u32, &str, f64)> = site
        .footprints
        .iter()
        .map(|f| (f.id.0, f.author.as_str(), f.outline.0[0].x))
        .collect();
    // Ana's F2 keeps its id; Bo's F2 collided and became F4; Bo's F3 did not collide.
    assert_eq!(
        got,
        [
            (1, "ana", 0.0),
            (2, "ana", 300.0),
            (3, "bo", 200.0),
            (4, "bo", 100.0)
        ]
    );
    let f1 = site.footprint(FootprintId(1)).unwrap();
    assert_eq!(f1.kind, ChangeKind::Renovated);
    assert_eq!(f1.reviews.len(), 1);
    // Image paths are kept as stored, relative to the project, whatever git's temp files were.
    let paths: Vec<&str> = site.images.iter().map(|i| i.path.as_str()).collect();
    assert_eq!(
        paths,
        ["img/yard_2024-01-15.png", "img/yard_2024-07-15.png"]
    );
    let check = Command::new(BIN)
        .arg("validate")
        .arg(repo.project())
        .output()
        .unwrap();
    assert!(check.status.success(), "{check:?}");
    assert!(repo.git(&["status", "--porcelain"]).is_empty());
}

#[test]
fn a_footprint_changed_differently_on_both_branches_conflicts_and_the_resolution_commits() {
    let repo = repo();
    repo.git(&["checkout", "-q", "-b", "bo"]);
    repo.change("bo: F1 demolished", |p| {
        footprint(p, 1).kind = ChangeKind::Demolished;
    });
    repo.git(&["checkout", "-q", "main"]);
    repo.change("ana: F1 renovated", |p| {
        footprint(p, 1).kind = ChangeKind::Renovated;
    });
    let merged = repo.git_output(&["merge", "--no-edit", "bo"]);
    assert!(
        !merged.status.success(),
        "the merge must stop on the conflict"
    );
    let said = String::from_utf8_lossy(&merged.stdout).into_owned()
        + &String::from_utf8_lossy(&merged.stderr);
    assert!(said.contains("CONFLICT"), "{said}");
    assert!(said.contains("footprint F1"), "{said}");

    // The file is a project, not a text with conflict markers: both versions are in it.
    let p = repo.load();
    let f1 = p.sites[0].footprint(FootprintId(1)).unwrap();
    assert_eq!(f1.kind, ChangeKind::Renovated);
    match &f1.conflict {
        Some(FootprintConflict::Theirs(other)) => assert_eq!(other.kind, ChangeKind::Demolished),
        other => panic!("expected both versions, got {other:?}"),
    }
    let check = Command::new(BIN)
        .args(["validate", "--no-files"])
        .arg(repo.project())
        .output()
        .unwrap();
    assert_eq!(check.status.code(), Some(1), "{check:?}");

    // Resolve as the window does: one choice, one edit, saved.
    let mut doc = Document::open(&repo.project()).unwrap();
    assert_eq!(conflict_count(doc.project()), 1);
    let edit = resolution_edit(
        doc.project(),
        SiteId(1),
        FootprintId(1),
        Resolution::KeepTheirs,
    )
    .unwrap();
    doc.apply(edit).unwrap();
    doc.save().unwrap();
    let p = repo.load();
    assert_eq!(p.sites[0].footprints[0].kind, ChangeKind::Demolished);
    assert!(validate(&p).is_empty());
    repo.git(&["add", "yard.ron"]);
    repo.git(&["commit", "-q", "--no-edit"]);
    assert!(repo.git(&["status", "--porcelain"]).is_empty());
    let parents = repo.git(&["log", "-1", "--format=%P"]);
    assert_eq!(parents.split_whitespace().count(), 2, "a merge commit");
}

#[test]
fn an_unreadable_version_leaves_ours_untouched_and_exits_2() {
    let repo = repo();
    let ours = repo.project();
    let before = std::fs::read(&ours).unwrap();
    let broken = repo.path().join("broken.ron");
    std::fs::write(&broken, "(format_version: 2, name: ").unwrap();
    let out = Command::new(BIN)
        .arg("merge")
        .args([&ours, &ours, &broken])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("broken.ron"));
    assert_eq!(std::fs::read(&ours).unwrap(), before);
}

#[test]
fn merging_the_same_versions_twice_writes_the_same_bytes() {
    let repo = repo();
    let base = repo.project();
    let mut ours = repo.load();
    let mut theirs = ours.clone();
    draw(&mut ours, 100.0, "ana", 5);
    draw(&mut theirs, 200.0, "bo", 5);
    footprint(&mut theirs, 1).note = "see roof".into();
    let dir = repo.path();
    save_project(&ours, &dir.join("ours.ron")).unwrap();
    save_project(&theirs, &dir.join("theirs.ron")).unwrap();
    let mut results = Vec::new();
    for out in ["one.ron", "two.ron"] {
        let status = Command::new(BIN)
            .arg("merge")
            .args([&base, &dir.join("ours.ron"), &dir.join("theirs.ron")])
            .args(["--out".as_ref(), dir.join(out).as_os_str()])
            .status()
            .unwrap();
        assert!(status.success());
        results.push(std::fs::read(dir.join(out)).unwrap());
    }
    assert_eq!(results[0], results[1]);
    let ours_after = std::fs::read_to_string(dir.join("ours.ron")).unwrap();
    assert!(!ours_after.contains("see roof"), "--out leaves OURS alone");
}

#[test]
fn a_project_added_on_both_branches_merges_against_an_empty_ancestor() {
    let repo = repo();
    let dir = repo.path();
    let ours = repo.project();
    let mut theirs = repo.load();
    theirs.sites[0].name = "Their yard".into();
    save_project(&theirs, &dir.join("theirs.ron")).unwrap();
    std::fs::write(dir.join("empty"), "").unwrap();
    let out = Command::new(BIN)
        .arg("merge")
        .args([&dir.join("empty"), &ours, &dir.join("theirs.ron")])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let p = repo.load();
    // Both sites were new: theirs is renumbered beside ours, with its own images.
    let sites: Vec<(u32, &str)> = p.sites.iter().map(|s| (s.id.0, s.name.as_str())).collect();
    assert_eq!(sites, [(1, "Yard"), (2, "Their yard")]);
    assert!(validate(&p).is_empty(), "{:?}", validate(&p));
}
