//! TLS for `svar receive` without a proxy in front: the receiver's certificate and key, and
//! optionally a CA whose client certificates kiosks must present (mutual TLS).

use super::connection::{Accepted, Listener};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::server::TlsStream;

/// How long a client may take over its TLS handshake before it is dropped.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// Handshaken connections waiting for the server to take them.
const QUEUE: usize = 64;

/// The files `svar receive --tls-cert … --tls-key … [--client-ca …]` names.
#[derive(Debug, Clone)]
pub struct TlsFiles {
    /// The receiver's certificate chain (PEM), its own certificate first.
    pub cert: PathBuf,
    /// The receiver's private key (PEM).
    pub key: PathBuf,
    /// A CA (PEM): when given, only clients with a certificate it signed may connect.
    pub client_ca: Option<PathBuf>,
}

/// Why the TLS files cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    /// A PEM file cannot be read or holds nothing of the kind needed.
    #[error("{}: {what}", path.display())]
    Pem {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        what: String,
    },
    /// rustls refuses the certificates or key (e.g. the key does not match the certificate).
    #[error("the TLS set-up is not usable: {0}")]
    Config(String),
}

fn certificates(path: &Path) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    let pem = |what: String| TlsError::Pem {
        path: path.to_owned(),
        what,
    };
    let certs = CertificateDer::pem_file_iter(path)
        .map_err(|e| pem(format!("cannot read certificates: {e}")))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| pem(format!("not a PEM certificate file: {e}")))?;
    if certs.is_empty() {
        return Err(pem("holds no PEM certificate".to_owned()));
    }
    Ok(certs)
}

impl TlsFiles {
    /// The server configuration these files describe: TLS 1.2 and 1.3 with the ring provider,
    /// requiring a client certificate from `client_ca` when it is given.
    pub fn server_config(&self) -> Result<Arc<rustls::ServerConfig>, TlsError> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let certs = certificates(&self.cert)?;
        let key = PrivateKeyDer::from_pem_file(&self.key).map_err(|e| TlsError::Pem {
            path: self.key.clone(),
            what: format!("not a PEM private key: {e}"),
        })?;
        let builder = rustls::ServerConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .map_err(|e| TlsError::Config(e.to_string()))?;
        let builder = match &self.client_ca {
            None => builder.with_no_client_auth(),
            Some(ca) => {
                let mut roots = rustls::RootCertStore::empty();
                for cert in certificates(ca)? {
                    roots.add(cert).map_err(|e| TlsError::Pem {
                        path: ca.clone(),
                        what: format!("not a usable CA certificate: {e}"),
                    })?;
                }
                let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(
                    Arc::new(roots),
                    provider,
                )
                .build()
                .map_err(|e| TlsError::Config(e.to_string()))?;
                builder.with_client_cert_verifier(verifier)
            }
        };
        let mut config = builder
            .with_single_cert(certs, key)
            .map_err(|e| TlsError::Config(e.to_string()))?;
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Arc::new(config))
    }
}

/// A listener that hands the server only connections whose TLS handshake succeeded, each with
/// the subject common name of the client certificate it verified (the kiosk id).
///
/// Handshakes run in their own tasks, so a slow or silent client cannot hold up others; a
/// failed handshake is logged (address and reason) and dropped.
pub struct TlsListener {
    ready: mpsc::Receiver<Accepted<TlsStream<TcpStream>>>,
}

/// The subject common name of a DER certificate, if it has one in UTF-8.
fn subject_common_name(der: &[u8]) -> Option<String> {
    let (_, cert) = x509_parser::parse_x509_certificate(der).ok()?;
    let name = cert.subject().iter_common_name().next()?;
    name.as_str().ok().map(str::to_owned)
}

impl TlsListener {
    /// Starts accepting on `tcp` with `config`. Must be called inside a tokio runtime.
    pub fn new(tcp: TcpListener, config: Arc<rustls::ServerConfig>) -> TlsListener {
        let acceptor = TlsAcceptor::from(config);
        let (send, ready) = mpsc::channel(QUEUE);
        tokio::spawn(async move {
            loop {
                let (stream, peer) = match tcp.accept().await {
                    Ok(accepted) => accepted,
                    // Out of file descriptors and the like: wait instead of spinning.
                    Err(_) => {
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        continue;
                    }
                };
                if send.is_closed() {
                    break;
                }
                let acceptor = acceptor.clone();
                let send = send.clone();
                tokio::spawn(async move {
                    match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await {
                        Ok(Ok(tls)) => {
                            let certificate_name = tls
                                .get_ref()
                                .1
                                .peer_certificates()
                                .and_then(|chain| chain.first())
                                .and_then(|cert| subject_common_name(cert));
                            let accepted = Accepted {
                                io: tls,
                                peer,
                                certificate_name,
                            };
                            let _ = send.send(accepted).await;
                        }
                        Ok(Err(e)) => {
                            eprintln!("svar receive: TLS handshake with {peer} failed: {e}")
                        }
                        Err(_) => eprintln!("svar receive: TLS handshake with {peer} timed out"),
                    }
                });
            }
        });
        TlsListener { ready }
    }
}

impl Listener for TlsListener {
    type Io = TlsStream<TcpStream>;

    async fn accept(&mut self) -> Accepted<Self::Io> {
        match self.ready.recv().await {
            Some(accepted) => accepted,
            // The accepting task only ends when this listener is gone.
            None => std::future::pending().await,
        }
    }
}
