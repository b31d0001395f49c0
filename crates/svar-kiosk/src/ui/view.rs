//! What every view reads besides its own screen's state: the interface text in the language
//! of the person at the screen, and the images of the assets folder.

use crate::i18n::{Arg, Strings};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use svar_forms::text::Lang;

/// Interface text in one language, as views ask for it.
#[derive(Clone, Copy)]
pub struct Texts<'a> {
    strings: &'a Strings,
    /// The language shown.
    pub lang: Lang,
}

impl<'a> Texts<'a> {
    /// The text of `strings` in `lang`.
    pub fn new(strings: &'a Strings, lang: Lang) -> Texts<'a> {
        Texts { strings, lang }
    }

    /// A message without arguments.
    pub fn tr(&self, id: &str) -> String {
        self.strings.get(self.lang, id)
    }

    /// A message with arguments.
    pub fn args(&self, id: &str, args: &[(&str, Arg)]) -> String {
        self.strings.args(self.lang, id, args)
    }

    /// All languages' text (for dates and numbers written in the language).
    pub fn strings(&self) -> &'a Strings {
        self.strings
    }
}

/// An image in GPU memory with its size in pixels.
pub type LoadedImage = (egui::TextureHandle, (u32, u32));

/// The images of the assets folder (body maps, logo), each loaded once, when first drawn.
pub struct Images {
    assets: PathBuf,
    loaded: HashMap<PathBuf, Option<LoadedImage>>,
}

impl Images {
    /// Images from the folder `assets`.
    pub fn new(assets: PathBuf) -> Images {
        Images {
            assets,
            loaded: HashMap::new(),
        }
    }

    /// The texture and pixel size of the image at `path` in the assets folder; `None` when it
    /// does not load (the form checks named it, so the screen goes on without it).
    pub fn get(&mut self, ctx: &egui::Context, path: &Path) -> Option<LoadedImage> {
        let assets = &self.assets;
        self.loaded
            .entry(path.to_owned())
            .or_insert_with(|| {
                let img = image::open(assets.join(path)).ok()?.to_rgba8();
                let size = (img.width(), img.height());
                let color = egui::ColorImage::from_rgba_unmultiplied(
                    [size.0 as usize, size.1 as usize],
                    img.as_raw(),
                );
                Some((
                    ctx.load_texture(path.to_string_lossy(), color, egui::TextureOptions::LINEAR),
                    size,
                ))
            })
            .clone()
    }
}
