//! Loading form and battery files from disk, singly or by folder, with placed diagnostics.

use crate::battery::{self, Battery, RawBattery};
use crate::diag::{Diagnostic, Findings, Position, Severity};
use crate::form::Form;
use crate::form::check::{self, AssetPlace, Context};
use crate::form::raw::RawForm;
use crate::source::SourceFile;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What loading produced: the files that loaded, and every diagnostic (errors and warnings).
#[derive(Debug, Default)]
pub struct Loaded {
    /// Forms that loaded, by id.
    pub forms: BTreeMap<String, Arc<Form>>,
    /// The text each loaded form was read from, by form id: what bundles hash, so that a
    /// bundle's hash is of the very bytes its form was checked from.
    pub sources: BTreeMap<String, String>,
    /// Batteries that loaded, by id.
    pub batteries: BTreeMap<String, Battery>,
    /// Problems, in file order.
    pub diagnostics: Vec<Diagnostic>,
    /// How many files were read, those that did not load included.
    pub files_read: usize,
}

impl Loaded {
    /// True when any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }

    /// Every battery that loaded, shared (as sessions and sealing hold them).
    pub fn shared_batteries(&self) -> Vec<Arc<Battery>> {
        self.batteries.values().cloned().map(Arc::new).collect()
    }
}

/// True for files read as batteries: those in a folder named `batteries`.
pub fn is_battery_path(path: &Path) -> bool {
    path.parent()
        .and_then(Path::file_name)
        .is_some_and(|name| name == "batteries")
}

/// The assets folder for a file: an `assets` folder beside one of its ancestor folders.
pub fn find_assets(path: &Path) -> Option<PathBuf> {
    let absolute = std::path::absolute(path).ok()?;
    absolute
        .ancestors()
        .skip(1)
        .map(|dir| dir.join("assets"))
        .find(|candidate| candidate.is_dir())
}

/// Where images of the form at `path` are looked up, in order: the folder named (`--assets`
/// or the configuration), an `assets` folder beside the forms folder, then the shipped images
/// (where the packages install them, and the source tree Svar was built from).
pub fn asset_places(path: &Path, named: Option<&Path>) -> Vec<AssetPlace> {
    let mut places = Vec::new();
    if let Some(dir) = named {
        places.push(AssetPlace {
            dir: dir.to_owned(),
            why: "named with --assets or in svar.toml",
        });
    }
    if let Some(dir) = find_assets(path) {
        places.push(AssetPlace {
            dir,
            why: "beside the forms folder",
        });
    }
    for dir in [
        PathBuf::from("/usr/share/svar/assets"),
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets"),
    ] {
        let dir = std::path::absolute(&dir).unwrap_or(dir);
        let dir = dir.canonicalize().unwrap_or(dir);
        if !places
            .iter()
            .any(|p| p.dir.canonicalize().is_ok_and(|d| d == dir))
        {
            places.push(AssetPlace {
                dir,
                why: "shipped with Svar",
            });
        }
    }
    places
}

/// Loads one form file. `assets` names the assets folder to look in first.
pub fn load_form(
    path: &Path,
    assets: Option<&Path>,
) -> Result<(Form, Vec<Diagnostic>), Vec<Diagnostic>> {
    load_form_source(path, assets).map(|(form, warnings, _)| (form, warnings))
}

/// [`load_form`], with the text the form was read from.
fn load_form_source(
    path: &Path,
    assets: Option<&Path>,
) -> Result<(Form, Vec<Diagnostic>, String), Vec<Diagnostic>> {
    let places = asset_places(path, assets);
    let stem = path.file_stem().and_then(|s| s.to_str());
    parse_and_check::<RawForm, Form>(path, |raw, findings| {
        let ctx = Context {
            assets: &places,
            file_stem: stem,
        };
        check::check(raw, &ctx, findings)
    })
}

/// Loads one battery file against the forms it may use.
pub fn load_battery(
    path: &Path,
    forms: &HashMap<String, Arc<Form>>,
) -> Result<(Battery, Vec<Diagnostic>), Vec<Diagnostic>> {
    let stem = path.file_stem().and_then(|s| s.to_str());
    parse_and_check::<RawBattery, Battery>(path, |raw, findings| {
        battery::check(raw, forms, stem, findings)
    })
    .map(|(battery, warnings, _)| (battery, warnings))
}

fn parse_and_check<R: serde::de::DeserializeOwned, T>(
    path: &Path,
    check: impl FnOnce(&R, &mut Findings) -> Option<T>,
) -> Result<(T, Vec<Diagnostic>, String), Vec<Diagnostic>> {
    let source = SourceFile::read(path).map_err(|d| vec![d])?;
    if !source.text().trim_start().starts_with('{') {
        let at = source.text().len() - source.text().trim_start().len();
        return Err(vec![Diagnostic {
            path: path.to_owned(),
            position: source.position(at),
            severity: Severity::Error,
            code: "wrong-type",
            message: "the file must hold one JSON object `{ … }`".into(),
        }]);
    }
    let mut diagnostics = source.notes();
    diagnostics.extend(source.duplicate_keys());
    let raw: R = match source.parse() {
        Ok(raw) => raw,
        // serde reports a duplicate struct field too; the key check already has it.
        Err(d) if d.code == "duplicate-key" && diagnostics.iter().any(|k| k.code == d.code) => {
            return Err(diagnostics);
        }
        Err(d) => {
            diagnostics.push(d);
            return Err(diagnostics);
        }
    };
    let mut findings = Findings::default();
    let checked = check(&raw, &mut findings);
    diagnostics.extend(findings.into_vec().into_iter().map(|f| source.place(f)));
    diagnostics.sort_by_key(|d| d.position);
    match checked {
        Some(value) if !diagnostics.iter().any(|d| d.severity == Severity::Error) => {
            Ok((value, diagnostics, source.into_text()))
        }
        _ => Err(diagnostics),
    }
}

