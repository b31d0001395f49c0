//! Who may upload: bearer tokens from a token file, each issued to one kiosk, or a client
//! certificate whose subject names the kiosk.

use crate::KioskId;
use sha2::{Digest, Sha256};
use std::io;
use std::path::{Path as FsPath, PathBuf};
use subtle::ConstantTimeEq;

/// The bearer tokens uploaders may use, each with the kiosk it was issued to.
pub struct Tokens(Vec<(KioskId, [u8; 32])>);

/// What is wrong with one line of a token file. Never quotes the line: it holds a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TokenLineError {
    /// No `kiosk_id:` before the token.
    #[error("line {0}: no kiosk id: write `kiosk_id:token`")]
    NoKiosk(usize),
    /// The part before the `:` is not a kiosk id.
    #[error(
        "line {0}: the kiosk id before the `:` is not valid: use lower-case letters, digits and _, starting with a letter, as in svar.toml"
    )]
    BadKiosk(usize),
    /// Nothing after the `:`.
    #[error("line {0}: there is no token after the kiosk id")]
    NoToken(usize),
}

/// Why the token file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum TokensError {
    /// The file could not be read.
    #[error("{}: cannot read the token file: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// A line is not `kiosk_id:token`.
    #[error("{}: {source}", path.display())]
    Line {
        /// The file.
        path: PathBuf,
        /// Which line, and what is wrong with it.
        source: TokenLineError,
    },
    /// The file holds no token, so no one could upload.
    #[error("{}: the token file holds no token", path.display())]
    Empty {
        /// The file.
        path: PathBuf,
    },
}

impl Tokens {
    /// How many kiosks hold a token.
    pub fn count(&self) -> usize {
        self.0.len()
    }

    /// Tokens from text: one `kiosk_id:token` a line; blank lines and lines starting with `#`
    /// are skipped. Each line must name the kiosk, because the receiver stores each upload
    /// under the kiosk its token was issued to.
    pub fn parse(text: &str) -> Result<Tokens, TokenLineError> {
        let mut tokens = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let (number, line) = (n + 1, line.trim());
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (kiosk, token) = line
                .split_once(':')
                .ok_or(TokenLineError::NoKiosk(number))?;
            let kiosk = match kiosk.trim() {
                "" => return Err(TokenLineError::NoKiosk(number)),
                kiosk => KioskId::new(kiosk).ok_or(TokenLineError::BadKiosk(number))?,
            };
            let token = token.trim();
            if token.is_empty() {
                return Err(TokenLineError::NoToken(number));
            }
            tokens.push((kiosk, Sha256::digest(token.as_bytes()).into()));
        }
        Ok(Tokens(tokens))
    }

    /// Tokens from a file as [`Tokens::parse`] reads it.
    pub fn load(path: &FsPath) -> Result<Tokens, TokensError> {
        let text = std::fs::read_to_string(path).map_err(|source| TokensError::Read {
            path: path.to_owned(),
            source,
        })?;
        let tokens = Tokens::parse(&text).map_err(|source| TokensError::Line {
            path: path.to_owned(),
            source,
        })?;
        if tokens.0.is_empty() {
            return Err(TokensError::Empty {
                path: path.to_owned(),
            });
        }
        Ok(tokens)
    }

    /// The kiosk the matching token was issued to, or `None` when `token` is not known.
    /// Every entry is compared, in constant time, on hashes of equal length, so the timing
    /// tells nothing about the tokens.
    pub(crate) fn check(&self, token: &str) -> Option<&KioskId> {
        let digest: [u8; 32] = Sha256::digest(token.as_bytes()).into();
        let mut found = None;
        for (kiosk, known) in &self.0 {
            if bool::from(known.ct_eq(&digest)) && found.is_none() {
                found = Some(kiosk);
            }
        }
        found
    }
}

/// Who may upload.
pub enum Access {
    /// Holders of one of these bearer tokens.
    Tokens(Tokens),
    /// Anyone who got through the TLS handshake, which required a client certificate from
    /// the configured CA, whose subject CN is the kiosk id: only for a router served on
    /// such a [`TlsListener`] (elsewhere every upload is refused).
    ClientCertificate,
}

impl From<Tokens> for Access {
    fn from(tokens: Tokens) -> Access {
        Access::Tokens(tokens)
    }
}
