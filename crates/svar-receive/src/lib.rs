//! `svar receive`: the HTTP service kiosks upload sealed bundles to (see `docs/upload.md`).
//!
//! The receiver never decrypts: it checks the uploader's credential (a bearer token or a
//! client certificate, each naming one kiosk), the bundle id, the body's SHA-256 and that the
//! body is an age file, and stores each bundle once per kiosk in a [`BundleStore`]. A bundle is
//! stored when its receipt exists; the receipt is written after the bundle and only ever once,
//! so a repeat gets the original receipt back and several receivers can share one store.

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::{DefaultBodyLimit, FromRequest, Path, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, put};
use serde::{Deserialize, Serialize};
use std::io;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;
use svar_bundle::{Timestamp, sha256_hex};
use uuid::Uuid;

mod access;
pub mod cli;
mod connection;
mod folder;
mod s3;
mod tls;
pub use access::{Access, TokenLineError, Tokens, TokensError};
use connection::CertificateName;
pub use connection::{Accepted, ConnectionTimeouts, Listener, serve};
pub use folder::FolderStore;
pub use s3::S3Store;
pub use svar_forms::id::KioskId;
pub use svar_s3::{
    DEFAULT_S3_REGION, S3Config, bundle_object_key, endpoint_region, resolve_region, stored_name,
};
pub use tls::{TlsError, TlsFiles, TlsListener};

/// The default request body limit: 16 MiB, far above any bundle a kiosk makes.
pub const DEFAULT_MAX_BYTES: usize = 16 * 1024 * 1024;

/// How every age file begins (the age v1 format's header line); a body that does not is no
/// sealed bundle.
const AGE_HEADER: &[u8] = b"age-encryption.org/v1\n";

/// What the receiver answers for a stored bundle (see `docs/upload.md`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    /// The bundle id.
    pub bundle_id: Uuid,
    /// SHA-256 of the stored bytes, lower-case hex.
    pub sha256: String,
    /// The stored file's size in bytes.
    pub size: u64,
    /// When the bundle was first stored.
    pub stored: Timestamp,
}

/// What storing a bundle did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stored {
    /// Stored now.
    Created(Receipt),
    /// Already stored with the same SHA-256: the original receipt.
    Repeat(Receipt),
    /// The id is taken by different bytes.
    Conflict,
}

/// A store failure. Messages name files and folders of the store, never bundle content.
#[derive(Debug, thiserror::Error)]
pub enum BundleStoreError {
    /// Reading or writing the store failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// A receipt in the store is not a receipt.
    #[error("{}: not a valid receipt", path.display())]
    BadReceipt {
        /// The receipt file.
        path: PathBuf,
    },
    /// A request to the S3 store failed.
    #[error("s3 object {key}: {source}")]
    S3 {
        /// The object's key (empty when no object was involved).
        key: String,
        /// Why.
        source: object_store::Error,
    },
    /// A receipt object in the S3 store is not a receipt.
    #[error("s3 object {key}: not a valid receipt")]
    BadS3Receipt {
        /// The receipt's key.
        key: String,
    },
    /// An object that existed a moment ago is gone: someone deletes from the store.
    #[error("s3 object {key}: vanished while storing")]
    S3Vanished {
        /// The object's key.
        key: String,
    },
    /// The S3 store was used outside a tokio runtime, which its requests need.
    #[error("the S3 store was used outside a tokio runtime")]
    NoRuntime,
}

/// Where bundles are kept: a folder ([`FolderStore`]) or an S3 bucket ([`S3Store`]), each
/// kiosk's under its own names. `put` must store the bytes before the receipt and create the
/// receipt at most once, even when several receivers put the same bundle at the same time.
pub trait BundleStore: Send + Sync + 'static {
    /// Stores `bytes` (whose SHA-256 is `sha256`, lower-case hex) as kiosk `kiosk`'s bundle
    /// `id` unless that kiosk's `id` is already stored.
    fn put(
        &self,
        kiosk: &KioskId,
        id: Uuid,
        bytes: &[u8],
        sha256: &str,
    ) -> Result<Stored, BundleStoreError>;

    /// Whether the store can be written to now.
    fn check_writable(&self) -> Result<(), BundleStoreError>;
}