/// Expands files and folders into the JSON files to read, sorted; schema files are skipped.
/// Linked folders inside a folder are not followed, so a link loop cannot make this endless.
fn collect(paths: &[PathBuf], out: &mut Vec<PathBuf>, diagnostics: &mut Vec<Diagnostic>) {
    for path in paths {
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => match std::fs::read_dir(path) {
                Ok(entries) => {
                    let mut children: Vec<(PathBuf, bool)> = entries
                        .filter_map(Result::ok)
                        .map(|e| (e.path(), e.file_type().is_ok_and(|t| t.is_dir())))
                        .collect();
                    children.sort();
                    let (dirs, files): (Vec<_>, Vec<_>) = children.into_iter().partition(|c| c.1);
                    out.extend(files.into_iter().map(|c| c.0).filter(|p| is_form_file(p)));
                    let dirs: Vec<PathBuf> = dirs.into_iter().map(|c| c.0).collect();
                    collect(&dirs, out, diagnostics);
                }
                Err(e) => {
                    diagnostics.push(unreadable(path, format!("cannot list the folder: {e}")))
                }
            },
            // A pipe or device could block the reader forever.
            Ok(meta) if !meta.is_file() => {
                diagnostics.push(unreadable(path, "not a regular file".into()))
            }
            Ok(_) => out.push(path.clone()),
            Err(e) => diagnostics.push(unreadable(path, format!("cannot open: {e}"))),
        }
    }
}

/// A regular `.json` file that is not a schema: what a folder contributes to a load.
fn is_form_file(path: &Path) -> bool {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    name.ends_with(".json")
        && name != "schema.json"
        && !name.ends_with(".schema.json")
        && std::fs::metadata(path).is_ok_and(|m| m.is_file())
}

fn unreadable(path: &Path, message: String) -> Diagnostic {
    Diagnostic {
        path: path.to_owned(),
        position: Position::START,
        severity: Severity::Error,
        code: "unreadable",
        message,
    }
}

/// Loads every form and battery under `paths` (files or folders), as `svar validate` does.
/// Batteries may use forms of the folder above their `batteries` folder even when those were
/// not named. `assets` names the assets folder to look in first.
pub fn load_paths(paths: &[PathBuf], assets: Option<&Path>) -> Loaded {
    let mut loaded = Loaded::default();
    let mut files = Vec::new();
    collect(paths, &mut files, &mut loaded.diagnostics);
    loaded.files_read = files.len();
    let (battery_files, form_files): (Vec<_>, Vec<_>) =
        files.into_iter().partition(|p| is_battery_path(p));
    for path in &form_files {
        match load_form_source(path, assets) {
            Ok((form, warnings, text)) => {
                loaded.diagnostics.extend(warnings);
                let id = form.id.to_string();
                loaded.sources.entry(id.clone()).or_insert(text);
                match loaded.forms.entry(id) {
                    std::collections::btree_map::Entry::Occupied(taken) => {
                        loaded.diagnostics.push(Diagnostic {
                            path: path.clone(),
                            position: Position::START,
                            severity: Severity::Error,
                            code: "duplicate-form-id",
                            message: format!(
                                "another file in this run also has the form id `{}`",
                                taken.key()
                            ),
                        });
                    }
                    std::collections::btree_map::Entry::Vacant(slot) => {
                        slot.insert(Arc::new(form));
                    }
                }
            }
            Err(diagnostics) => loaded.diagnostics.extend(diagnostics),
        }
    }
    for path in &battery_files {
        let mut forms: HashMap<String, Arc<Form>> = loaded
            .forms
            .iter()
            .map(|(k, v)| (k.clone(), Arc::clone(v)))
            .collect();
        if let Some(forms_dir) = path.parent().and_then(Path::parent) {
            add_sibling_forms(forms_dir, &form_files, assets, &mut forms);
        }
        match load_battery(path, &forms) {
            Ok((battery, warnings)) => {
                loaded.diagnostics.extend(warnings);
                loaded.batteries.insert(battery.id.to_string(), battery);
            }
            Err(diagnostics) => loaded.diagnostics.extend(diagnostics),
        }
    }
    loaded
}

/// Adds the valid forms of `dir` that were not loaded already (their own problems are reported
/// when that folder is validated, not here).
fn add_sibling_forms(
    dir: &Path,
    already: &[PathBuf],
    assets: Option<&Path>,
    forms: &mut HashMap<String, Arc<Form>>,
) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for path in entries.filter_map(|e| e.ok().map(|e| e.path())) {
        if is_form_file(&path)
            && !already.contains(&path)
            && let Ok((form, _)) = load_form(&path, assets)
        {
            forms
                .entry(form.id.to_string())
                .or_insert_with(|| Arc::new(form));
        }
    }
}
