//! FHIR R4 Questionnaires: Svar forms written as Questionnaires ([`export`]) and
//! Questionnaires, or Bundles of one per language, read into Svar forms ([`read`]).

pub mod export;
pub mod read;

use svar_forms::text::Lang;

/// Svar's own extension: what FHIR has no element for, as JSON, so a form comes back whole.
pub const SVAR_EXT: &str = "urn:svar:fhir:extension";
/// FHIR's translation of a text into another language.
pub const TRANSLATION: &str = "http://hl7.org/fhir/StructureDefinition/translation";
/// The value an answer scores.
pub const ORDINAL: &str = "http://hl7.org/fhir/StructureDefinition/ordinalValue";
/// The value an answer scores, as SDC and LHC-Forms also write it.
pub const ITEM_WEIGHT: &str = "http://hl7.org/fhir/StructureDefinition/itemWeight";

/// The code system of a form's answers.
pub fn form_system(id: &str) -> String {
    format!("urn:svar:form:{id}")
}

/// A Svar language as BCP 47, as FHIR's `language` writes it.
pub fn bcp47(lang: &str) -> &'static str {
    match lang {
        "nb" => "nb-NO",
        "nn" => "nn-NO",
        "da" => "da-DK",
        _ => "en-GB",
    }
}

/// The Svar language of a BCP 47 tag (`nb-NO`, `no`, `da`, `en-US`, …).
pub fn lang_of(tag: &str) -> Option<Lang> {
    let lower = tag.to_lowercase();
    let primary = lower.split(['-', '_']).next().unwrap_or_default();
    Some(match primary {
        "nb" | "no" | "nob" => Lang::Nb,
        "nn" | "nno" => Lang::Nn,
        "da" | "dan" => Lang::Da,
        "en" | "eng" => Lang::En,
        _ => return None,
    })
}