/// Why a request was refused; each maps to its status and its stable `code` in
/// `docs/upload.md`.
#[derive(Debug, thiserror::Error)]
enum PutError {
    #[error("missing or wrong bearer token")]
    Unauthorized,
    #[error("no verified client certificate names a kiosk on this connection")]
    NoCertificate,
    #[error("the client certificate's subject CN is not a valid kiosk id")]
    BadCertificateName,
    #[error("the token and the client certificate belong to different kiosks")]
    CredentialsDisagree,
    #[error("the bundle id is not a lower-case hyphenated UUID")]
    BadId,
    #[error("X-Svar-Sha256 is missing or not 64 lower-case hex digits")]
    BadChecksumHeader,
    #[error("the body's SHA-256 is not X-Svar-Sha256")]
    ChecksumMismatch,
    #[error("the body is over the limit of {0} bytes")]
    TooLarge(usize),
    #[error("the body could not be read")]
    Body,
    #[error("the body is not an age-encrypted file, so it is no sealed bundle")]
    Malformed,
    #[error("this kiosk's bundle id is stored with a different SHA-256")]
    Conflict,
    #[error("no such endpoint: bundles go to PUT /bundles/{{bundle id}}")]
    NotFound,
    #[error("this method is not allowed here: bundles are sent with PUT")]
    MethodNotAllowed,
    #[error("the store failed: {0}")]
    Store(#[from] BundleStoreError),
    #[error("the store task failed")]
    Task,
}

impl PutError {
    fn status(&self) -> StatusCode {
        match self {
            PutError::Unauthorized
            | PutError::NoCertificate
            | PutError::BadCertificateName
            | PutError::CredentialsDisagree => StatusCode::UNAUTHORIZED,
            PutError::BadId
            | PutError::BadChecksumHeader
            | PutError::ChecksumMismatch
            | PutError::Body
            | PutError::Malformed => StatusCode::BAD_REQUEST,
            PutError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            PutError::Conflict => StatusCode::CONFLICT,
            PutError::NotFound => StatusCode::NOT_FOUND,
            PutError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            PutError::Store(_) | PutError::Task => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The stable code uploaders act on (the message is for people and may change).
    fn code(&self) -> &'static str {
        match self {
            PutError::Unauthorized
            | PutError::NoCertificate
            | PutError::BadCertificateName
            | PutError::CredentialsDisagree => "unauthorized",
            PutError::BadId => "bad_id",
            PutError::BadChecksumHeader => "bad_checksum_header",
            PutError::ChecksumMismatch => "checksum_mismatch",
            PutError::TooLarge(_) => "too_large",
            PutError::Body => "bad_body",
            PutError::Malformed => "malformed_bundle",
            PutError::Conflict => "conflict",
            PutError::NotFound => "not_found",
            PutError::MethodNotAllowed => "method_not_allowed",
            PutError::Store(_) | PutError::Task => "store_failed",
        }
    }
}

/// A note for the request's log line, carried from the handler to the logger.
#[derive(Clone)]
struct LogNote(String);

impl IntoResponse for PutError {
    fn into_response(self) -> Response {
        let status = self.status();
        // BundleStore details (paths, OS errors) go to the log, not to the uploader.
        let public = match self {
            PutError::Store(_) | PutError::Task => "the receiver could not store the bundle".into(),
            ref e => e.to_string(),
        };
        let body = serde_json::json!({ "error": public, "code": self.code() });
        let mut response = (status, axum::Json(body)).into_response();
        response.extensions_mut().insert(LogNote(self.to_string()));
        response
    }
}

struct App {
    store: Arc<dyn BundleStore>,
    access: Access,
    max_bytes: usize,
}

/// The receiver's routes: `PUT /bundles/{bundle_id}`, `GET /credential` (which kiosk a
/// credential is, for `svar doctor`) and `GET /health`, with a log line per
/// request on standard error. Bodies over `max_bytes` are refused with 413; other paths and
/// methods get 404 and 405 with a code, like every refusal.
pub fn router(store: Arc<dyn BundleStore>, access: impl Into<Access>, max_bytes: usize) -> Router {
    let app = Arc::new(App {
        store,
        access: access.into(),
        max_bytes,
    });
    Router::new()
        .route("/bundles/{bundle_id}", put(put_bundle))
        .route("/health", get(health))
        .route("/credential", get(credential))
        .fallback(|| async { PutError::NotFound })
        .method_not_allowed_fallback(|| async { PutError::MethodNotAllowed })
        .layer(DefaultBodyLimit::max(max_bytes))
        .layer(middleware::from_fn(log_request))
        .with_state(app)
}

/// The kiosk an upload's credential identifies, for the request's log line.
#[derive(Clone)]
struct CredentialKiosk(KioskId);

async fn put_bundle(
    State(app): State<Arc<App>>,
    raw_id: Result<Path<String>, PathRejection>,
    request: Request,
) -> Response {
    let mut kiosk = None;
    // A path that does not even decode is no bundle id either.
    let raw_id = raw_id.map(|Path(raw)| raw).unwrap_or_default();
    let mut response = store_upload(&app, &raw_id, request, &mut kiosk)
        .await
        .into_response();
    if let Some(kiosk) = kiosk {
        response.extensions_mut().insert(CredentialKiosk(kiosk));
    }
    response
}

/// The kiosk the request's credential identifies: the token's, or the client certificate's
/// subject CN. With both, they must agree.
fn credential_kiosk(access: &Access, request: &Request) -> Result<KioskId, PutError> {
    let certificate = request
        .extensions()
        .get::<CertificateName>()
        .map(|name| KioskId::new(&name.0).ok_or(PutError::BadCertificateName))
        .transpose()?;
    match access {
        Access::Tokens(tokens) => {
            let token = request
                .headers()
                .get(header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split_once(' '))
                .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("Bearer"))
                .map(|(_, token)| token)
                .ok_or(PutError::Unauthorized)?;
            let kiosk = tokens.check(token).ok_or(PutError::Unauthorized)?;
            match certificate {
                Some(named) if named != *kiosk => Err(PutError::CredentialsDisagree),
                _ => Ok(kiosk.clone()),
            }
        }
        Access::ClientCertificate => certificate.ok_or(PutError::NoCertificate),
    }
}

/// Checks and stores one upload; `kiosk` is set once the credential is known.
async fn store_upload(
    app: &App,
    raw_id: &str,
    request: Request,
    kiosk: &mut Option<KioskId>,
) -> Result<(StatusCode, axum::Json<Receipt>), PutError> {
    // The credential is checked before the body is read, so strangers cannot make us read it.
    let uploader = credential_kiosk(&app.access, &request)?;
    *kiosk = Some(uploader.clone());
    let id = Uuid::parse_str(raw_id)
        .ok()
        .filter(|id| id.to_string() == raw_id)
        .ok_or(PutError::BadId)?;
    let claimed = checksum_header(request.headers()).ok_or(PutError::BadChecksumHeader)?;
    let body = Bytes::from_request(request, &()).await.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            PutError::TooLarge(app.max_bytes)
        } else {
            PutError::Body
        }
    })?;
    let sha256 = sha256_hex(&body);
    if sha256 != claimed {
        return Err(PutError::ChecksumMismatch);
    }
    // Checked after the checksum: these are the bytes the kiosk sent, so a retry cannot help.
    if !body.starts_with(AGE_HEADER) {
        return Err(PutError::Malformed);
    }
    let store = Arc::clone(&app.store);
    let stored = tokio::task::spawn_blocking(move || store.put(&uploader, id, &body, &sha256))
        .await
        .map_err(|_| PutError::Task)??;
    match stored {
        Stored::Created(receipt) => Ok((StatusCode::CREATED, axum::Json(receipt))),
        Stored::Repeat(receipt) => Ok((StatusCode::OK, axum::Json(receipt))),
        Stored::Conflict => Err(PutError::Conflict),
    }
}

