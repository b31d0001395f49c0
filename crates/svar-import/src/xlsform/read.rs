//! An XLSForm workbook to a Svar form. Groups become pages (`table-list` a grid,
//! `field-list` questions together), choice lists scales, `calculate` sums and means scores,
//! `relevant` conditions; `label::xx` columns in nb, nn, da or en become the form's languages.
//! A workbook Svar exported carries the rest in its `svar` column and comes back whole.

use super::expr::{self, Name, Names};
use super::{CHOICES, SETTINGS, SURVEY, SVAR};
use crate::build::{Origins, checked, choice_values, clean_id, one_line};
use crate::sheet::{Book, Table};
use crate::{ImportError, Imported, Note, Place};
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use svar_forms::text::Lang;

/// The language a column suffix names (`nb`, `Norsk (nb)`, `norsk bokmål`, `Dansk (da)`,
/// `English (en)`, `english`, …); `None` for a language Svar does not have.
pub fn lang_of(suffix: &str) -> Option<Lang> {
    let s = suffix.trim().to_lowercase();
    // A code in parentheses decides: "Norsk (nb)", "English (en)".
    let code = match (s.rfind('('), s.rfind(')')) {
        (Some(open), Some(close)) if open < close => s[open + 1..close].trim().to_owned(),
        _ => s.clone(),
    };
    Some(match code.as_str() {
        "nb" | "nob" | "no" | "nb-no" | "no-nb" | "norsk" | "norsk bokmål" | "bokmål"
        | "bokmal" | "norwegian" | "norwegian bokmål" | "norwegian bokmal" => Lang::Nb,
        "nn" | "nno" | "nn-no" | "nynorsk" | "norsk nynorsk" | "norwegian nynorsk" => Lang::Nn,
        "da" | "dan" | "da-dk" | "dansk" | "danish" => Lang::Da,
        "en" | "eng" | "en-gb" | "en-us" | "english" | "engelsk" => Lang::En,
        _ => return None,
    })
}

/// Columns of texts by language: `label`, `label::xx`, `label:xx`.
struct TextColumns {
    /// Per language, the column index.
    by_lang: BTreeMap<Lang, usize>,
}

impl TextColumns {
    fn find(table: &Table, base: &str, default: Lang, dropped: &mut Vec<Note>) -> TextColumns {
        let mut by_lang = BTreeMap::new();
        let mut bare = None;
        for (c, h) in table.header.iter().enumerate() {
            let suffix = h
                .strip_prefix(base)
                .and_then(|r| r.strip_prefix("::").or_else(|| r.strip_prefix(':')));
            if h == base {
                bare = Some(c);
            } else if let Some(suffix) = suffix {
                match lang_of(suffix) {
                    Some(lang) => {
                        by_lang.entry(lang).or_insert(c);
                    }
                    None => dropped.push(Note {
                        place: Place::cell(&table.name, 1, h, c),
                        message: format!(
                            "the language `{suffix}` is not one Svar offers (nb, nn, da, en): this column is left out"
                        ),
                    }),
                }
            }
        }
        if let Some(c) = bare {
            by_lang.entry(default).or_insert(c);
        }
        TextColumns { by_lang }
    }

    /// The texts of row `k` as a Svar text, when any is given.
    fn text(&self, table: &Table, k: usize, langs: &[Lang]) -> Option<Value> {
        let mut out = Map::new();
        for lang in langs {
            if let Some(&c) = self.by_lang.get(lang) {
                let t = table.rows[k].get(c).map_or("", |s| s.trim());
                if !t.is_empty() {
                    out.insert(lang.code().to_owned(), json!(t));
                }
            }
        }
        (!out.is_empty()).then_some(Value::Object(out))
    }
}

/// A choice of a list.
struct Choice {
    name: String,
    label: Option<Value>,
    svar: Map<String, Value>,
}

