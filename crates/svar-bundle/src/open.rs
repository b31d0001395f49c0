//! Opening a sealed bundle on the receiving side, telling apart every way a file can fail.

use crate::keys::key_id;
use crate::{Bundle, FORMAT, Identities, KioskKeys};
use serde::Deserialize;
use std::collections::HashMap;
use std::io::{self, Read};
use std::ops::Range;
use std::path::{Path, PathBuf};

/// Why a bundle file could not be opened. Each way a file can fail has its own variant; none
/// of the messages includes answers or patient ids.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// The file could not be read.
    #[error("{}: cannot read the file: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// Not an age file at all.
    #[error("{}: not an age-encrypted file", path.display())]
    NotAge {
        /// The file.
        path: PathBuf,
    },
    /// The file ends early (inside the age header, or at a chunk boundary).
    #[error("{}: the file is truncated (it ends early; was it copied completely?)", path.display())]
    Truncated {
        /// The file.
        path: PathBuf,
    },
    /// None of the identities can decrypt the file.
    #[error("{}: the bundle is not encrypted to this identity (wrong key)", path.display())]
    WrongIdentity {
        /// The file.
        path: PathBuf,
    },
    /// Decryption failed authentication: the file was altered or cut short inside the payload.
    #[error(
        "{}: the file is damaged or was tampered with (decryption failed authentication)",
        path.display()
    )]
    Damaged {
        /// The file.
        path: PathBuf,
    },
    /// The decrypted content is not a bundle envelope.
    #[error("{}: decrypted, but the content is not a svar bundle envelope", path.display())]
    NotEnvelope {
        /// The file.
        path: PathBuf,
    },
    /// The envelope or bundle has a format this version does not read.
    #[error("{}: unsupported bundle format (this version reads {FORMAT})", path.display())]
    UnsupportedFormat {
        /// The file.
        path: PathBuf,
    },
    /// The envelope carries no signature.
    #[error("{}: the bundle is not signed; it cannot be trusted", path.display())]
    Unsigned {
        /// The file.
        path: PathBuf,
    },
    /// The signature is not a minisign signature.
    #[error("{}: the signature is malformed; the bundle cannot be trusted", path.display())]
    MalformedSignature {
        /// The file.
        path: PathBuf,
    },
    /// Signed by a key that is not enrolled.
    #[error(
        "{}: signed by the kiosk key {key_id}, which is not enrolled; the bundle cannot be trusted",
        path.display()
    )]
    UnknownKioskKey {
        /// The file.
        path: PathBuf,
        /// The signature's key id.
        key_id: String,
    },
    /// The signature does not verify.
    #[error(
        "{}: the signature does not verify with the enrolled kiosk key {key_id}: the bundle was \
         altered after signing or signed by another key",
        path.display()
    )]
    BadSignature {
        /// The file.
        path: PathBuf,
        /// The key id the signature names.
        key_id: String,
    },
    /// Signed by the key enrolled for one kiosk, but the bundle names another: a kiosk's key
    /// speaks only for that kiosk.
    #[error(
        "{}: signed by the key enrolled for kiosk `{enrolled}`, but the bundle says it comes from \
         kiosk `{claimed}`; a kiosk key speaks only for its own kiosk, so the bundle cannot be \
         trusted",
        path.display()
    )]
    KioskMismatch {
        /// The file.
        path: PathBuf,
        /// The kiosk the signing key is enrolled for.
        enrolled: String,
        /// The kiosk the bundle names (escaped for printing).
        claimed: String,
    },
    /// The signed bundle does not have the documented fields.
    #[error(
        "{}: signed, but the bundle does not match the format (line {line}, column {column})",
        path.display()
    )]
    InvalidBundle {
        /// The file.
        path: PathBuf,
        /// Line in the bundle's JSON.
        line: usize,
        /// Column in the bundle's JSON.
        column: usize,
    },
}

