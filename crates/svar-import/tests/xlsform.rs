//! XLSForm workbooks written here, cell by cell, in nb and da, and the Svar form each must
//! give: every construct the importer takes in, and what it warns of.

use serde_json::{Value, json};
use svar_forms::text::Lang;
use svar_import::{ImportError, Imported};

fn import(sheets: &[(&str, &[&[&str]])]) -> Result<Imported, ImportError> {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("kontroll.xlsx");
    svar_import::sheet::write_book(&path, sheets).expect("workbook");
    svar_import::import(&path, Lang::Nb)
        .expect("a workbook")
        .remove(0)
}

const SETTINGS: &[&[&str]] = &[
    &["form_id", "form_title", "version", "default_language"],
    &["sovn_kontroll", "Søvnkontroll", "1.2.0", "Norsk (nb)"],
];

const CHOICES: &[&[&str]] = &[
    &[
        "list_name",
        "name",
        "label::Norsk (nb)",
        "label::Dansk (da)",
        "label::Swahili (sw)",
    ],
    &["often", "0", "Aldri", "Aldrig", "Kamwe"],
    &[
        "often",
        "1",
        "Noen ganger",
        "Nogle gange",
        "Wakati mwingine",
    ],
    &["often", "2", "Ofte", "Ofte", "Mara nyingi"],
    &["aid", "pill", "Tabletter", "Tabletter", "Vidonge"],
    &["aid", "tea", "Te", "Te", "Chai"],
];

