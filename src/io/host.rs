//! Who and where we are: the user's name, the machine's name, whether a process still runs.
//! Locks name their owner with these, and a lock whose process is gone is stale.

/// The operating system's name for the user running sitediff: `$USER` (or `$USERNAME`,
/// `$LOGNAME`), else the account name of the process's user id.
pub fn system_user_name() -> Option<String> {
    for var in ["USER", "USERNAME", "LOGNAME"] {
        if let Ok(v) = std::env::var(var)
            && !v.trim().is_empty()
        {
            return Some(v.trim().to_string());
        }
    }
    account_name()
}

/// The machine's name (`unknown host` when the system will not say).
pub fn host_name() -> String {
    host_name_from_os()
        .or_else(|| {
            std::env::var("HOSTNAME")
                .ok()
                .filter(|h| !h.trim().is_empty())
        })
        .unwrap_or_else(|| "unknown host".into())
}

/// Whether a process with this id runs on this machine. `None` where the system cannot say.
pub fn process_alive(pid: u32) -> Option<bool> {
    process_alive_os(pid)
}

#[cfg(target_os = "linux")]
fn process_alive_os(pid: u32) -> Option<bool> {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return Some(false);
    };
    if pid <= 0 {
        return Some(false);
    }
    // SAFETY: signal 0 sends nothing; it only asks whether the process exists.
    let rc = unsafe { libc::kill(pid, 0) };
    if rc == 0 {
        return Some(true);
    }
    match std::io::Error::last_os_error().raw_os_error() {
        Some(libc::ESRCH) => Some(false),
        // It exists, but belongs to someone else.
        Some(libc::EPERM) => Some(true),
        _ => None,
    }
}

#[cfg(not(target_os = "linux"))]
fn process_alive_os(_pid: u32) -> Option<bool> {
    None
}

#[cfg(target_os = "linux")]
fn host_name_from_os() -> Option<String> {
    let mut buf = [0u8; 256];
    // SAFETY: gethostname writes at most `len` bytes into the buffer we own.
    let rc = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) };
    if rc != 0 {
        return None;
    }
    let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    let name = String::from_utf8_lossy(&buf[..end]).trim().to_string();
    (!name.is_empty()).then_some(name)
}

#[cfg(not(target_os = "linux"))]
fn host_name_from_os() -> Option<String> {
    None
}

#[cfg(target_os = "linux")]
fn account_name() -> Option<String> {
    // SAFETY: getpwuid_r writes into the buffers we own and returns a pointer into them; we
    // read the name only when it reports success.
    unsafe {
        let uid = libc::getuid();
        let mut pwd: libc::passwd = std::mem::zeroed();
        let mut buf = vec![0 as libc::c_char; 4096];
        let mut result: *mut libc::passwd = std::ptr::null_mut();
        let rc = libc::getpwuid_r(uid, &mut pwd, buf.as_mut_ptr(), buf.len(), &mut result);
        if rc != 0 || result.is_null() || pwd.pw_name.is_null() {
            return None;
        }
        let name = std::ffi::CStr::from_ptr(pwd.pw_name)
            .to_string_lossy()
            .into_owned();
        (!name.is_empty()).then_some(name)
    }
}

#[cfg(not(target_os = "linux"))]
fn account_name() -> Option<String> {
    None
}

/// The id of a process that has ended (for tests of stale locks and temporary files).
#[cfg(test)]
pub fn dead_pid() -> u32 {
    let mut child = std::process::Command::new("true")
        .spawn()
        .expect("run `true`");
    let pid = child.id();
    let _ = child.wait();
    pid
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_user_name_is_found_even_without_the_usual_variables() {
        // Whatever the environment, the process runs as some account.
        assert!(account_name().is_some() || !cfg!(target_os = "linux"));
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn this_process_is_alive_and_a_finished_child_is_not() {
        assert_eq!(process_alive(std::process::id()), Some(true));
        assert_eq!(process_alive(dead_pid()), Some(false));
        assert!(!host_name().is_empty());
    }
}
