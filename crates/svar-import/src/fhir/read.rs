//! FHIR R4 Questionnaires to Svar forms: groups become pages, `choice` items with
//! `answerOption` codings single or multiple choices (scored by `ordinalValue` or `itemWeight`,
//! else by numeric codes), `boolean` yes/no, `integer`/`decimal` numbers (`minValue`/`maxValue`),
//! `string`/`text` texts, `date` dates, `display` information, `enableWhen` conditions, and
//! read-only items with a `weight()` sum as their SDC `calculatedExpression` scores. A Bundle of
//! Questionnaires with the same linkIds, one per language, becomes one form in all of them.
//! What Svar cannot mean exactly is refused, named by its FHIR path.
//!
//! The JSON is read with serde_json. The Rust FHIR model crates turn on serde_json's
//! `arbitrary_precision` for the whole program, which changes how every number in forms and
//! bundles is read, so none is used; the tests check what Svar writes with Python's
//! `fhir.resources` instead.

use super::{ITEM_WEIGHT, ORDINAL, SVAR_EXT, TRANSLATION, lang_of};
use crate::build::{Origins, checked, clean_id, plain_text};
use crate::{ImportError, Imported, Note, Place};
use serde_json::{Map, Value, json};
use std::collections::HashMap;
use svar_forms::text::Lang;

const CALCULATED: &str = "calculatedExpression";
const MIN_VALUE: &str = "http://hl7.org/fhir/StructureDefinition/minValue";
const MAX_VALUE: &str = "http://hl7.org/fhir/StructureDefinition/maxValue";

/// Whether `text` looks like FHIR JSON (a Questionnaire or a Bundle).
pub fn looks_like(text: &str) -> bool {
    let head: String = text.chars().take(4000).collect();
    head.trim_start().starts_with('{') && head.contains("\"resourceType\"")
}

/// Reads a Questionnaire, or a Bundle of them, into Svar forms.
pub fn forms(
    text: &str,
    file: &str,
    lang: Lang,
) -> Result<Vec<Result<Imported, ImportError>>, ImportError> {
    let value: Value = serde_json::from_str(text.trim_start_matches('\u{feff}')).map_err(|e| {
        ImportError::Refused(vec![Note {
            place: Place::element(file, &format!("line {}, column {}", e.line(), e.column())),
            message: format!("this is not valid JSON: {e}"),
        }])
    })?;
    let refuse = |path: &str, message: String| {
        ImportError::Refused(vec![Note {
            place: Place::element(file, path),
            message,
        }])
    };
    match value["resourceType"].as_str() {
        Some("Questionnaire") => {
            shape(&value, file, "Questionnaire")?;
            Ok(vec![Reader::new(file, vec![&value], lang).read()])
        }
        Some("Bundle") => {
            let questionnaires: Vec<&Value> = value["entry"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|e| &e["resource"])
                .filter(|r| r["resourceType"] == "Questionnaire")
                .collect();
            for (k, q) in questionnaires.iter().enumerate() {
                shape(q, file, &format!("Bundle.entry[{k}].resource"))?;
            }
            if questionnaires.is_empty() {
                return Err(refuse(
                    "Bundle.entry",
                    "the Bundle holds no Questionnaire".into(),
                ));
            }
            // Questionnaires with the same linkIds are one form in several languages.
            let mut groups: Vec<Vec<&Value>> = Vec::new();
            for q in questionnaires {
                let ids = link_ids(q);
                match groups.iter_mut().find(|g| link_ids(g[0]) == ids) {
                    Some(group) => group.push(q),
                    None => groups.push(vec![q]),
                }
            }
            Ok(groups
                .into_iter()
                .map(|g| Reader::new(file, g, lang).read())
                .collect())
        }
        Some(other) => Err(refuse(
            other,
            format!("a `{other}` is not a questionnaire; give a Questionnaire or a Bundle of them"),
        )),
        None => Err(refuse(
            "resourceType",
            "this JSON has no `resourceType`: it is not a FHIR resource".into(),
        )),
    }
}

/// Refuses a Questionnaire whose items are not the lists and objects R4 says they are, naming
/// the first element that is not, before anything reads them.
fn shape(q: &Value, file: &str, path: &str) -> Result<(), ImportError> {
    let wrong = |at: String, what: &str| {
        Err(ImportError::Refused(vec![Note {
            place: Place::element(file, &at),
            message: format!("this is not a valid FHIR R4 Questionnaire: {what}"),
        }]))
    };
    fn walk(items: &Value, path: &str) -> Option<(String, &'static str)> {
        if items.is_null() {
            return None;
        }
        let Some(list) = items.as_array() else {
            return Some((path.to_owned(), "`item` must be a list"));
        };
        for (k, i) in list.iter().enumerate() {
            let at = format!("{path}[{k}]");
            if !i.is_object() {
                return Some((at, "an item must be an object"));
            }
            if !i["linkId"].is_string() {
                return Some((at, "an item needs a `linkId` text"));
            }
            if !i["type"].is_string() {
                return Some((at, "an item needs a `type`"));
            }
            for flag in ["required", "repeats", "readOnly"] {
                if !(i[flag].is_null() || i[flag].is_boolean()) {
                    return Some((format!("{at}.{flag}"), "must be true or false"));
                }
            }
            if let Some(found) = walk(&i["item"], &format!("{at}.item")) {
                return Some(found);
            }
        }
        None
    }
    if !(q["status"].is_string()) {
        return wrong(format!("{path}.status"), "a Questionnaire needs a `status`");
    }
    match walk(&q["item"], &format!("{path}.item")) {
        Some((at, what)) => wrong(at, what),
        None => Ok(()),
    }
}