/// Decrypts a sealed bundle, checks its signature against the enrolled kiosk keys and returns
/// the bundle. The returned bundle is read from exactly the bytes that were signed.
pub fn open(path: &Path, identities: &Identities, kiosk: &KioskKeys) -> Result<Bundle, OpenError> {
    let p = || path.to_owned();
    let sealed = std::fs::read(path).map_err(|source| OpenError::Read { path: p(), source })?;
    let plaintext = decrypt(&sealed, identities).map_err(|kind| match kind {
        DecryptFailure::NotAge => OpenError::NotAge { path: p() },
        DecryptFailure::Truncated => OpenError::Truncated { path: p() },
        DecryptFailure::WrongIdentity => OpenError::WrongIdentity { path: p() },
        DecryptFailure::Damaged => OpenError::Damaged { path: p() },
    })?;
    let envelope = Envelope::parse(&plaintext).ok_or(OpenError::NotEnvelope { path: p() })?;
    if envelope.format != FORMAT {
        return Err(OpenError::UnsupportedFormat { path: p() });
    }
    let signature = envelope
        .signature
        .filter(|s| !s.trim().is_empty())
        .ok_or(OpenError::Unsigned { path: p() })?;
    let signature = minisign::SignatureBox::from_string(&signature)
        .map_err(|_| OpenError::MalformedSignature { path: p() })?;
    let signed_by = key_id(signature.keynum());
    let enrolled = kiosk
        .find(signature.keynum())
        .ok_or_else(|| OpenError::UnknownKioskKey {
            path: p(),
            key_id: signed_by.clone(),
        })?;
    let bad = || OpenError::BadSignature {
        path: p(),
        key_id: signed_by.clone(),
    };
    // The key id outside the signature is informational; a mismatch means someone edited it.
    if envelope.kiosk_key_id != signed_by {
        return Err(bad());
    }
    let bundle_bytes = &plaintext[envelope.bundle];
    minisign::verify(
        &enrolled.key,
        &signature,
        io::Cursor::new(bundle_bytes),
        true,
        false,
        false,
    )
    .map_err(|_| bad())?;
    // serde's messages can quote values (patient data); keep only the position.
    let bundle: Bundle =
        serde_json::from_slice(bundle_bytes).map_err(|e| OpenError::InvalidBundle {
            path: p(),
            line: e.line(),
            column: e.column(),
        })?;
    if bundle.format != FORMAT {
        return Err(OpenError::UnsupportedFormat { path: p() });
    }
    if bundle.kiosk != enrolled.kiosk {
        return Err(OpenError::KioskMismatch {
            path: p(),
            enrolled: enrolled.kiosk.clone(),
            claimed: bundle.kiosk.escape_debug().take(64).collect(),
        });
    }
    Ok(bundle)
}

enum DecryptFailure {
    NotAge,
    Truncated,
    WrongIdentity,
    Damaged,
}

fn decrypt(sealed: &[u8], identities: &Identities) -> Result<Vec<u8>, DecryptFailure> {
    let from_io = |e: io::Error| match e.kind() {
        io::ErrorKind::UnexpectedEof => DecryptFailure::Truncated,
        _ => DecryptFailure::Damaged,
    };
    let decryptor = age::Decryptor::new_buffered(sealed).map_err(|e| match e {
        age::DecryptError::Io(e) => from_io(e),
        _ => DecryptFailure::NotAge,
    })?;
    let mut reader = decryptor
        .decrypt(
            identities
                .0
                .iter()
                .map(|i| i.as_ref() as &dyn age::Identity),
        )
        .map_err(|e| match e {
            age::DecryptError::NoMatchingKeys => DecryptFailure::WrongIdentity,
            age::DecryptError::Io(e) => from_io(e),
            _ => DecryptFailure::Damaged,
        })?;
    let mut plaintext = Vec::new();
    reader.read_to_end(&mut plaintext).map_err(from_io)?;
    Ok(plaintext)
}

/// The envelope's members, with the byte range of the bundle's value in the plaintext.
struct Envelope {
    format: String,
    bundle: Range<usize>,
    signature: Option<String>,
    kiosk_key_id: String,
}

impl Envelope {
    /// Reads the envelope; `None` unless it is one JSON object with exactly the documented
    /// members, each once (`signature` may be missing or `null`: that is reported as unsigned).
    fn parse(text: &[u8]) -> Option<Envelope> {
        let members = object_members(text)?;
        let mut by_name: HashMap<&str, Range<usize>> = HashMap::new();
        for (name, range) in &members {
            let known = ["format", "bundle", "signature", "kiosk_key_id"].contains(&name.as_str());
            if !known || by_name.insert(name.as_str(), range.clone()).is_some() {
                return None;
            }
        }
        let value = |name: &str| by_name.get(name).map(|r| &text[r.clone()]);
        let bundle = by_name.get("bundle")?.clone();
        if text.get(bundle.start) != Some(&b'{') {
            return None;
        }
        Some(Envelope {
            format: serde_json::from_slice(value("format")?).ok()?,
            bundle,
            signature: match value("signature") {
                Some(v) => serde_json::from_slice(v).ok()?,
                None => None,
            },
            kiosk_key_id: serde_json::from_slice(value("kiosk_key_id")?).ok()?,
        })
    }
}

