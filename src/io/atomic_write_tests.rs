use super::*;

fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[cfg(unix)]
#[test]
fn saving_through_a_symbolic_link_updates_the_file_it_points_to_and_keeps_the_link() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("real")).unwrap();
    let real = dir.path().join("real/p.ron");
    let link = dir.path().join("p.ron");
    fs::write(&real, "first").unwrap();
    std::os::unix::fs::symlink("real/p.ron", &link).unwrap();
    write_atomically(&link, b"second", true).unwrap();
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(fs::read_to_string(&real).unwrap(), "second");
    assert_eq!(fs::read_to_string(&link).unwrap(), "second");
    // The backup is a real file beside the real one.
    let bak = dir.path().join("real/p.ron.bak");
    assert!(!fs::symlink_metadata(&bak).unwrap().file_type().is_symlink());
    assert_eq!(fs::read_to_string(&bak).unwrap(), "first");
    assert_eq!(names_in(dir.path()), ["p.ron", "real"]);
}

#[cfg(unix)]
#[test]
fn a_chain_of_links_is_followed_to_its_end() {
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("real.ron");
    fs::write(&real, "x").unwrap();
    std::os::unix::fs::symlink(&real, dir.path().join("a.ron")).unwrap();
    std::os::unix::fs::symlink("a.ron", dir.path().join("b.ron")).unwrap();
    assert_eq!(follow_links(&dir.path().join("b.ron")).unwrap(), real);
    // A loop ends somewhere instead of spinning.
    std::os::unix::fs::symlink("l2", dir.path().join("l1")).unwrap();
    std::os::unix::fs::symlink("l1", dir.path().join("l2")).unwrap();
    assert!(follow_links(&dir.path().join("l1")).is_err());
    let err = write_atomically(&dir.path().join("l1"), b"y", true).unwrap_err();
    assert!(err.to_string().contains("symbolic links"), "{err}");
    assert!(
        fs::symlink_metadata(dir.path().join("l1"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
}

#[cfg(unix)]
#[test]
fn saving_keeps_the_files_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.ron");
    fs::write(&path, "first").unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
    write_atomically(&path, b"second", true).unwrap();
    let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);
    let bak_mode = fs::metadata(dir.path().join("p.ron.bak"))
        .unwrap()
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(bak_mode, 0o640);
}

#[test]
fn temporary_files_left_by_a_killed_save_are_removed_by_the_next_save() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.ron");
    fs::write(&path, "first").unwrap();
    // What a save killed between writing and renaming leaves: its process is gone.
    let dead = crate::io::host::dead_pid();
    fs::write(dir.path().join(format!(".p.ron.tmp-{dead}-0")), "half").unwrap();
    fs::write(dir.path().join(format!(".p.ron.bak.tmp-{dead}-3")), "half").unwrap();
    // An older build named them without a counter.
    fs::write(dir.path().join(format!(".p.ron.tmp-{dead}")), "half").unwrap();
    // Another project's files, and a file a user named alike, are not ours to remove.
    fs::write(dir.path().join(format!(".q.ron.tmp-{dead}-0")), "other").unwrap();
    fs::write(dir.path().join("p.ron.tmp-notes"), "mine").unwrap();
    write_atomically(&path, b"second", true).unwrap();
    assert_eq!(
        names_in(dir.path()),
        [
            format!(".q.ron.tmp-{dead}-0"),
            "p.ron".into(),
            "p.ron.bak".into(),
            "p.ron.tmp-notes".into()
        ]
    );
}

#[test]
fn saves_at_once_never_leave_the_backup_holding_the_newest_version() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.ron");
    fs::write(&path, "version start").unwrap();
    for round in 0..20 {
        std::thread::scope(|scope| {
            for writer in 0..4 {
                let path = &path;
                scope.spawn(move || {
                    let text = format!("version {round}.{writer}");
                    write_atomically(path, text.as_bytes(), true).unwrap();
                });
            }
        });
        let now = fs::read_to_string(&path).unwrap();
        let bak = fs::read_to_string(dir.path().join("p.ron.bak")).unwrap();
        assert_ne!(now, bak, "round {round}: the backup is the file itself");
        assert!(bak.starts_with("version "), "{bak}");
    }
    assert_eq!(names_in(dir.path()), ["p.ron", "p.ron.bak"]);
}
