//! A deterministic fuzz run through the real binary: project files and images mutated
//! (truncation, bit flips, huge numbers, NaN, deep nesting, long strings, bombs), each case
//! checked for no panic (exit 0, 1 or 2 and no "panicked"), bounded time and memory, and that
//! whatever `fmt` writes loads again. A fixed seed and budget: the same cases every run.
#![cfg(target_os = "linux")]

mod support;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Cases per kind; the whole run stays under a minute in a debug build on two cores.
const PROJECT_CASES: usize = 240;
const IMAGE_CASES: usize = 60;
/// Per command.
const TIME_LIMIT: Duration = Duration::from_secs(30);
/// Peak resident memory per command.
const MEMORY_LIMIT_KB: i64 = 1024 * 1024;

/// SplitMix64 (Steele, Lea and Flood 2014), as in `examples/common/rng.rs`.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
}

struct Run {
    code: i32,
    stderr: String,
}

/// Runs sitediff with `args`, killing it after [`TIME_LIMIT`]; fails the test on a panic, a
/// signal, an exit code outside {0, 1, 2}, the time limit or the memory limit.
// The child is reaped by `wait4` (which also gives its peak memory), not `Child::wait`.
#[allow(clippy::zombie_processes)]
fn run(args: &[&Path], what: &str) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sitediff"))
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id() as libc::pid_t;
    let started = Instant::now();
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to fill.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let stderr = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || std::io::read_to_string(stderr).unwrap_or_default());
    loop {
        // SAFETY: pid is our child; status and usage are valid for writing.
        let done = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        if done == pid {
            break;
        }
        if started.elapsed() > TIME_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what}: still running after {TIME_LIMIT:?}");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let stderr = reader.join().unwrap();
    assert!(
        libc::WIFEXITED(status),
        "{what}: killed by signal {}; stderr: {stderr}",
        libc::WTERMSIG(status)
    );
    let code = libc::WEXITSTATUS(status);
    assert!(
        matches!(code, 0..=2),
        "{what}: exit {code}; stderr: {stderr}"
    );
    assert!(!stderr.contains("panicked"), "{what}: {stderr}");
    assert!(
        usage.ru_maxrss < MEMORY_LIMIT_KB,
        "{what}: peak memory {} KiB",
        usage.ru_maxrss
    );
    Run { code, stderr }
}

fn mutate_text(rng: &mut Rng, text: &str) -> Vec<u8> {
    let mut bytes = text.as_bytes().to_vec();
    let at = rng.below(bytes.len());
    let numbers = [
        "1e308",
        "-1e308",
        "NaN",
        "inf",
        "-inf",
        "18446744073709551616",
        "-0.0",
    ];
    match rng.below(8) {
        0 => bytes.truncate(at),
        1 => {
            for _ in 0..1 + rng.below(4) {
                let i = rng.below(bytes.len());
                bytes[i] ^= 1 << rng.below(8);
            }
        }
        2 | 3 => {
            // A number replaced by a huge one, NaN or infinity.
            let digits: Vec<usize> = (0..bytes.len())
                .filter(|&i| bytes[i].is_ascii_digit())
                .collect();
            if let Some(&i) = digits.get(rng.below(digits.len())) {
                let end = (i..bytes.len())
                    .find(|&j| !bytes[j].is_ascii_digit() && bytes[j] != b'.')
                    .unwrap_or(i);
                let start = (0..=i)
                    .rev()
                    .find(|&j| !bytes[j].is_ascii_digit() && bytes[j] != b'.')
                    .map_or(0, |j| j + 1);
                let number = numbers[rng.below(numbers.len())];
                bytes.splice(start..end, number.bytes());
            }
        }
        4 => {
            let depth = 10 + rng.below(5000);
            let nest = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
            bytes.splice(at..at, nest.bytes());
        }
        5 => {
            // A long string where a string is.
            let long = "x".repeat(1 + rng.below(200_000));
            let text =
                String::from_utf8_lossy(&bytes).replacen("name: \"", &format!("name: \"{long}"), 1);
            bytes = text.into_bytes();
        }
        6 => {
            let end = (at + rng.below(400)).min(bytes.len());
            let copy = bytes[at..end].to_vec();
            let to = rng.below(bytes.len());
            bytes.splice(to..to, copy);
        }
        _ => bytes.splice(at..at, [0xFF, 0xC3, 0x28]).for_each(drop),
    }
    bytes
}

fn mutate_image(rng: &mut Rng, png: &[u8]) -> Vec<u8> {
    let mut bytes = png.to_vec();
    match rng.below(5) {
        0 => bytes.truncate(rng.below(bytes.len())),
        1 => {
            for _ in 0..1 + rng.below(8) {
                let i = rng.below(bytes.len());
                bytes[i] ^= 1 << rng.below(8);
            }
        }
        2 => {
            // Huge width or height in the header (its CRC left stale half the time).
            let side = [0xFFFF_FFFFu32, 40_000, 65_535, 0][rng.below(4)];
            let at = 16 + 4 * rng.below(2);
            bytes[at..at + 4].copy_from_slice(&side.to_be_bytes());
        }
        // A colour profile inflating to 256 MiB of zeros (about 130 KB on disk).
        3 => bytes = files::iccp_bomb(256 << 20),
        _ => bytes = (0..rng.below(4096)).map(|_| rng.next_u64() as u8).collect(),
    }
    bytes
}

#[path = "hostile/files.rs"]
#[allow(dead_code)]
mod files;

fn new_project(dir: &Path) -> PathBuf {
    let (a, b) = (dir.join("a_2024-01-15.png"), dir.join("b_2024-07-15.png"));
    support::test_image(64, 48, 0).save(&a).unwrap();
    support::test_image(64, 48, 20).save(&b).unwrap();
    let project = dir.join("new.ron");
    let args: Vec<&Path> = vec![
        Path::new("new"),
        &project,
        Path::new("--site"),
        Path::new("s"),
        &a,
        &b,
    ];
    assert_eq!(run(&args, "new").code, 0);
    project
}

#[test]
fn mutated_projects_and_images_never_panic_stay_bounded_and_fmt_output_loads_again() {
    let started = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let golden = fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/golden_v2.ron"),
    )
    .unwrap();
    let made = fs::read_to_string(new_project(dir.path())).unwrap();
    let mut rng = Rng(0x5173_D1FF);
    let case = dir.path().join("case.ron");
    let validate = Path::new("validate");
    for n in 0..PROJECT_CASES {
        let base = if n % 2 == 0 { &golden } else { &made };
        fs::write(&case, mutate_text(&mut rng, base)).unwrap();
        let what = format!("project case {n}");
        run(&[validate, &case], &what);
        if run(&[Path::new("fmt"), &case], &what).code == 0 {
            let again = run(&[validate, Path::new("--no-files"), &case], &what);
            assert_ne!(
                again.code, 2,
                "{what}: fmt wrote a file that does not load: {}",
                again.stderr
            );
        }
    }
    let png = fs::read(dir.path().join("b_2024-07-15.png")).unwrap();
    let project = dir.path().join("new.ron");
    for n in 0..IMAGE_CASES {
        fs::write(
            dir.path().join("b_2024-07-15.png"),
            mutate_image(&mut rng, &png),
        )
        .unwrap();
        run(&[validate, &project], &format!("image case {n}"));
    }
    eprintln!(
        "fuzz: {} cases in {:?}",
        PROJECT_CASES + IMAGE_CASES,
        started.elapsed()
    );
}
