//! The kiosk in a real window: under cage (Wayland, on wlroots' headless backend), as the
//! kiosk unit runs it, and under Xvfb (X11), as the documented X11 set-up runs it. Each waits
//! for the kiosk's own start-up line, which it prints once the first frame is drawn, naming
//! the display system. Skipped, saying so, where cage or Xvfb is not installed (CI installs
//! both). The time from starting cage to the first frame is printed, never asserted.

#![cfg(unix)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Longest wait for the first frame: software rendering on a loaded 2-core machine.
const FIRST_FRAME: Duration = Duration::from_secs(90);

/// The program's path, if it is installed; CI (which installs it) fails without it.
fn installed(program: &str) -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path)
            .map(|dir| dir.join(program))
            .find(|p| p.is_file())
    });
    assert!(
        found.is_some() || std::env::var_os("CI").is_none(),
        "CI needs {program}"
    );
    found
}

/// A process group that is stopped when dropped (cage and the kiosk, or Xvfb).
struct Group(Child);

impl Drop for Group {
    fn drop(&mut self) {
        let pid = self.0.id() as i32;
        // SAFETY: kill(2) on the group this test started; no memory is involved.
        unsafe {
            libc::kill(-pid, libc::SIGTERM);
        }
        std::thread::sleep(Duration::from_millis(300));
        unsafe {
            libc::kill(-pid, libc::SIGKILL);
        }
        let _ = self.0.wait();
    }
}

/// Starts `command` in its own process group and waits for the kiosk's first-frame line on
/// its standard error; returns the line and how long it took, or everything it printed.
fn first_frame(mut command: Command) -> Result<(String, Duration), String> {
    use std::os::unix::process::CommandExt;
    command
        .process_group(0)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let start = Instant::now();
    let mut child = command.spawn().map_err(|e| format!("cannot start: {e}"))?;
    let stderr = child.stderr.take().expect("piped");
    let group = Group(child);
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut printed = Vec::new();
    while let Some(left) = FIRST_FRAME.checked_sub(start.elapsed()) {
        match rx.recv_timeout(left) {
            Ok(line) if line.starts_with("svar: first frame") => {
                drop(group);
                return Ok((line, start.elapsed()));
            }
            Ok(line) => printed.push(line),
            Err(_) => break,
        }
    }
    drop(group);
    Err(printed.join("\n"))
}

#[test]
fn the_kiosk_draws_its_first_frame_under_cage_on_wayland() {
    let Some(cage) = installed("cage") else {
        eprintln!("skipped: cage is not installed (apt-get install cage xwayland)");
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let runtime = dir.path();
    // cage refuses to run as root, so a test run as root runs it as `nobody`, as the unit
    // runs it as the kiosk user.
    // SAFETY: geteuid(2) has no preconditions.
    let root = unsafe { libc::geteuid() } == 0;
    let mut command = if root {
        std::os::unix::fs::chown(runtime, Some(65534), Some(65534)).expect("chown");
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(&cage);
        c
    } else {
        Command::new(&cage)
    };
    std::fs::set_permissions(runtime, std::os::unix::fs::PermissionsExt::from_mode(0o700))
        .expect("chmod");
    // No DISPLAY for the kiosk: it must open on Wayland, not on cage's Xwayland.
    command
        .args(["-d", "--", "env", "-u", "DISPLAY"])
        .arg(env!("CARGO_BIN_EXE_svar"))
        .args(["run", "--demo"])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", runtime)
        .env("TMPDIR", runtime)
        .env("XDG_RUNTIME_DIR", runtime)
        .env("WLR_BACKENDS", "headless")
        .env("WLR_RENDERER", "pixman")
        .env("WLR_LIBINPUT_NO_DEVICES", "1")
        .env("LIBGL_ALWAYS_SOFTWARE", "1");
    match first_frame(command) {
        Ok((line, took)) => {
            assert!(line.ends_with("(Wayland)"), "{line}");
            eprintln!(
                "cage start to first frame: {} ms ({line})",
                took.as_millis()
            );
        }
        Err(printed) => panic!("no first frame under cage; it printed:\n{printed}"),
    }
}

#[test]
fn the_kiosk_draws_its_first_frame_fullscreen_under_xvfb_on_x11() {
    let Some(xvfb) = installed("Xvfb") else {
        eprintln!("skipped: Xvfb is not installed (apt-get install xvfb)");
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    // A display number of our own, free of any other test's or session's.
    let number = (200..400)
        .find(|n| !Path::new(&format!("/tmp/.X11-unix/X{n}")).exists())
        .expect("a free display number");
    let display = format!(":{number}");
    let mut server = Command::new(xvfb);
    server
        .args([
            display.as_str(),
            "-screen",
            "0",
            "1280x800x24",
            "-nolisten",
            "tcp",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    {
        use std::os::unix::process::CommandExt;
        server.process_group(0);
    }
    let _server = Group(server.spawn().expect("Xvfb starts"));
    let socket = PathBuf::from(format!("/tmp/.X11-unix/X{number}"));
    let waited = Instant::now();
    while !socket.exists() && waited.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(socket.exists(), "Xvfb did not open {display}");
    let mut kiosk = Command::new(env!("CARGO_BIN_EXE_svar"));
    kiosk
        .args(["run", "--demo"])
        .env_remove("WAYLAND_DISPLAY")
        .env("DISPLAY", &display)
        .env("TMPDIR", dir.path())
        .env("LIBGL_ALWAYS_SOFTWARE", "1");
    match first_frame(kiosk) {
        Ok((line, took)) => {
            assert!(line.ends_with("(X11)"), "{line}");
            eprintln!("X11 start to first frame: {} ms ({line})", took.as_millis());
        }
        Err(printed) => panic!("no first frame under Xvfb; it printed:\n{printed}"),
    }
}
