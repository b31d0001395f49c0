//! Sealed result bundles: the JSON document, its signature and its encryption.
