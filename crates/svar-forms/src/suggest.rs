//! "Did you mean …?": the closest known name to a misspelt one, for messages to admins.

/// The known name closest to `given`, when it is close enough to be a likely typo
/// (`requird` → `required`, `Required` → `required`, `dk` → `da` is handled by the caller).
pub fn closest<'k>(given: &str, known: impl IntoIterator<Item = &'k str>) -> Option<&'k str> {
    let lower = given.to_lowercase();
    known
        .into_iter()
        .map(|k| (strsim::damerau_levenshtein(&lower, &k.to_lowercase()), k))
        // A third of the longer name may be wrong (`requird`, `lable`, `summ`); names shorter
        // than four letters (`q3`, `q9`) are too alike to guess between, unless only their case
        // differs.
        .filter(|(d, k)| {
            let longer = k.chars().count().max(lower.chars().count());
            *d == 0 || (longer >= 4 && *d <= longer / 3)
        })
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

/// "; did you mean `x`?", to end a message, when a known name is close; else nothing.
pub fn did_you_mean<'k>(given: &str, known: impl IntoIterator<Item = &'k str>) -> String {
    closest(given, known).map_or_else(String::new, |k| format!("; did you mean `{k}`?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_near_names_only() {
        let fields = ["id", "text", "required", "allow_decline", "options"];
        assert_eq!(closest("requird", fields), Some("required"));
        assert_eq!(closest("Required", fields), Some("required"));
        assert_eq!(closest("optoins", fields), Some("options"));
        assert_eq!(closest("colour", fields), None);
        assert_eq!(closest("q9", ["q1", "q2", "q3"]), None);
        assert_eq!(closest("Q1", ["q1", "q2", "q3"]), Some("q1"));
        assert_eq!(closest("summ", ["sum", "mean"]), Some("sum"));
        assert_eq!(did_you_mean("txet", fields), "; did you mean `text`?");
        assert_eq!(did_you_mean("zzz", fields), "");
    }
}