fn link_ids(q: &Value) -> Vec<String> {
    let mut out = Vec::new();
    fn walk(items: &Value, out: &mut Vec<String>) {
        for i in items.as_array().into_iter().flatten() {
            out.push(i["linkId"].as_str().unwrap_or_default().to_owned());
            walk(&i["item"], out);
        }
    }
    walk(&q["item"], &mut out);
    out
}

/// Svar's own extensions of an element, merged.
fn svar_ext(element: &Value) -> Map<String, Value> {
    let mut out = Map::new();
    for e in element["extension"].as_array().into_iter().flatten() {
        if e["url"] == SVAR_EXT
            && let Some(Value::Object(o)) = e["valueString"]
                .as_str()
                .and_then(|s| serde_json::from_str(s).ok())
        {
            out.extend(o);
        }
    }
    out
}

fn extension<'v>(element: &'v Value, url: &str) -> Option<&'v Value> {
    element["extension"].as_array()?.iter().find(|e| {
        e["url"]
            .as_str()
            .is_some_and(|u| u == url || u.ends_with(url))
    })
}

/// A Questionnaire's texts by linkId: the item's text, and its answers' displays by code.
type Texts = HashMap<String, (Option<String>, HashMap<String, String>)>;

struct Reader<'q> {
    file: String,
    /// The Questionnaires, one per language, the first the base.
    questionnaires: Vec<&'q Value>,
    langs: Vec<Lang>,
    /// Per language after the first, linkId → (text, answer code → display).
    others: Vec<(Lang, Texts)>,
    warnings: Vec<Note>,
    refused: Vec<Note>,
    origins: Origins,
    /// Per item linkId, answer code → Svar value.
    codes: HashMap<String, HashMap<String, f64>>,
    /// The language of a Questionnaire that names none (`--lang`).
    default_lang: Lang,
    /// Extensions (and elements) items carry that Svar does not use, with how many carry each.
    unused: std::collections::BTreeMap<String, usize>,
    /// Helsenorge's section and total scores: (section path, whether total, score, path).
    helsenorge: Vec<(String, bool, Value, String)>,
    /// Items Helsenorge marks as question scores (QS): (path, id).
    question_scores: Vec<(String, String)>,
    /// linkIds that are not Svar ids, with the ids they became.
    renamed: Vec<(String, String)>,
    /// The title of each other language's Questionnaire.
    titles: Vec<(Lang, String)>,
    /// Languages some text was missing in (given in the first language instead).
    filled: std::cell::RefCell<std::collections::BTreeSet<Lang>>,
}