#[test]
fn every_construct_of_a_bokmal_and_danish_workbook_becomes_its_svar_form() {
    let survey: &[&[&str]] = &[
        &[
            "type",
            "name",
            "label::Norsk (nb)",
            "label::Dansk (da)",
            "label::Swahili (sw)",
            "hint::nb",
            "hint::da",
            "required",
            "relevant",
            "constraint",
            "calculation",
            "appearance",
            "parameters",
        ],
        &[
            "begin_group",
            "natt",
            "Om natten",
            "Om natten",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "table-list",
            "",
        ],
        &[
            "select_one often",
            "q1",
            "Sovnet sent",
            "Faldt sent i søvn",
            "",
            "",
            "",
            "yes",
            "",
            "",
            "",
            "",
            "",
        ],
        &[
            "select_one often",
            "q2",
            "Våknet",
            "Vågnede",
            "",
            "",
            "",
            "yes",
            "",
            "",
            "",
            "",
            "",
        ],
        &["end_group", "", "", "", "", "", "", "", "", "", "", "", ""],
        &[
            "begin_group",
            "mer",
            "Mer",
            "Mere",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "field-list",
            "",
        ],
        &[
            "select_multiple aid",
            "aids",
            "Hva hjelper?",
            "Hvad hjælper?",
            "",
            "Velg alle",
            "Vælg alle",
            "",
            "",
            "",
            "",
            "",
            "",
        ],
        &[
            "integer",
            "hours",
            "Timer søvn",
            "Timer søvn",
            "",
            "",
            "",
            "",
            "${q1} >= 1 and selected(${aids}, 'tea')",
            ". >= 0 and . <= 24",
            "",
            "",
            "",
        ],
        &[
            "decimal",
            "weight",
            "Vekt",
            "Vægt",
            "",
            "",
            "",
            "no",
            "",
            ".>=20 and .<=300",
            "",
            "",
            "",
        ],
        &[
            "text",
            "why",
            "Hvorfor?",
            "Hvorfor?",
            "",
            "",
            "",
            "",
            "${total} > 3 or ${q2} = '2'",
            "",
            "",
            "",
            "",
        ],
        &[
            "date",
            "since",
            "Siden når?",
            "Siden hvornår?",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
        ],
        &[
            "note", "thanks", "Takk", "Tak", "", "", "", "", "", "", "", "", "",
        ],
        &[
            "range",
            "rested",
            "Uthvilt",
            "Udhvilet",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "start=0 end=10 step=1",
        ],
        &["end_group", "", "", "", "", "", "", "", "", "", "", "", ""],
        &[
            "calculate",
            "total",
            "Sum",
            "Sum",
            "",
            "",
            "",
            "",
            "",
            "",
            "${q1} + ${q2}",
            "",
            "",
        ],
        &[
            "calculate",
            "avg",
            "Snitt",
            "Gennemsnit",
            "",
            "",
            "",
            "",
            "",
            "",
            "(${q1} + ${q2}) div 2",
            "",
            "",
        ],
        &["today", "when", "", "", "", "", "", "", "", "", "", "", ""],
    ];
    let imported = import(&[
        ("survey", survey),
        ("choices", CHOICES),
        ("settings", SETTINGS),
    ])
    .unwrap_or_else(|e| panic!("{e}"));
    let form: Value = serde_json::from_str(&imported.json).expect("json");
    let often = json!({"options": [
        {"value": 0.0, "label": {"nb": "Aldri", "da": "Aldrig"}},
        {"value": 1.0, "label": {"nb": "Noen ganger", "da": "Nogle gange"}},
        {"value": 2.0, "label": {"nb": "Ofte", "da": "Ofte"}},
    ]});
    assert_eq!(form["scales"]["often"], often);
    assert_eq!(form["id"], "sovn_kontroll");
    assert_eq!(form["version"], "1.2.0");
    assert_eq!(form["languages"], json!(["nb", "da"]));
    assert_eq!(
        form["title"],
        json!({"nb": "Søvnkontroll", "da": "Søvnkontroll"})
    );
    assert_eq!(
        form["pages"][0],
        json!({"id": "natt", "title": {"nb": "Om natten", "da": "Om natten"}, "display": "grid", "items": [
            {"id": "q1", "type": "single_choice", "scale": "often", "text": {"nb": "Sovnet sent", "da": "Faldt sent i søvn"}, "required": true},
            {"id": "q2", "type": "single_choice", "scale": "often", "text": {"nb": "Våknet", "da": "Vågnede"}, "required": true},
        ]})
    );
    let more = &form["pages"][1];
    assert_eq!(more["display"], "together");
    let item = |id: &str| {
        more["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["id"] == id)
            .cloned()
            .unwrap_or_else(|| panic!("{id} in {more}"))
    };
    assert_eq!(
        item("aids"),
        json!({"id": "aids", "type": "multiple_choice", "scale": "aid", "text": {"nb": "Hva hjelper?", "da": "Hvad hjælper?"},
               "help": {"nb": "Velg alle", "da": "Vælg alle"}})
    );
    assert_eq!(
        form["scales"]["aid"],
        json!({"options": [{"value": 1.0, "label": {"nb": "Tabletter", "da": "Tabletter"}},
                           {"value": 2.0, "label": {"nb": "Te", "da": "Te"}}]})
    );
    assert_eq!(
        item("hours"),
        json!({"id": "hours", "type": "number", "text": {"nb": "Timer søvn", "da": "Timer søvn"}, "min": 0.0, "max": 24.0,
               "show_if": {"all": [{"item": "q1", "op": ">=", "value": 1.0}, {"item": "aids", "op": "contains", "value": 2.0}]}})
    );
    assert_eq!(
        (
            &item("weight")["decimals"],
            &item("weight")["min"],
            &item("weight")["required"]
        ),
        (&json!(2), &json!(20.0), &json!(false))
    );
    assert_eq!(
        item("why")["show_if"],
        json!({"any": [{"score": "total", "op": ">", "value": 3.0}, {"item": "q2", "op": "equals", "value": 2.0}]})
    );
    assert_eq!(item("since")["type"], "date");
    assert_eq!(item("thanks")["type"], "info");
    assert_eq!(
        (
            &item("rested")["type"],
            &item("rested")["min"],
            &item("rested")["max"]
        ),
        (&json!("rating"), &json!(0.0), &json!(10.0))
    );
    assert_eq!(
        form["scores"],
        json!([
            {"id": "total", "label": {"nb": "Sum", "da": "Sum"}, "kind": "sum", "items": ["q1", "q2"]},
            {"id": "avg", "label": {"nb": "Snitt", "da": "Gennemsnit"}, "kind": "mean", "items": ["q1", "q2"]},
        ])
    );
    // Approximations are named at their cells: the Swahili columns, the words for `tea`,
    // the phone's `today`.
    let warnings: Vec<String> = imported.warnings.iter().map(ToString::to_string).collect();
    for expected in [
        "sheet `survey`, cell E1 (column `label::swahili (sw)`): the language `swahili (sw)` is not one Svar offers",
        "sheet `choices`, cell B5 (column `name`): the choices of `aid` are not numbers",
        "sheet `survey`, cell A17 (column `type`): `today` is recorded by the phone",
    ] {
        assert!(
            warnings.iter().any(|w| w.starts_with(expected)),
            "`{expected}` in {warnings:#?}"
        );
    }
}

#[test]
fn a_plain_label_column_is_the_default_language_and_questions_outside_groups_get_a_page() {
    let survey: &[&[&str]] = &[
        &["type", "name", "label", "required"],
        &["select_one yn", "ok", "Har du det bra?", "yes"],
        &["text", "more", "Fortell mer", ""],
    ];
    let choices: &[&[&str]] = &[
        &["list_name", "name", "label"],
        &["yn", "1", "Ja"],
        &["yn", "0", "Nei"],
    ];
    let settings: &[&[&str]] = &[&["form_id", "default_language"], &["kort", "nb"]];
    let imported = import(&[
        ("survey", survey),
        ("choices", choices),
        ("settings", settings),
    ])
    .unwrap_or_else(|e| panic!("{e}"));
    let form: Value = serde_json::from_str(&imported.json).expect("json");
    assert_eq!(form["languages"], json!(["nb"]));
    assert_eq!(form["pages"][0]["id"], "page_1");
    assert_eq!(
        form["pages"][0]["items"][1]["text"],
        json!({"nb": "Fortell mer"})
    );
}
