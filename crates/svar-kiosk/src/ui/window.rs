//! Opening a window: the options both the kiosk and the preview open theirs with, and the
//! display system they draw on. winit takes Wayland whenever a Wayland display is set, and the
//! GL surface there needs `libwayland-egl.so.1`, loaded only as the window opens: without it
//! the process would panic. It is looked for first, so that a machine missing it draws on X11
//! (cage's Xwayland) where there is one, and otherwise is told what to install.

/// Why a window did not open, for the person setting the machine up.
#[derive(Debug, thiserror::Error)]
pub enum WindowError {
    /// A Wayland display without its GL library, and no X11 display to use instead.
    #[error(
        "the Wayland display needs the library libwayland-egl.so.1, which is not installed, and \
         there is no X11 display to draw on instead: install the package libwayland-egl1 (the \
         svar-kiosk package depends on it)"
    )]
    NoWaylandEgl,
    /// The window system refused the window.
    #[error("{0}")]
    Eframe(#[from] eframe::Error),
}

/// The display system a window opens on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Display {
    /// The one winit picks: Wayland when a Wayland display is set, else X11.
    Chosen,
    /// X11, although a Wayland display is set.
    X11,
}

/// What the environment offers, so that the choice is tested without changing it.
struct Offered {
    /// A Wayland display is set.
    wayland: bool,
    /// `libwayland-egl.so.1` loads.
    wayland_egl: bool,
    /// An X11 display is set.
    x11: bool,
}

impl Offered {
    fn here() -> Offered {
        let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
        let wayland = set("WAYLAND_DISPLAY") || set("WAYLAND_SOCKET");
        Offered {
            wayland,
            // Only asked when it matters: loading it is what it costs.
            wayland_egl: !wayland || wayland_egl_loads(),
            x11: set("DISPLAY"),
        }
    }

    fn display(&self) -> Result<Display, WindowError> {
        match self {
            Offered { wayland: false, .. }
            | Offered {
                wayland_egl: true, ..
            } => Ok(Display::Chosen),
            Offered { x11: true, .. } => Ok(Display::X11),
            Offered { x11: false, .. } => Err(WindowError::NoWaylandEgl),
        }
    }
}

/// Whether `libwayland-egl` loads, by the very loader the GL surface uses.
#[cfg(target_os = "linux")]
fn wayland_egl_loads() -> bool {
    wayland_sys::egl::is_lib_available()
}

/// Elsewhere winit does not use Wayland.
#[cfg(not(target_os = "linux"))]
fn wayland_egl_loads() -> bool {
    true
}

/// The options a window opens with: `viewport`, drawn with OpenGL, on the display system this
/// machine can draw on (saying so on standard error when that is X11 for want of the library).
pub(super) fn options(
    viewport: egui::ViewportBuilder,
) -> Result<eframe::NativeOptions, WindowError> {
    let mut options = eframe::NativeOptions {
        viewport,
        renderer: eframe::Renderer::Glow,
        ..Default::default()
    };
    if Offered::here().display()? == Display::X11 {
        eprintln!(
            "svar: libwayland-egl.so.1 is not installed, so the window opens on X11 instead of \
             Wayland (install the package libwayland-egl1)"
        );
        options.event_loop_builder = Some(Box::new(|builder| {
            #[cfg(target_os = "linux")]
            {
                use winit::platform::x11::EventLoopBuilderExtX11;
                builder.with_x11();
            }
            #[cfg(not(target_os = "linux"))]
            let _ = builder;
        }));
    }
    Ok(options)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offered(wayland: bool, wayland_egl: bool, x11: bool) -> Offered {
        Offered {
            wayland,
            wayland_egl,
            x11,
        }
    }

    #[test]
    fn wayland_with_its_library_is_left_to_winit() {
        assert_eq!(
            offered(true, true, true).display().ok(),
            Some(Display::Chosen)
        );
        assert_eq!(
            offered(true, true, false).display().ok(),
            Some(Display::Chosen)
        );
    }

    #[test]
    fn x11_alone_is_left_to_winit() {
        assert_eq!(
            offered(false, false, true).display().ok(),
            Some(Display::Chosen)
        );
    }

    #[test]
    fn wayland_without_its_library_draws_on_x11_where_there_is_one() {
        assert_eq!(
            offered(true, false, true).display().ok(),
            Some(Display::X11)
        );
    }

    #[test]
    fn wayland_without_its_library_and_no_x11_says_what_to_install() {
        let e = offered(true, false, false)
            .display()
            .expect_err("no display");
        assert!(matches!(e, WindowError::NoWaylandEgl));
        assert!(
            e.to_string()
                .contains("install the package libwayland-egl1"),
            "{e}"
        );
    }
}