impl<'q> Reader<'q> {
    fn new(file: &str, questionnaires: Vec<&'q Value>, lang: Lang) -> Reader<'q> {
        Reader {
            default_lang: lang,
            file: file.to_owned(),
            questionnaires,
            langs: Vec::new(),
            others: Vec::new(),
            warnings: Vec::new(),
            refused: Vec::new(),
            origins: Origins::default(),
            codes: HashMap::new(),
            titles: Vec::new(),
            filled: Default::default(),
            renamed: Vec::new(),
            helsenorge: Vec::new(),
            unused: Default::default(),
            question_scores: Vec::new(),
        }
    }

    fn refuse(&mut self, path: &str, message: String) {
        self.refused.push(Note {
            place: Place::element(&self.file, path),
            message,
        });
    }

    fn warn(&mut self, path: &str, message: String) {
        self.warnings.push(Note {
            place: Place::element(&self.file, path),
            message,
        });
    }

    fn read(mut self) -> Result<Imported, ImportError> {
        let base = self.questionnaires[0];
        let header = svar_ext(base);
        let main = base["language"]
            .as_str()
            .and_then(lang_of)
            .unwrap_or(self.default_lang);
        if base["language"].as_str().is_none() {
            let lang = main.code();
            self.warn(
                "Questionnaire.language",
                format!(
                    "no `language` is given; the texts are read as `{lang}` (--lang names another)"
                ),
            );
        }
        self.langs = vec![main];
        for q in self.questionnaires.clone().into_iter().skip(1) {
            match q["language"].as_str().and_then(lang_of) {
                Some(l) if !self.langs.contains(&l) => {
                    self.langs.push(l);
                    self.others.push((l, texts_by_link(q)));
                    if let Some(t) = q["title"].as_str() {
                        self.titles.push((l, t.to_owned()));
                    }
                }
                _ => self.warn(
                    "Bundle.entry.resource.language",
                    format!("a Questionnaire in `{}` is not in a language Svar offers, or repeats one: it is left out", q["language"].as_str().unwrap_or("no language")),
                ),
            }
        }
        // Translations inside the base Questionnaire add their languages too.
        let mut found = Vec::new();
        find_translations(base, &mut found);
        for l in found {
            if !self.langs.contains(&l) {
                self.langs.push(l);
            }
        }
        if let Some(given) = header
            .get("languages")
            .and_then(|l| serde_json::from_value::<Vec<Lang>>(l.clone()).ok())
        {
            self.langs = given;
        }
        let mut pages = Vec::new();
        let mut scores = Vec::new();
        let mut scales = Map::new();
        let mut loose = Vec::new();
        for (k, item) in base["item"].as_array().into_iter().flatten().enumerate() {
            let path = format!("Questionnaire.item[{k}]");
            self.top(
                item,
                &path,
                &mut pages,
                &mut scores,
                &mut scales,
                &mut loose,
            );
        }
        if !loose.is_empty() {
            pages.push(json!({"id": "page_1", "items": loose}));
        }
        for (section, total, mut score, path) in std::mem::take(&mut self.helsenorge) {
            let items: Vec<&str> = self
                .question_scores
                .iter()
                .filter(|(p, _)| total || p.starts_with(&format!("{section}.")))
                .map(|(_, id)| id.as_str())
                .collect();
            if items.is_empty() {
                self.warn(
                    &path,
                    "a section score with no question scores (QS) in its section: left out".into(),
                );
                continue;
            }
            score["items"] = json!(items);
            self.origins.add(
                format!("/scores/{}", scores.len()),
                Place::element(&self.file, &path),
            );
            scores.push(score);
        }
        if !self.refused.is_empty() {
            return Err(ImportError::Refused(self.refused));
        }
        for (what, n) in std::mem::take(&mut self.unused) {
            self.warnings.push(Note {
                place: Place::element(&self.file, "Questionnaire.item"),
                message: format!("{n} item(s) carry `{what}`, which Svar does not use (how a web page shows them, or what it computes): left out"),
            });
        }
        if let Some((link, id)) = self.renamed.first() {
            self.warnings.push(Note {
                place: Place::element(&self.file, "Questionnaire.item"),
                message: format!(
                    "{} linkIds are not Svar ids (lower-case letters, digits and _) and are written as ids, e.g. `{link}` as `{id}`",
                    self.renamed.len()
                ),
            });
        }
        for lang in self.filled.borrow().iter() {
            self.warnings.push(Note {
                place: Place::element(&self.file, "Questionnaire"),
                message: format!(
                    "some texts are not given in {}; the {} text is shown there instead",
                    lang.code(),
                    self.langs[0].code()
                ),
            });
        }
        let id = clean_id(
            base["name"]
                .as_str()
                .or(base["id"].as_str())
                .or(std::path::Path::new(&self.file)
                    .file_stem()
                    .and_then(|s| s.to_str()))
                .unwrap_or("questionnaire"),
        );
        let title = self
            .text(base, "title")
            .unwrap_or_else(|| json!({ main.code(): id }));
        let source = base["url"].as_str().unwrap_or(&self.file).to_owned();
        let mut form = json!({
            "$schema": "schema.json",
            "id": id,
            "version": version(base["version"].as_str()),
            "title": title,
            "languages": self.langs.iter().map(|l| l.code()).collect::<Vec<_>>(),
            "instrument": base["title"].as_str().unwrap_or(&id),
            "wording": "licensed",
            "wording_note": format!("Imported from the FHIR Questionnaire {source}: the wording is the Questionnaire's."),
            "scoring_source": format!("Imported from the FHIR Questionnaire {source}: scores as its calculated items."),
        });
        for (k, v) in header {
            form[k] = v;
        }
        if !scales.is_empty() {
            form["scales"] = Value::Object(scales);
        }
        form["pages"] = json!(pages);
        if !scores.is_empty() {
            form["scores"] = json!(scores);
        }
        checked(
            form,
            &self.origins,
            &Place::element(&self.file, "Questionnaire"),
            self.warnings,
        )
    }

    /// A top-level item: a group is a page, a score item a score, a question its own page.
    fn top(
        &mut self,
        item: &Value,
        path: &str,
        pages: &mut Vec<Value>,
        scores: &mut Vec<Value>,
        scales: &mut Map<String, Value>,
        loose: &mut Vec<Value>,
    ) {
        let ext = svar_ext(item);
        if ext.get("score").is_some()
            || item["readOnly"] == true
            || extension(item, CALCULATED).is_some()
        {
            if let Some(score) = self.score(item, path, &ext) {
                self.origins.add(
                    format!("/scores/{}", scores.len()),
                    Place::element(&self.file, path),
                );
                scores.push(score);
            }
            return;
        }
        if item["type"] == "group" {
            if item["repeats"] == true {
                self.refuse(path, "a repeating group asks the same questions again and again; a kiosk form has no repeats".into());
                return;
            }
            let link = item["linkId"].as_str().unwrap_or("page");
            let mut page = json!({"id": clean_id(link), "items": []});
            if clean_id(link) != link {
                page["link_id"] = json!(link);
            }
            if let Some(title) = self.text(item, "text") {
                page["title"] = title;
            }
            if let Some(c) = self.condition(item, path) {
                page["show_if"] = c;
            }
            for (k, v) in ext {
                if k != "show_if" {
                    page[k] = v;
                }
            }
            let at = pages.len();
            self.origins
                .add(format!("/pages/{at}"), Place::element(&self.file, path));
            let mut items = Vec::new();
            self.group_items(item, path, at, scales, &mut items);
            page["items"] = json!(items);
            if !page["items"].as_array().is_some_and(Vec::is_empty) {
                pages.push(page);
            }
            return;
        }
        if let Some(i) = self.item(item, path, scales) {
            loose.push(i);
        }
    }

    /// The questions of a group and of the groups inside it, in order, for page `at`.
    fn group_items(
        &mut self,
        group: &Value,
        path: &str,
        at: usize,
        scales: &mut Map<String, Value>,
        items: &mut Vec<Value>,
    ) {
        for (k, child) in group["item"].as_array().into_iter().flatten().enumerate() {
            let child_path = format!("{path}.item[{k}]");
            if child["type"] == "group" {
                // A group inside a group: its questions join this page.
                self.group_items(child, &child_path, at, scales, items);
                continue;
            }
            if let Some(i) = self.item(child, &child_path, scales) {
                self.origins.add(
                    format!("/pages/{at}/items/{}", items.len()),
                    Place::element(&self.file, &child_path),
                );
                items.push(i);
            }
        }
    }

    /// A text in every language: the element's, its translations, the other Questionnaires'.
    fn text(&self, element: &Value, key: &str) -> Option<Value> {
        // Some Questionnaires give a text only as XHTML (`rendering-xhtml` on `_text`).
        let xhtml = element[format!("_{key}")]["extension"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|e| {
                e["url"]
                    .as_str()
                    .is_some_and(|u| u.ends_with("rendering-xhtml"))
            })
            .and_then(|e| e["valueString"].as_str());
        let main = element[key].as_str().or(xhtml)?;
        let mut out = Map::new();
        out.insert(self.langs[0].code().into(), json!(plain_text(main)));
        for t in element[format!("_{key}")]["extension"]
            .as_array()
            .into_iter()
            .flatten()
        {
            if t["url"] != TRANSLATION {
                continue;
            }
            let part = |name: &str| {
                t["extension"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .find(|p| p["url"] == name)
                    .cloned()
            };
            if let (Some(lang), Some(content)) = (part("lang"), part("content"))
                && let (Some(l), Some(c)) = (
                    lang["valueCode"].as_str().and_then(lang_of),
                    content["valueString"].as_str(),
                )
            {
                out.insert(l.code().into(), json!(plain_text(c)));
            }
        }
        if key == "title" {
            for (lang, title) in &self.titles {
                out.insert(lang.code().into(), json!(plain_text(title)));
            }
        }
        if key == "text"
            && let Some(link) = element["linkId"].as_str()
        {
            for (lang, texts) in &self.others {
                if let Some((Some(t), _)) = texts.get(link) {
                    out.insert(lang.code().into(), json!(plain_text(t)));
                }
            }
        }
        // A text one language's Questionnaire lacks is given in the first language (a warning).
        for lang in &self.langs {
            if !out.contains_key(lang.code()) {
                self.filled.borrow_mut().insert(*lang);
                out.insert(lang.code().into(), json!(plain_text(main)));
            }
        }
        Some(Value::Object(out))
    }

    fn item(&mut self, item: &Value, path: &str, scales: &mut Map<String, Value>) -> Option<Value> {
        let link = item["linkId"].as_str().unwrap_or_default();
        let id = clean_id(link);
        let ext = svar_ext(item);
        // What Svar does not use is said, once per kind, never dropped unseen.
        let used = [
            SVAR_EXT,
            ORDINAL,
            ITEM_WEIGHT,
            MIN_VALUE,
            MAX_VALUE,
            "questionnaire-itemControl",
            "sdf-optionReference",
            CALCULATED,
        ];
        for e in item["extension"].as_array().into_iter().flatten() {
            let url = e["url"].as_str().unwrap_or_default();
            if !used.iter().any(|u| url == *u || url.ends_with(u)) {
                *self.unused.entry(url.to_owned()).or_default() += 1;
            }
        }
        // Helsenorge's scoring codes: a section score (SS) sums the question scores (QS) of
        // its section, a total score (TS) all of them.
        match scoring_code(item) {
            Some(code @ ("SS" | "TS")) => {
                let section = path.rsplit_once(".item[").map_or("", |(p, _)| p).to_owned();
                let label = self
                    .text(item, "text")
                    .unwrap_or_else(|| json!({ self.langs[0].code(): link }));
                self.helsenorge.push((
                    section,
                    code == "TS",
                    json!({"id": id, "label": label, "kind": "sum"}),
                    path.to_owned(),
                ));
                return None;
            }
            Some("QS") => self.question_scores.push((path.to_owned(), id.clone())),
            _ => {}
        }
        for refused in [
            "initialExpression",
            "answerExpression",
            "enableWhenExpression",
            "candidateExpression",
        ] {
            if extension(item, refused).is_some() && !ext.contains_key("show_if") {
                self.refuse(
                    path,
                    format!("`{refused}` computes with FHIRPath or CQL, which Svar does not run"),
                );
            }
        }
        let control = extension(item, "questionnaire-itemControl")
            .and_then(|e| e["valueCodeableConcept"]["coding"][0]["code"].as_str());
        if control == Some("sidebar") {
            self.warn(path, format!("`{link}` is a note for the web page's sidebar; the kiosk has no sidebar, so it is left out"));
            return None;
        }
        if item["readOnly"] == true && ext.is_empty() {
            self.warn(path, format!("`{link}` is read-only: it shows or copies a value the patient does not give (FHIRPath or CQL), so it is left out"));
            return None;
        }
        let mut out = json!({"id": id});
        if id != link {
            self.renamed.push((link.to_owned(), id.clone()));
            out["link_id"] = json!(link);
        }
        if let Some(prefix) = item["prefix"].as_str() {
            out["prefix"] = json!(prefix);
        }
        let Some(text) = self.text(item, "text") else {
            if item["type"] == "display" {
                self.warn(
                    path,
                    format!("the display item `{link}` has no text to show: it is left out"),
                );
            } else {
                self.refuse(path, format!("the question `{link}` has no text"));
            }
            return None;
        };
        out["text"] = text;
        let kind = match item["type"].as_str().unwrap_or_default() {
            "choice" | "open-choice" | "coding" => {
                let options = self.options(item, path);
                let multiple = item["repeats"] == true;
                match ext.get("scale").and_then(Value::as_str) {
                    Some(scale) => {
                        scales.insert(scale.to_owned(), json!({ "options": options }));
                    }
                    None if matches!(ext.get("type").and_then(Value::as_str), Some("body_map")) => {
                    }
                    None => out["options"] = json!(options),
                }
                if item["type"] == "open-choice" {
                    self.warn(path, "an open choice lets the patient type another answer; Svar offers the listed answers only".into());
                }
                if multiple {
                    "multiple_choice"
                } else {
                    "single_choice"
                }
            }
            "boolean" => "yes_no",
            "integer" | "decimal" => {
                let bound = |url: &str| {
                    extension(item, url)
                        .and_then(|e| e["valueInteger"].as_f64().or(e["valueDecimal"].as_f64()))
                };
                match (bound(MIN_VALUE), bound(MAX_VALUE)) {
                    (Some(lo), Some(hi)) => {
                        out["min"] = json!(lo);
                        out["max"] = json!(hi);
                    }
                    _ if ext.contains_key("min") => {}
                    _ => {
                        self.warn(path, "a number needs a range on the kiosk's keypad; no minValue and maxValue are given, so 0 to 1000000 is used".into());
                        out["min"] = json!(0);
                        out["max"] = json!(1_000_000);
                    }
                }
                if item["type"] == "decimal" && !ext.contains_key("decimals") {
                    out["decimals"] = json!(2);
                }
                "number"
            }
            "string" | "text" => {
                if let Some(n) = item["maxLength"].as_u64() {
                    out["max_length"] = json!(n);
                }
                "text"
            }
            "date" => "date",
            "display" => "info",
            "attachment" => "signature",
            other => {
                self.refuse(path, format!("the item type `{other}` is not one Svar asks (it asks choice, open-choice, boolean, integer, decimal, string, text, date and display)"));
                return None;
            }
        };
        out["type"] = json!(kind);
        if let Some(required) = item["required"].as_bool() {
            out["required"] = json!(required);
        }
        // The question's first code (LOINC, …), kept for exports.
        // (Only a code Svar can keep: a URI system, a code without spaces.)
        if let Some(c) = item["code"].as_array().and_then(|c| c.first())
            && let (Some(system), Some(code)) = (c["system"].as_str(), c["code"].as_str())
            && system.contains(':')
            && !code.trim().is_empty()
            && !code.contains(char::is_whitespace)
        {
            out["code"] = json!({"system": system, "code": code});
            if let Some(d) = c["display"].as_str() {
                out["code"]["display"] = json!(d);
            }
        }
        if item["repeats"] == true
            && !matches!(
                item["type"].as_str(),
                Some("choice" | "open-choice" | "coding")
            )
        {
            self.refuse(
                path,
                "a repeating question asks for a list of answers; Svar asks for one".into(),
            );
        }
        for child in item["item"].as_array().into_iter().flatten() {
            if child["type"] == "display" {
                out["help"] = self.text(child, "text").unwrap_or_default();
            }
        }
        if let Some(c) = self.condition(item, path) {
            out["show_if"] = c;
        }
        let has_decimals = ext.contains_key("decimals");
        for (k, v) in ext {
            if !matches!(k.as_str(), "show_if" | "own_options") {
                out[k] = v;
            }
        }
        // A rating or slider Svar wrote as an integer or decimal item has no decimals.
        if out["type"] != "number"
            && !has_decimals
            && let Some(o) = out.as_object_mut()
        {
            o.remove("decimals");
        }
        Some(out)
    }

    /// An item's answers as Svar options: values from `ordinalValue`/`itemWeight`, else the
    /// codes when all are numbers, else 1, 2, 3, … (a warning).
    fn options(&mut self, item: &Value, path: &str) -> Vec<Value> {
        let link = item["linkId"].as_str().unwrap_or_default().to_owned();
        let mut answers: Vec<Value> = item["answerOption"].as_array().cloned().unwrap_or_default();
        // A value set contained in the Questionnaire (`#id`), as Helsenorge's forms give them.
        if answers.is_empty()
            && let Some(reference) = item["answerValueSet"]
                .as_str()
                .and_then(|r| r.strip_prefix('#'))
        {
            answers = self.contained(reference);
        }
        // Helsenorge's options that are references (`sdf-optionReference`, e.g. which hospital
        // receives the form): the reference is the code, its display the label.
        if answers.is_empty() {
            answers = item["extension"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|e| e["url"].as_str().is_some_and(|u| u.ends_with("sdf-optionReference")))
                .map(|e| json!({"valueCoding": {"code": e["valueReference"]["reference"], "display": e["valueReference"]["display"]}}))
                .collect();
        }
        if answers.is_empty()
            && let Some(known) = item["answerValueSet"].as_str().and_then(well_known)
        {
            answers = known;
            self.warn(path, "the answers come from LOINC's list LL358-3, with LOINC's English names: give them in the form's languages".into());
        }
        let answers: Vec<&Value> = answers.iter().collect();
        if answers.is_empty() && item.get("answerValueSet").is_some() {
            self.refuse(path, format!("the answers are in the value set `{}`, which is neither in the file nor one Svar knows (LOINC LL358-3); give them as answerOption", item["answerValueSet"].as_str().unwrap_or_default()));
            return Vec::new();
        }
        let base = self.questionnaires[0];
        let weight = |a: &Value| {
            extension(a, ORDINAL)
                .or_else(|| extension(a, ITEM_WEIGHT))
                .and_then(|e| e["valueDecimal"].as_f64().or(e["valueInteger"].as_f64()))
                .or_else(|| {
                    extension(&a["valueCoding"], ORDINAL).and_then(|e| e["valueDecimal"].as_f64())
                })
                .or_else(|| code_system_weight(base, &a["valueCoding"]))
        };
        let code = |a: &Value| -> String {
            a["valueCoding"]["code"]
                .as_str()
                .map(str::to_owned)
                .or_else(|| a["valueString"].as_str().map(str::to_owned))
                .or_else(|| a["valueInteger"].as_i64().map(|n| n.to_string()))
                .unwrap_or_default()
        };
        let weights: Option<Vec<f64>> = answers.iter().map(|a| weight(a)).collect();
        let numeric: Option<Vec<f64>> = answers
            .iter()
            .map(|a| code(a).parse::<f64>().ok())
            .collect();
        let values: Vec<f64> = match (weights, numeric) {
            (Some(w), _) => w,
            (None, Some(n)) => n,
            (None, None) => {
                self.warn(path, "the answers carry no score (ordinalValue or itemWeight) and their codes are not numbers: they are numbered 1, 2, 3, … in order".into());
                (1..=answers.len()).map(|n| n as f64).collect()
            }
        };
        let mut map = HashMap::new();
        let options = answers
            .iter()
            .zip(&values)
            .map(|(a, v)| {
                map.insert(code(a), *v);
                let mut label = self.text(&a["valueCoding"], "display").unwrap_or_else(|| {
                    let c = code(a);
                    json!({ self.langs[0].code(): c })
                });
                for (lang, texts) in &self.others {
                    if let Some((_, displays)) = texts.get(&link)
                        && let Some(d) = displays.get(&code(a))
                    {
                        label[lang.code()] = json!(plain_text(d));
                    }
                }
                let mut option = json!({"value": v, "label": label});
                for (k, extra) in svar_ext(a) {
                    option[k] = extra;
                }
                option
            })
            .collect();
        self.codes.insert(link, map);
        options
    }

    /// The concepts of the ValueSet contained with this id, as answer options (a concept's
    /// extensions, `ordinalValue` among them, go with it).
    fn contained(&self, id: &str) -> Vec<Value> {
        let Some(set) = self.questionnaires[0]["contained"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|r| r["resourceType"] == "ValueSet" && r["id"] == id)
        else {
            return Vec::new();
        };
        let option = |coding: Value, ext: Option<&Value>| json!({"valueCoding": coding, "extension": ext.cloned().unwrap_or_else(|| json!([]))});
        let mut out = Vec::new();
        for include in set["compose"]["include"].as_array().into_iter().flatten() {
            for concept in include["concept"].as_array().into_iter().flatten() {
                let coding = json!({"system": include["system"], "code": concept["code"], "display": concept["display"]});
                out.push(option(coding, concept.get("extension")));
            }
        }
        for contains in set["expansion"]["contains"]
            .as_array()
            .into_iter()
            .flatten()
        {
            out.push(option(contains.clone(), contains.get("extension")));
        }
        out
    }

    /// `enableWhen` as a Svar condition (Svar's own extension has it whole when Svar wrote it).
    fn condition(&mut self, item: &Value, path: &str) -> Option<Value> {
        if let Some(c) = svar_ext(item).get("show_if") {
            return Some(c.clone());
        }
        let tests: Vec<&Value> = item["enableWhen"]
            .as_array()
            .into_iter()
            .flatten()
            .collect();
        if tests.is_empty() {
            return None;
        }
        let mut out = Vec::new();
        for (k, t) in tests.iter().enumerate() {
            let at = format!("{path}.enableWhen[{k}]");
            let question = clean_id(t["question"].as_str().unwrap_or_default());
            let op = t["operator"].as_str().unwrap_or_default();
            let answer = t.as_object().and_then(|o| {
                o.iter()
                    .find(|(k, _)| k.starts_with("answer"))
                    .map(|(k, v)| (k.clone(), v.clone()))
            });
            let Some((kind, value)) = answer else {
                self.refuse(&at, "an enableWhen without an answer".into());
                continue;
            };
            let value = match kind.as_str() {
                "answerCoding" | "answerReference" => {
                    let code = value["code"]
                        .as_str()
                        .or(value["reference"].as_str())
                        .unwrap_or_default();
                    let known = self
                        .codes
                        .get(t["question"].as_str().unwrap_or_default())
                        .and_then(|m| m.get(code).copied());
                    match known.or_else(|| code.parse().ok()) {
                        Some(v) => json!(v),
                        None => {
                            self.refuse(&at, format!("`{code}` is not an answer of `{question}` (conditions may only name questions before them)"));
                            continue;
                        }
                    }
                }
                "answerBoolean" if op == "exists" => {
                    out.push(json!({"item": question, "op": if value == true { "answered" } else { "not_answered" }}));
                    continue;
                }
                "answerBoolean" => json!(if value == true { 1 } else { 0 }),
                _ => value,
            };
            let svar_op = match op {
                "=" => "equals",
                "!=" => "not_equals",
                "<" | "<=" | ">" | ">=" => op,
                other => {
                    self.refuse(&at, format!("the operator `{other}` is not understood"));
                    continue;
                }
            };
            out.push(json!({"item": question, "op": svar_op, "value": value}));
        }
        match out.len() {
            0 => None,
            1 => out.pop(),
            _ if item["enableBehavior"] == "all" => Some(json!({ "all": out })),
            _ => Some(json!({ "any": out })),
        }
    }

    fn score(&mut self, item: &Value, path: &str, ext: &Map<String, Value>) -> Option<Value> {
        let label = self
            .text(item, "text")
            .unwrap_or_else(|| json!({ self.langs[0].code(): item["linkId"] }));
        let mut score =
            json!({"id": clean_id(item["linkId"].as_str().unwrap_or_default()), "label": label});
        if ext.contains_key("score") {
            for (k, v) in ext {
                if k != "score" {
                    score[k.as_str()] = v.clone();
                }
            }
            return Some(score);
        }
        let expression = extension(item, CALCULATED)
            .and_then(|e| e["valueExpression"]["expression"].as_str())
            .unwrap_or_default()
            .to_owned();
        let items: Vec<String> = expression
            .split("linkId")
            .skip(1)
            .filter_map(|part| part.split('\'').nth(1).map(clean_id))
            .collect();
        if expression.contains("weight()") && expression.contains(".sum()") && !items.is_empty() {
            score["kind"] = json!("sum");
            score["items"] = json!(items);
            return Some(score);
        }
        // SDC variables, each one answer's score, added up: `%a + %b + …` (possibly inside
        // `iif(%a.exists() and …, %a + %b + …)`, which is Svar's rule that all are needed).
        if let Some(items) = variable_sum(item, &expression) {
            score["kind"] = json!("sum");
            score["items"] = json!(items);
            return Some(score);
        }
        self.warn(path, format!("the calculated item `{}` is not a sum of answers' weights, so it is not carried over as a score", item["linkId"].as_str().unwrap_or_default()));
        None
    }
}

/// The items a calculated expression adds up through SDC `variable`s that each read one
/// answer's score (`%a + %b + %c`), when it is nothing more.
fn variable_sum(item: &Value, expression: &str) -> Option<Vec<String>> {
    let mut variables = HashMap::new();
    for e in item["extension"].as_array().into_iter().flatten() {
        if !e["url"].as_str().is_some_and(|u| u.ends_with("/variable")) {
            continue;
        }
        let (Some(name), Some(text)) = (
            e["valueExpression"]["name"].as_str(),
            e["valueExpression"]["expression"].as_str(),
        ) else {
            continue;
        };
        let links: Vec<&str> = text
            .split("linkId")
            .skip(1)
            .filter_map(|part| part.split('\'').nth(1))
            .collect();
        let scored = ["weight", "itemWeight", "ordinalValue", "score"]
            .iter()
            .any(|w| text.contains(w));
        if scored && !links.is_empty() && links.iter().all(|l| *l == links[0]) {
            variables.insert(name.to_owned(), clean_id(links[0]));
        }
    }
    // The part of the expression (an `iif` argument, or all of it) that adds `%x + %y + …`.
    let sum = expression.split(',').find(|p| p.contains('+'))?;
    let terms: Vec<&str> = sum
        .trim()
        .trim_start_matches("iif(")
        .trim_end_matches(')')
        .split('+')
        .map(str::trim)
        .collect();
    let items: Option<Vec<String>> = terms
        .iter()
        .map(|t| t.strip_prefix('%').and_then(|n| variables.get(n).cloned()))
        .collect();
    items.filter(|i| i.len() >= 2)
}

/// An answer's score as the `itemWeight` (or `ordinalValue`) property of its concept in a
/// CodeSystem contained in the Questionnaire, as SDC's item-weight example gives it.
fn code_system_weight(q: &Value, coding: &Value) -> Option<f64> {
    let (system, code) = (coding["system"].as_str()?, coding["code"].as_str()?);
    let cs = q["contained"].as_array()?.iter().find(|r| {
        r["resourceType"] == "CodeSystem"
            && (r["url"] == system || r["id"].as_str().is_some_and(|id| system.ends_with(id)))
    })?;
    let concept = cs["concept"]
        .as_array()?
        .iter()
        .find(|c| c["code"] == code)?;
    concept["property"]
        .as_array()?
        .iter()
        .find(|p| {
            matches!(
                p["code"].as_str(),
                Some("itemWeight" | "ordinalValue" | "weight")
            )
        })
        .and_then(|p| p["valueDecimal"].as_f64().or(p["valueInteger"].as_f64()))
}

/// The answers of a well-known value set a Questionnaire names without containing it: LOINC's
/// frequency answers of PHQ-9 and GAD-7 (LL358-3), scored 0–3 as those instruments are.
fn well_known(url: &str) -> Option<Vec<Value>> {
    const LL358_3: &[(&str, &str, f64)] = &[
        ("LA6568-5", "Not at all", 0.0),
        ("LA6569-3", "Several days", 1.0),
        ("LA6570-1", "More than half the days", 2.0),
        ("LA6571-9", "Nearly every day", 3.0),
    ];
    let list = match url.trim_end_matches('/') {
        "http://loinc.org/vs/LL358-3" | "http://loinc.org/LL358-3" => LL358_3,
        _ => return None,
    };
    Some(
        list.iter()
            .map(|(code, display, score)| {
                json!({"valueCoding": {"system": "http://loinc.org", "code": code, "display": display},
                       "extension": [{"url": ORDINAL, "valueDecimal": score}]})
            })
            .collect(),
    )
}

/// The code of Helsenorge's scoring formulas an item carries (`QS`, `SS`, `TS`), if any.
fn scoring_code(item: &Value) -> Option<&str> {
    item["code"]
        .as_array()?
        .iter()
        .find(|c| {
            c["system"]
                .as_str()
                .is_some_and(|s| s.ends_with("scoringFormulas"))
        })
        .and_then(|c| c["code"].as_str())
}

/// Texts and answer displays by linkId, of a Questionnaire in another language.
fn texts_by_link(q: &Value) -> Texts {
    let mut out = HashMap::new();
    fn walk(items: &Value, out: &mut Texts) {
        for i in items.as_array().into_iter().flatten() {
            let displays = i["answerOption"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|a| {
                    Some((
                        a["valueCoding"]["code"].as_str()?.to_owned(),
                        a["valueCoding"]["display"].as_str()?.to_owned(),
                    ))
                })
                .collect();
            out.insert(
                i["linkId"].as_str().unwrap_or_default().to_owned(),
                (i["text"].as_str().map(str::to_owned), displays),
            );
            walk(&i["item"], out);
        }
    }
    walk(&q["item"], &mut out);
    out
}

fn find_translations(value: &Value, found: &mut Vec<Lang>) {
    match value {
        Value::Object(o) => {
            if o.get("url").and_then(Value::as_str) == Some(TRANSLATION)
                && let Some(l) = o["extension"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .find(|p| p["url"] == "lang")
                    .and_then(|p| p["valueCode"].as_str())
                    .and_then(lang_of)
                && !found.contains(&l)
            {
                found.push(l);
            }
            o.values().for_each(|v| find_translations(v, found));
        }
        Value::Array(a) => a.iter().for_each(|v| find_translations(v, found)),
        _ => {}
    }
}

/// A Questionnaire's version as Svar's MAJOR.MINOR.PATCH (others become 1.0.0).
fn version(given: Option<&str>) -> String {
    match given {
        Some(v) if v.split('.').count() == 3 && v.split('.').all(|p| p.parse::<u64>().is_ok()) => {
            v.to_owned()
        }
        _ => "1.0.0".into(),
    }
}