/// The members of the JSON object that is the whole of `text`, each with the byte range of its
/// value. serde_json reads every token, so the ranges are exact and the JSON is checked.
fn object_members(text: &[u8]) -> Option<Vec<(String, Range<usize>)>> {
    let skip_ws = |mut at: usize| {
        while text.get(at).is_some_and(u8::is_ascii_whitespace) {
            at += 1;
        }
        at
    };
    // One JSON value starting at `at`: its end offset.
    fn value_end<'a, T: Deserialize<'a>>(text: &'a [u8], at: usize) -> Option<(T, usize)> {
        let mut stream = serde_json::Deserializer::from_slice(&text[at..]).into_iter::<T>();
        let value = stream.next()?.ok()?;
        Some((value, at + stream.byte_offset()))
    }
    let mut at = skip_ws(0);
    if text.get(at) != Some(&b'{') {
        return None;
    }
    at = skip_ws(at + 1);
    let mut members = Vec::new();
    if text.get(at) == Some(&b'}') {
        at += 1;
    } else {
        loop {
            if text.get(at) != Some(&b'"') {
                return None;
            }
            let (name, end) = value_end::<String>(text, at)?;
            at = skip_ws(end);
            if text.get(at) != Some(&b':') {
                return None;
            }
            let start = skip_ws(at + 1);
            let (serde::de::IgnoredAny, end) = value_end(text, start)?;
            members.push((name, start..end));
            at = skip_ws(end);
            match text.get(at) {
                Some(b',') => at = skip_ws(at + 1),
                Some(b'}') => {
                    at += 1;
                    break;
                }
                _ => return None,
            }
        }
    }
    (skip_ws(at) == text.len()).then_some(members)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn object_members_give_exact_value_ranges() {
        let text = br#" { "a" : {"x": [1, "}"]} , "b":"q\"" ,"c":null} "#;
        let members = object_members(text).unwrap();
        let got: Vec<(&str, &str)> = members
            .iter()
            .map(|(n, r)| (n.as_str(), std::str::from_utf8(&text[r.clone()]).unwrap()))
            .collect();
        assert_eq!(
            got,
            [
                ("a", r#"{"x": [1, "}"]}"#),
                ("b", r#""q\"""#),
                ("c", "null")
            ]
        );
        assert_eq!(object_members(b"{}").unwrap(), []);
        for bad in [
            &b"[1]"[..],
            b"{\"a\":1",
            b"{\"a\":1,}",
            b"{\"a\" 1}",
            b"{\"a\":1} x",
            b"{\"a\":tru}",
            b"{a:1}",
        ] {
            assert!(
                object_members(bad).is_none(),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
    }

    #[test]
    fn envelopes_need_each_member_once_and_nothing_else() {
        let ok = br#"{"format":"f","bundle":{},"signature":"s","kiosk_key_id":"k"}"#;
        let e = Envelope::parse(ok).unwrap();
        assert_eq!((e.format.as_str(), &ok[e.bundle]), ("f", &b"{}"[..]));
        let unsigned = br#"{"format":"f","bundle":{},"kiosk_key_id":"k"}"#;
        assert_eq!(Envelope::parse(unsigned).unwrap().signature, None);
        for bad in [
            &br#"{"format":"f","bundle":{},"bundle":{},"kiosk_key_id":"k"}"#[..],
            br#"{"format":"f","bundle":{},"kiosk_key_id":"k","extra":1}"#,
            br#"{"format":"f","bundle":[],"kiosk_key_id":"k"}"#,
            br#"{"format":1,"bundle":{},"kiosk_key_id":"k"}"#,
            br#"{"bundle":{},"kiosk_key_id":"k"}"#,
        ] {
            assert!(Envelope::parse(bad).is_none());
        }
    }
}