/// Reads the survey's workbook into a checked Svar form.
pub fn form(book: &Book, path: &Path) -> Result<Imported, ImportError> {
    let file = path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let Some(survey) = book.sheet(SURVEY) else {
        let names: Vec<&str> = book.sheets.iter().map(|s| s.name.as_str()).collect();
        return Err(ImportError::Refused(vec![Note {
            place: Place::sheet(SURVEY),
            message: format!(
                "the workbook has no `survey` sheet (it has {}): an XLSForm lists its questions in a sheet named `survey`",
                names.join(", ")
            ),
        }]));
    };
    Reader::new(book, survey, &file).read()
}

struct Reader<'b> {
    survey: &'b Table,
    choices: Option<&'b Table>,
    settings: Option<&'b Table>,
    file: String,
    warnings: Vec<Note>,
    refused: Vec<Note>,
    origins: Origins,
}

impl<'b> Reader<'b> {
    fn new(book: &'b Book, survey: &'b Table, file: &str) -> Reader<'b> {
        Reader {
            survey,
            choices: book.sheet(CHOICES),
            settings: book.sheet(SETTINGS),
            file: file.to_owned(),
            warnings: Vec::new(),
            refused: Vec::new(),
            origins: Origins::default(),
        }
    }

    fn refuse(&mut self, place: Place, message: String) {
        self.refused.push(Note { place, message });
    }

    fn warn(&mut self, place: Place, message: String) {
        self.warnings.push(Note { place, message });
    }

    fn setting(&self, name: &str) -> String {
        self.settings
            .filter(|s| !s.rows.is_empty())
            .map_or_else(String::new, |s| s.get(0, name).to_owned())
    }

    fn read(mut self) -> Result<Imported, ImportError> {
        let survey = self.survey;
        if survey.column("type").is_none() || survey.column("name").is_none() {
            return Err(ImportError::Refused(vec![Note {
                place: Place::row(SURVEY, 1),
                message: "the `survey` sheet needs the columns `type` and `name` in its first row"
                    .into(),
            }]));
        }
        let svar_settings = self.json_cell(self.settings, 0);
        let default = lang_of(&self.setting("default_language")).unwrap_or(Lang::Nb);
        let mut dropped = Vec::new();
        let labels = TextColumns::find(survey, "label", default, &mut dropped);
        let hints = TextColumns::find(survey, "hint", default, &mut dropped);
        let choice_labels = self
            .choices
            .map(|c| TextColumns::find(c, "label", default, &mut dropped));
        self.warnings.extend(dropped);
        let mut langs: Vec<Lang> = labels.by_lang.keys().copied().collect();
        if let Some(given) = svar_settings
            .get("languages")
            .and_then(|l| serde_json::from_value::<Vec<Lang>>(l.clone()).ok())
        {
            langs = given;
        }
        if langs.is_empty() {
            return Err(ImportError::Refused(vec![Note {
                place: Place::row(SURVEY, 1),
                message: "no `label` column in a language Svar offers: name one `label::nb`, `label::nn`, `label::da` or `label::en`".into(),
            }]));
        }
        let lists = self.lists(choice_labels.as_ref(), &langs);
        let (names, ids) = self.names(&lists);
        let mut pages: Vec<Value> = Vec::new();
        let mut scales: BTreeMap<String, Value> = BTreeMap::new();
        let mut scores: Vec<Value> = Vec::new();
        // Open groups: (page index, relevant condition).
        let mut groups: Vec<(usize, Option<Value>)> = Vec::new();
        let mut current: Option<usize> = None;
        for k in 0..survey.rows.len() {
            let kind = survey.get(k, "type").to_owned();
            let name = survey.get(k, "name").to_owned();
            if kind.is_empty() && name.is_empty() {
                continue;
            }
            let (head, list) = split_type(&kind);
            let relevant = self.relevant(k, &names, &ids);
            match head.as_str() {
                "begin_group" => {
                    let mut page = json!({"id": clean_id(&name), "items": []});
                    if let Some(title) = labels.text(survey, k, &langs) {
                        page["title"] = title;
                    }
                    match survey.get(k, "appearance") {
                        a if a.contains("table-list") => page["display"] = json!("grid"),
                        a if a.contains("field-list") => page["display"] = json!("together"),
                        _ => {}
                    }
                    let mut conditions: Vec<Value> =
                        groups.iter().filter_map(|(_, c)| c.clone()).collect();
                    conditions.extend(relevant.clone());
                    match conditions.len() {
                        0 => {}
                        1 => page["show_if"] = conditions.remove(0),
                        _ => page["show_if"] = json!({ "all": conditions }),
                    }
                    merge(&mut page, &self.json_cell(Some(survey), k));
                    self.origins
                        .add(format!("/pages/{}", pages.len()), survey.place(k, "name"));
                    pages.push(page);
                    groups.push((pages.len() - 1, relevant));
                    current = Some(pages.len() - 1);
                }
                "end_group" => {
                    groups.pop();
                    // Questions after a nested group's end go on a page of their own.
                    current = None;
                }
                "begin_repeat" | "end_repeat" => {
                    if head == "begin_repeat" {
                        self.refuse(
                            survey.place(k, "type"),
                            "a repeat asks the same questions again and again; a kiosk form has no repeats: make one form with the questions once, or ask staff to enter repeated data".into(),
                        );
                    }
                }
                "calculate" => {
                    if let Some(score) = self.score(k, &name, &labels, &langs) {
                        self.origins.add(
                            format!("/scores/{}", scores.len()),
                            survey.place(k, "calculation"),
                        );
                        scores.push(score);
                    }
                }
                head if NOT_ASKED.contains(&head) => {
                    self.warn(
                        survey.place(k, "type"),
                        format!("`{head}` is recorded by the phone, not asked: the kiosk records who and when itself, so it is left out"),
                    );
                }
                _ => {
                    let Some(item) = self.item(
                        k,
                        &head,
                        &list,
                        &name,
                        &lists,
                        &labels,
                        &hints,
                        &langs,
                        relevant,
                        &mut scales,
                    ) else {
                        continue;
                    };
                    let page = match current {
                        Some(p) => p,
                        None => {
                            let n = pages.len() + 1;
                            pages.push(json!({"id": format!("page_{n}"), "items": []}));
                            self.origins.add(
                                format!("/pages/{}", pages.len() - 1),
                                survey.place(k, "name"),
                            );
                            let p = pages.len() - 1;
                            // Outside any group each question is its own screen; the page lasts
                            // until the next group.
                            current = Some(p);
                            p
                        }
                    };
                    let at = pages[page]["items"].as_array().map_or(0, Vec::len);
                    self.origins
                        .add(format!("/pages/{page}/items/{at}"), survey.place(k, "name"));
                    if let Some(items) = pages[page]["items"].as_array_mut() {
                        items.push(item);
                    }
                }
            }
        }
        if !self.refused.is_empty() {
            return Err(ImportError::Refused(self.refused));
        }
        pages.retain(|p| p["items"].as_array().is_some_and(|i| !i.is_empty()));
        let id_given = self.setting("form_id");
        let stem = Path::new(&self.file)
            .file_stem()
            .map_or_else(String::new, |s| s.to_string_lossy().into_owned());
        let id = clean_id(if id_given.is_empty() {
            &stem
        } else {
            &id_given
        });
        let title_text = self.setting("form_title");
        let title_text = if title_text.is_empty() {
            id.clone()
        } else {
            title_text
        };
        let version = self.version();
        let mut form = json!({
            "$schema": "schema.json",
            "id": id,
            "version": version,
            "title": langs.iter().map(|l| (l.code().to_owned(), json!(title_text))).collect::<Map<_, _>>(),
            "languages": langs.iter().map(|l| l.code()).collect::<Vec<_>>(),
            "instrument": title_text,
            "wording": "licensed",
            "wording_note": format!("Imported from the XLSForm {}: the wording is the spreadsheet's.", self.file),
            "scoring_source": format!("Imported from the XLSForm {}: scores as its calculate rows.", self.file),
        });
        merge(&mut form, &svar_settings);
        if !scales.is_empty() {
            form["scales"] = json!(scales);
        }
        form["pages"] = json!(pages);
        if !scores.is_empty() {
            form["scores"] = json!(scores);
        }
        let whole = Place::sheet(SURVEY);
        checked(form, &self.origins, &whole, self.warnings)
    }

    fn version(&mut self) -> String {
        let given = self.setting("version");
        if given.is_empty() {
            return "1.0.0".into();
        }
        if given.split('.').count() == 3 && given.split('.').all(|p| p.parse::<u64>().is_ok()) {
            return given;
        }
        let place = self
            .settings
            .map_or_else(|| Place::sheet(SETTINGS), |s| s.place(0, "version"));
        self.warn(
            place,
            format!("the version `{given}` is not of the form 1.2.3; the form is version 1.0.0 (raise it on every change)"),
        );
        "1.0.0".into()
    }

    /// The JSON object of row `k`'s `svar` column (empty when there is none).
    fn json_cell(&mut self, table: Option<&Table>, k: usize) -> Map<String, Value> {
        let Some(table) = table.filter(|t| k < t.rows.len()) else {
            return Map::new();
        };
        let text = table.get(k, SVAR);
        if text.is_empty() {
            return Map::new();
        }
        match serde_json::from_str::<Value>(text) {
            Ok(Value::Object(o)) => o,
            _ => {
                self.refused.push(Note {
                    place: table.place(k, SVAR),
                    message: "the `svar` column holds Svar's own settings as a JSON object `{…}`; this is not one (was it edited by hand?)".into(),
                });
                Map::new()
            }
        }
    }

    /// The choice lists by name, with their rows.
    fn lists(
        &mut self,
        labels: Option<&TextColumns>,
        langs: &[Lang],
    ) -> HashMap<String, (Vec<Choice>, usize)> {
        let mut lists: HashMap<String, (Vec<Choice>, usize)> = HashMap::new();
        let (Some(table), Some(labels)) = (self.choices, labels) else {
            return lists;
        };
        let list_column = if table.column("list_name").is_some() {
            "list_name"
        } else {
            "list name"
        };
        for k in 0..table.rows.len() {
            let list = table.get(k, list_column).to_owned();
            if list.is_empty() {
                continue;
            }
            let svar = self.json_cell(Some(table), k);
            let choice = Choice {
                name: table.get(k, "name").to_owned(),
                label: labels.text(table, k, langs),
                svar,
            };
            lists
                .entry(list)
                .or_insert_with(|| (Vec::new(), k))
                .0
                .push(choice);
        }
        lists
    }

    /// Every name a `relevant` may use: questions (with their choices' values) and scores,
    /// and the Svar id each is imported as.
    fn names(
        &self,
        lists: &HashMap<String, (Vec<Choice>, usize)>,
    ) -> (Names, HashMap<String, String>) {
        let mut names = Names::new();
        let mut ids = HashMap::new();
        for k in 0..self.survey.rows.len() {
            let kind = self.survey.get(k, "type");
            let name = self.survey.get(k, "name");
            let (head, list) = split_type(kind);
            let (head, list) = (head.as_str(), list.as_str());
            let entry = match head {
                "calculate" if self.is_score(k) => Name::Score,
                "calculate" => Name::Calculation,
                head if NOT_ASKED.contains(&head) => Name::NotAsked,
                // A body map's regions are tested by their ids.
                "select_multiple" if self.survey.get(k, SVAR).contains("\"body_map\"") => {
                    Name::Item {
                        multiple: true,
                        choices: None,
                    }
                }
                "select_one" | "select_multiple" => Name::Item {
                    multiple: head == "select_multiple",
                    choices: lists.get(list.trim()).map(|(choices, _)| {
                        choice_values(choices.iter().map(|c| c.name.as_str())).0
                    }),
                },
                _ => Name::Item {
                    multiple: false,
                    choices: None,
                },
            };
            // A score Svar exported under another name keeps its id in its `svar` column.
            let own: Option<String> = serde_json::from_str::<Value>(self.survey.get(k, SVAR))
                .ok()
                .and_then(|v| v.get("id").and_then(Value::as_str).map(str::to_owned));
            ids.insert(name.to_owned(), own.unwrap_or_else(|| clean_id(name)));
            names.insert(name.to_owned(), entry);
        }
        (names, ids)
    }

    /// Whether the `calculate` row `k` is a score: Svar wrote it (its `svar` column), or it
    /// sums or averages two or more questions that have numbers for answers.
    fn is_score(&self, k: usize) -> bool {
        if !self.survey.get(k, SVAR).is_empty() {
            return true;
        }
        let Some((_, items)) = expr::score(self.survey.get(k, "calculation")) else {
            return false;
        };
        let numeric = |name: &str| {
            (0..self.survey.rows.len()).any(|r| {
                self.survey.get(r, "name") == name && {
                    let (head, _) = split_type(self.survey.get(r, "type"));
                    matches!(
                        head.as_str(),
                        "select_one" | "integer" | "decimal" | "range"
                    )
                }
            })
        };
        items.len() >= 2 && items.iter().all(|i| numeric(i))
    }

    fn relevant(
        &mut self,
        k: usize,
        names: &Names,
        ids: &HashMap<String, String>,
    ) -> Option<Value> {
        let text = self.survey.get(k, "relevant").to_owned();
        if text.is_empty() {
            return None;
        }
        match expr::condition(&text, names) {
            Ok(c) => Some(rename(c, ids)),
            Err(why) => {
                let place = self.survey.place(k, "relevant");
                let text = one_line(&text);
                self.refuse(place, format!("`{text}` cannot be carried over: {why}"));
                None
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn item(
        &mut self,
        k: usize,
        head: &str,
        list: &str,
        name: &str,
        lists: &HashMap<String, (Vec<Choice>, usize)>,
        labels: &TextColumns,
        hints: &TextColumns,
        langs: &[Lang],
        relevant: Option<Value>,
        scales: &mut BTreeMap<String, Value>,
    ) -> Option<Value> {
        let survey = self.survey;
        let svar = self.json_cell(Some(survey), k);
        let mut item = json!({"id": clean_id(name)});
        if clean_id(name) != name {
            self.warn(
                survey.place(k, "name"),
                format!(
                    "the name `{name}` is written `{}` in Svar (lower-case letters, digits and _)",
                    clean_id(name)
                ),
            );
        }
        let kind = match head {
            "select_one" | "select_multiple" => {
                let Some((choices, first)) = lists.get(list) else {
                    self.refuse(
                        survey.place(k, "type"),
                        format!("there is no choice list `{list}` in the `choices` sheet"),
                    );
                    return None;
                };
                let (_, numbered) = choice_values(choices.iter().map(|c| c.name.as_str()));
                if numbered {
                    let place = self
                        .choices
                        .map_or_else(|| Place::sheet(CHOICES), |c| c.place(*first, "name"));
                    self.warn(place, format!("the choices of `{list}` are not numbers: Svar scores choices by number, so they are numbered 1, 2, 3, … in their order"));
                }
                let options: Vec<Value> = choices
                    .iter()
                    .enumerate()
                    .map(|(n, c)| {
                        let mut o = json!({
                            "value": if numbered { (n + 1) as f64 } else { c.name.parse::<f64>().unwrap_or_default() },
                            "label": c.label.clone().unwrap_or_else(|| json!({})),
                        });
                        merge(&mut o, &c.svar);
                        o
                    })
                    .collect();
                if !survey.get(k, "choice_filter").is_empty() {
                    self.refuse(
                        survey.place(k, "choice_filter"),
                        "a choice filter shows some choices depending on other answers; Svar shows every choice of a question: split the question, or drop the filter".into(),
                    );
                }
                // A list is a scale, shared by the questions that use it, unless it is named
                // after its question (as Svar writes a question's own options).
                let own_type = svar.get("type").and_then(Value::as_str);
                match svar.get("scale").and_then(Value::as_str) {
                    Some(scale) => {
                        scales.insert(scale.to_owned(), json!({ "options": options }));
                    }
                    None if matches!(own_type, Some("body_map" | "yes_no")) => {}
                    None if list == name => item["options"] = json!(options),
                    None => {
                        let scale = clean_id(list);
                        scales.insert(scale.clone(), json!({ "options": options }));
                        item["scale"] = json!(scale);
                    }
                }
                if head == "select_one" {
                    "single_choice"
                } else {
                    "multiple_choice"
                }
            }
            "integer" | "decimal" => {
                match range(survey.get(k, "constraint")) {
                    Some((min, max)) => {
                        item["min"] = json!(min);
                        item["max"] = json!(max);
                    }
                    None if svar.contains_key("min") => {}
                    None => {
                        self.warn(
                            survey.place(k, "constraint"),
                            "a number needs a range on the kiosk's keypad; none is given as `. >= MIN and . <= MAX`, so 0 to 1000000 is used".into(),
                        );
                        item["min"] = json!(0);
                        item["max"] = json!(1_000_000);
                    }
                }
                if head == "decimal" && !svar.contains_key("decimals") {
                    item["decimals"] = json!(2);
                }
                "number"
            }
            "text" => "text",
            "date" => "date",
            "note" => "info",
            "range" => {
                let params = survey.get(k, "parameters").to_owned();
                let param = |key: &str| {
                    params.split_whitespace().find_map(|p| {
                        p.strip_prefix(key)
                            .and_then(|v| v.strip_prefix('='))
                            .and_then(|v| v.parse::<f64>().ok())
                    })
                };
                let (start, end, step) = (
                    param("start").unwrap_or(1.0),
                    param("end").unwrap_or(10.0),
                    param("step").unwrap_or(1.0),
                );
                item["min"] = json!(start);
                item["max"] = json!(end);
                if step == 1.0 && end - start <= 10.0 && start.fract() == 0.0 {
                    "rating"
                } else {
                    "slider"
                }
            }
            "image" if survey.get(k, "appearance").contains("signature") => "signature",
            "acknowledge" => "yes_no",
            other => {
                self.refuse(
                    survey.place(k, "type"),
                    format!("the question type `{other}` is not one Svar asks (it asks select_one, select_multiple, integer, decimal, text, date, note, range, acknowledge and signatures)"),
                );
                return None;
            }
        };
        item["type"] = json!(kind);
        match labels.text(survey, k, langs) {
            Some(text) => item["text"] = text,
            None => {
                self.refuse(
                    survey.place(k, "label"),
                    format!(
                        "the question `{name}` has no label in {}",
                        langs
                            .iter()
                            .map(|l| l.code())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                );
                return None;
            }
        }
        if let Some(help) = hints.text(survey, k, langs) {
            item["help"] = help;
        }
        match survey.get(k, "required").to_lowercase().as_str() {
            "" => {}
            "yes" | "true" | "true()" | "1" => item["required"] = json!(true),
            "no" | "false" | "false()" | "0" => item["required"] = json!(false),
            other => {
                self.warn(
                    survey.place(k, "required"),
                    format!("`{other}` is not yes or no: the question is made required"),
                );
                item["required"] = json!(true);
            }
        }
        if let Some(c) = relevant {
            item["show_if"] = c;
        }
        merge(&mut item, &svar);
        Some(item)
    }

    fn score(
        &mut self,
        k: usize,
        name: &str,
        labels: &TextColumns,
        langs: &[Lang],
    ) -> Option<Value> {
        let survey = self.survey;
        let svar = self.json_cell(Some(survey), k);
        let label = labels.text(survey, k, langs).unwrap_or_else(|| {
            langs
                .iter()
                .map(|l| (l.code().to_owned(), json!(name)))
                .collect::<Map<_, _>>()
                .into()
        });
        let mut score = json!({"id": clean_id(name), "label": label});
        if !svar.is_empty() {
            merge(&mut score, &svar);
            return Some(score);
        }
        let calculation = survey.get(k, "calculation");
        match expr::score(calculation).filter(|_| self.is_score(k)) {
            Some((kind, items)) => {
                score["kind"] = json!(kind);
                score["items"] = json!(items.iter().map(|i| clean_id(i)).collect::<Vec<_>>());
                Some(score)
            }
            None => {
                self.warn(
                    survey.place(k, "calculation"),
                    format!(
                        "`{}` is not a sum or mean of questions with numbers for answers, so `{name}` is not carried over as a score",
                        one_line(calculation)
                    ),
                );
                None
            }
        }
    }
}

/// Types the phone fills in by itself (`end` is the time the form was finished); a kiosk
/// records who and when in its own way.
const NOT_ASKED: &[&str] = &[
    "start",
    "end",
    "today",
    "deviceid",
    "username",
    "audit",
    "simserial",
    "subscriberid",
    "phonenumber",
    "hidden",
    "email",
    "start-geopoint",
    "background-audio",
];

/// A `type` cell as its type and choice list, with the other names XLSForm tools accept
/// (`string`, `int`, `select one`, `select all that apply`, …) read as the usual ones.
fn split_type(cell: &str) -> (String, String) {
    let lower = cell.trim().to_lowercase();
    for (alias, kind) in [
        ("select all that apply from ", "select_multiple"),
        ("select all that apply ", "select_multiple"),
        ("select one from ", "select_one"),
        ("select one ", "select_one"),
        ("select multiple ", "select_multiple"),
        ("select1 ", "select_one"),
        ("select ", "select_multiple"),
    ] {
        if let Some(list) = lower.strip_prefix(alias) {
            let list = cell.trim()[cell.trim().len() - list.len()..].trim();
            return (kind.to_owned(), list.to_owned());
        }
    }
    let (head, list) = match cell.trim().split_once(char::is_whitespace) {
        Some((h, l)) => (h.to_lowercase(), l.trim().to_owned()),
        None => (lower.clone(), String::new()),
    };
    let head = match head.as_str() {
        "string" => "text".to_owned(),
        "int" => "integer".to_owned(),
        "begin" | "end" if !list.is_empty() => format!("{head}_{}", list.to_lowercase()),
        _ => head,
    };
    let list = if cell.trim().to_lowercase().starts_with("begin ")
        || cell.trim().to_lowercase().starts_with("end ")
    {
        String::new()
    } else {
        list
    };
    (head, list)
}

/// `. >= MIN and . <= MAX` (either order, spaces optional) as a range.
fn range(constraint: &str) -> Option<(f64, f64)> {
    let compact: String = constraint.chars().filter(|c| !c.is_whitespace()).collect();
    let mut min = None;
    let mut max = None;
    for part in compact.split("and") {
        if let Some(v) = part.strip_prefix(".>=") {
            min = v.parse().ok();
        } else if let Some(v) = part.strip_prefix(".<=") {
            max = v.parse().ok();
        } else {
            return None;
        }
    }
    Some((min?, max?))
}

/// Writes the names a condition uses as the Svar ids they are imported as.
fn rename(condition: Value, ids: &HashMap<String, String>) -> Value {
    match condition {
        Value::Object(mut o) => {
            for key in ["item", "score"] {
                if let Some(id) = o.get(key).and_then(Value::as_str).and_then(|n| ids.get(n)) {
                    let id = id.clone();
                    o.insert(key.into(), json!(id));
                }
            }
            for key in ["all", "any", "not"] {
                if let Some(v) = o.remove(key) {
                    o.insert(key.into(), rename(v, ids));
                }
            }
            Value::Object(o)
        }
        Value::Array(a) => Value::Array(a.into_iter().map(|c| rename(c, ids)).collect()),
        other => other,
    }
}

/// Adds `extra`'s fields to `target` (Svar's own column wins over the XLSForm columns).
fn merge(target: &mut Value, extra: &Map<String, Value>) {
    if let Some(o) = target.as_object_mut() {
        for (k, v) in extra {
            o.insert(k.clone(), v.clone());
        }
    }
}
