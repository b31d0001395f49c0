//! Newtype identifiers, so an item id is never mistaken for a score id.

use std::fmt;
use std::marker::PhantomData;

/// A checked identifier: lower-case ASCII letters, digits and `_`, starting with a letter,
/// at most 64 characters. `K` says what it identifies.
pub struct Id<K> {
    name: String,
    kind: PhantomData<fn() -> K>,
}

impl<K> Id<K> {
    /// Checks `name` and wraps it; `None` when it is not a valid identifier.
    pub fn new(name: &str) -> Option<Self> {
        is_valid_id(name).then(|| Id {
            name: name.to_owned(),
            kind: PhantomData,
        })
    }

    /// Wraps `name` without checking it. Only for the checker, which records an error for an
    /// invalid id and never hands out a model that holds one.
    pub(crate) fn new_unchecked(name: &str) -> Self {
        Id {
            name: name.to_owned(),
            kind: PhantomData,
        }
    }

    /// The identifier as written in the form file.
    pub fn as_str(&self) -> &str {
        &self.name
    }
}

/// True when `name` is a valid identifier (see [`Id`]).
pub fn is_valid_id(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some('a'..='z'))
        && name.len() <= 64
        && chars.all(|c| matches!(c, 'a'..='z' | '0'..='9' | '_'))
}

/// A kiosk id as the configuration allows it (see [`is_valid_id`]): safe in file and object
/// names, where a receiver puts it before the bundle id.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct KioskId(String);

impl KioskId {
    /// `id` if it is a valid kiosk id.
    pub fn new(id: &str) -> Option<KioskId> {
        is_valid_id(id).then(|| KioskId(id.to_owned()))
    }

    /// The id.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for KioskId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<K> Clone for Id<K> {
    fn clone(&self) -> Self {
        Id {
            name: self.name.clone(),
            kind: PhantomData,
        }
    }
}
impl<K> PartialEq for Id<K> {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}
impl<K> Eq for Id<K> {}
impl<K> PartialOrd for Id<K> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl<K> Ord for Id<K> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.name.cmp(&other.name)
    }
}
impl<K> std::hash::Hash for Id<K> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.name.hash(state)
    }
}
impl<K> fmt::Display for Id<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}
impl<K> fmt::Debug for Id<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.name)
    }
}

/// Marker for form ids.
pub enum FormKind {}
/// Marker for item ids.
pub enum ItemKind {}
/// Marker for page ids.
pub enum PageKind {}
/// Marker for scale ids.
pub enum ScaleKind {}
/// Marker for score ids.
pub enum ScoreKind {}
/// Marker for band ids.
pub enum BandKind {}
/// Marker for flag ids.
pub enum FlagKind {}
/// Marker for body-map region ids.
pub enum RegionKind {}
/// Marker for battery ids.
pub enum BatteryKind {}

/// Identifies a form.
pub type FormId = Id<FormKind>;
/// Identifies an item within a form.
pub type ItemId = Id<ItemKind>;
/// Identifies a page within a form.
pub type PageId = Id<PageKind>;
/// Identifies a scale within a form.
pub type ScaleId = Id<ScaleKind>;
/// Identifies a score within a form.
pub type ScoreId = Id<ScoreKind>;
/// Identifies a band within a score.
pub type BandId = Id<BandKind>;
/// Identifies a flag within a form.
pub type FlagId = Id<FlagKind>;
/// Identifies a region of a body map.
pub type RegionId = Id<RegionKind>;
/// Identifies a battery.
pub type BatteryId = Id<BatteryKind>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_lower_snake_case() {
        assert!(is_valid_id("q1"));
        assert!(is_valid_id("low_back"));
        assert!(ItemId::new("worst_week").is_some());
    }

    #[test]
    fn rejects_other_shapes() {
        for bad in ["", "1q", "Q1", "q-1", "q 1", "_q", "æ", &"a".repeat(65)] {
            assert!(!is_valid_id(bad), "{bad:?}");
        }
    }
}