fn checksum_header(headers: &HeaderMap) -> Option<String> {
    let value = headers.get("x-svar-sha256")?.to_str().ok()?;
    (value.len() == 64
        && value
            .bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
    .then(|| value.to_owned())
}

/// Says which kiosk the request's credential identifies, without storing anything, so that a
/// kiosk's set-up can be checked before its first patient (`svar doctor`).
async fn credential(State(app): State<Arc<App>>, request: Request) -> Response {
    match credential_kiosk(&app.access, &request) {
        Ok(kiosk) => {
            let mut response =
                axum::Json(serde_json::json!({"kiosk": kiosk.as_str()})).into_response();
            response.extensions_mut().insert(CredentialKiosk(kiosk));
            response
        }
        Err(refused) => refused.into_response(),
    }
}

async fn health(State(app): State<Arc<App>>) -> Response {
    let store = Arc::clone(&app.store);
    match tokio::task::spawn_blocking(move || store.check_writable()).await {
        Ok(Ok(())) => axum::Json(serde_json::json!({"status": "ok"})).into_response(),
        outcome => {
            let note = match outcome {
                Ok(Err(e)) => e.to_string(),
                _ => "the health check task failed".into(),
            };
            let mut response = (
                StatusCode::SERVICE_UNAVAILABLE,
                axum::Json(
                    serde_json::json!({"status": "unavailable", "code": "store_unavailable"}),
                ),
            )
                .into_response();
            response.extensions_mut().insert(LogNote(note));
            response
        }
    }
}

/// Logs one line per request: method, path (the bundle id is the only variable part),
/// kiosk id (the credential's, else the one the uploader names), status, declared body size
/// and duration. Never the token. Bundles are encrypted and the
/// receiver has no key, so nothing logged here can hold patient data.
async fn log_request(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let path = printable(request.uri().path(), 200);
    let named_kiosk = request
        .headers()
        .get("x-svar-kiosk")
        .and_then(|v| v.to_str().ok())
        .map(|k| printable(k, 64));
    let size = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .map_or_else(|| "-".to_owned(), |s| printable(s, 20));
    let response = next.run(request).await;
    let kiosk = response
        .extensions()
        .get::<CredentialKiosk>()
        .map(|k| k.0.to_string())
        .or(named_kiosk)
        .unwrap_or_else(|| "-".to_owned());
    let note = response
        .extensions()
        .get::<LogNote>()
        .map(|n| format!(" ({})", n.0))
        .unwrap_or_default();
    eprintln!(
        "{} {method} {path} kiosk={kiosk} status={} bytes={size} ms={}{note}",
        Timestamp::now(),
        response.status().as_u16(),
        started.elapsed().as_millis()
    );
    response
}

/// `text` cut to `max` characters with anything but visible ASCII replaced, so a client
/// cannot forge log lines.
fn printable(text: &str, max: usize) -> String {
    text.chars()
        .take(max)
        .map(|c| if c.is_ascii_graphic() { c } else { '?' })
        .collect()
}

/// Why the receiver could not run.
#[derive(Debug, thiserror::Error)]
pub enum ReceiveError {
    /// The token file.
    #[error(transparent)]
    Tokens(#[from] TokensError),
    /// The store folder is missing or not a folder.
    #[error("{}: the store folder does not exist or is not a folder", .0.display())]
    StoreFolder(PathBuf),
    /// The S3 store could not be set up.
    #[error(transparent)]
    Store(#[from] BundleStoreError),
    /// The async runtime could not start.
    #[error("cannot start the runtime: {0}")]
    Runtime(io::Error),
    /// The address could not be listened on.
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        /// The address.
        addr: String,
        /// Why.
        source: io::Error,
    },
    /// The TLS files.
    #[error(transparent)]
    Tls(#[from] TlsError),
    /// Neither tokens nor client certificates would be checked.
    #[error("give a token file, or a client CA so that kiosks must present certificates")]
    NoAccessCheck,
}

/// Which store `svar receive` writes to.
#[derive(Debug, Clone)]
pub enum StoreChoice {
    /// A folder, which must exist.
    Folder(PathBuf),
    /// An S3-compatible bucket, which must exist.
    S3(S3Config),
}

/// What `svar receive` is told.
#[derive(Debug, Clone)]
pub struct Settings {
    /// `ADDR:PORT` to listen on.
    pub listen: String,
    /// Where bundles go.
    pub store: StoreChoice,
    /// The bearer token file; `None` only with a client CA.
    pub tokens: Option<PathBuf>,
    /// TLS, when the receiver is not behind a TLS-terminating proxy.
    pub tls: Option<TlsFiles>,
    /// The request body limit.
    pub max_bytes: usize,
    /// How long a connection may take over a request's head and wait between requests.
    pub timeouts: ConnectionTimeouts,
}

/// What the receiver serves with, read and checked from its settings before it listens.
struct Prepared {
    store: Arc<dyn BundleStore>,
    place: String,
    access: Access,
    tls: Option<Arc<rustls::ServerConfig>>,
    requires_certificates: bool,
}

/// Reads the token file and the TLS files and opens the store, as the receiver needs them.
fn prepare(settings: &Settings) -> Result<Prepared, ReceiveError> {
    let requires_certificates = settings
        .tls
        .as_ref()
        .is_some_and(|tls| tls.client_ca.is_some());
    let access = match &settings.tokens {
        Some(file) => Access::Tokens(Tokens::load(file)?),
        None if requires_certificates => Access::ClientCertificate,
        None => return Err(ReceiveError::NoAccessCheck),
    };
    let tls = settings
        .tls
        .as_ref()
        .map(TlsFiles::server_config)
        .transpose()?;
    let (store, place): (Arc<dyn BundleStore>, String) = match &settings.store {
        StoreChoice::Folder(dir) if !dir.is_dir() => {
            return Err(ReceiveError::StoreFolder(dir.to_owned()));
        }
        StoreChoice::Folder(dir) => (Arc::new(FolderStore::new(dir)), dir.display().to_string()),
        StoreChoice::S3(config) => (Arc::new(S3Store::new(config)?), config.to_string()),
    };
    Ok(Prepared {
        store,
        place,
        access,
        tls,
        requires_certificates,
    })
}

/// Checks that a receiver could start as `settings` say, without listening: the token file
/// and TLS files read, the store takes a write, the address is one to listen on. Service
/// managers run it before the receiver starts (`svar-receive --check`), so a broken
/// configuration is reported by name instead of a restart loop. Returns what it checked.
pub fn check(settings: &Settings) -> Result<String, ReceiveError> {
    let prepared = prepare(settings)?;
    let addr = std::net::ToSocketAddrs::to_socket_addrs(settings.listen.as_str())
        .ok()
        .and_then(|mut addrs| addrs.next())
        .ok_or_else(|| ReceiveError::Listen {
            addr: settings.listen.clone(),
            source: io::Error::new(io::ErrorKind::InvalidInput, "not an ADDRESS:PORT"),
        })?;
    let runtime = tokio::runtime::Runtime::new().map_err(ReceiveError::Runtime)?;
    let store = Arc::clone(&prepared.store);
    runtime
        .block_on(async { tokio::task::spawn_blocking(move || store.check_writable()).await })
        .map_err(|e| ReceiveError::Runtime(io::Error::other(e)))??;
    let access = match &prepared.access {
        Access::Tokens(tokens) => format!("{} kiosk token(s)", tokens.count()),
        Access::ClientCertificate => "kiosk client certificates".to_owned(),
    };
    let tls = if prepared.tls.is_some() {
        "TLS"
    } else {
        "plain HTTP"
    };
    Ok(format!(
        "svar receive: ready to listen on {addr} ({tls}), storing in {} (writable), accepting {access}",
        prepared.place
    ))
}

/// Runs a receiver as `settings` say, until SIGTERM or Ctrl-C.
pub fn run(settings: &Settings) -> Result<(), ReceiveError> {
    let Prepared {
        store,
        place,
        access,
        tls,
        requires_certificates,
    } = prepare(settings)?;
    let router = router(store, access, settings.max_bytes);
    let runtime = tokio::runtime::Runtime::new().map_err(ReceiveError::Runtime)?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(&settings.listen)
            .await
            .map_err(|source| ReceiveError::Listen {
                addr: settings.listen.clone(),
                source,
            })?;
        let tls_note = match (&tls, requires_certificates) {
            (None, _) => "",
            (Some(_), false) => ", with TLS",
            (Some(_), true) => ", with TLS requiring client certificates",
        };
        if let Ok(addr) = listener.local_addr() {
            eprintln!("svar receive: listening on {addr}, storing in {place}{tls_note}");
        }
        let timeouts = settings.timeouts;
        match tls {
            Some(config) => {
                let listener = TlsListener::new(listener, config);
                serve(listener, router, timeouts, stop_signal()).await;
            }
            None => serve(listener, router, timeouts, stop_signal()).await,
        }
        Ok(())
    })
}

/// Completes on Ctrl-C or SIGTERM (what service managers send to stop a service).
async fn stop_signal() {
    let terminate = async {
        #[cfg(unix)]
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut term) => {
                term.recv().await;
            }
            // Without a SIGTERM handler Ctrl-C still stops the receiver.
            Err(_) => std::future::pending::<()>().await,
        }
        #[cfg(not(unix))]
        std::future::pending::<()>().await;
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        () = terminate => {}
    }
    eprintln!("svar receive: stopping after the requests in flight");
}
