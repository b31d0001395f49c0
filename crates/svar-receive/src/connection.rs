//! Serving the receiver's connections, plain or TLS, with time limits a slow client cannot
//! stretch: `axum::serve` has none, so one slow or silent kiosk (or a stranger) could hold a
//! connection and its task for ever.
//!
//! Each connection is an HTTP/1.1 connection of hyper's, on an I/O wrapper that knows which
//! phase the connection is in: waiting for a request (at most the idle time-out, then it is
//! closed quietly), receiving a request's head (at most the header time-out from its first
//! byte, then it is cut and logged) or handling a request (no limit here: the body limit and
//! the store's own time-outs apply).

use axum::Router;
use hyper::service::Service;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::{Instant, Sleep};

/// How long a connection may keep the receiver waiting (`docs/upload.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionTimeouts {
    /// From the first byte of a request to the end of its head (request line and headers).
    pub header: Duration,
    /// How long a connection may wait for its next request (the first one included) before
    /// it is closed.
    pub idle: Duration,
}

impl Default for ConnectionTimeouts {
    fn default() -> ConnectionTimeouts {
        ConnectionTimeouts {
            header: Duration::from_secs(10),
            idle: Duration::from_secs(60),
        }
    }
}

/// One accepted connection.
pub struct Accepted<Io> {
    /// The stream.
    pub io: Io,
    /// The client's address, for the log.
    pub peer: SocketAddr,
    /// The subject common name of the client certificate the TLS handshake verified, if any.
    pub certificate_name: Option<String>,
}

/// Where [`serve`] takes connections from: a plain [`TcpListener`] or a
/// [`TlsListener`](super::TlsListener).
pub trait Listener: Send + 'static {
    /// The connection's stream.
    type Io: AsyncRead + AsyncWrite + Unpin + Send + 'static;

    /// The next connection. Failures to accept are waited out, never returned: the server
    /// must go on serving the kiosks already connected.
    fn accept(&mut self) -> impl Future<Output = Accepted<Self::Io>> + Send;
}

impl Listener for TcpListener {
    type Io = TcpStream;

    async fn accept(&mut self) -> Accepted<TcpStream> {
        loop {
            match TcpListener::accept(self).await {
                Ok((io, peer)) => {
                    return Accepted {
                        io,
                        peer,
                        certificate_name: None,
                    };
                }
                // Out of file descriptors and the like: wait instead of spinning.
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        }
    }
}

/// The verified client certificate's subject common name, put into each request's
/// extensions by [`serve`]: with client certificates, it is the kiosk id.
#[derive(Debug, Clone)]
pub(super) struct CertificateName(pub String);

/// Serves `router` on `listener` until `shutdown` completes, then stops accepting and waits
/// for the connections' requests in flight (idle connections are closed at once).
pub async fn serve<L: Listener>(
    mut listener: L,
    router: Router,
    timeouts: ConnectionTimeouts,
    shutdown: impl Future<Output = ()> + Send + 'static,
) {
    let (stop, stopping) = tokio::sync::watch::channel(());
    let mut connections = tokio::task::JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                connections.spawn(serve_connection(
                    accepted,
                    router.clone(),
                    timeouts,
                    stopping.clone(),
                ));
            }
            // Finished connections are reaped as they end, so the set does not grow.
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            () = &mut shutdown => break,
        }
    }
    drop(listener);
    // Every connection watches this: the send wakes them, whether or not anyone listens.
    let _ = stop.send(());
    while connections.join_next().await.is_some() {}
}

async fn serve_connection<Io>(
    accepted: Accepted<Io>,
    router: Router,
    timeouts: ConnectionTimeouts,
    mut stopping: tokio::sync::watch::Receiver<()>,
) where
    Io: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let phase = Arc::new(Mutex::new(Phase::Waiting {
        since: Instant::now(),
    }));
    let io = Watched {
        io: accepted.io,
        peer: accepted.peer,
        phase: Arc::clone(&phase),
        timeouts,
        timer: Box::pin(tokio::time::sleep(Duration::ZERO)),
    };
    let certificate = accepted.certificate_name.map(CertificateName);
    let router = TowerToHyperService::new(router);
    let service = hyper::service::service_fn(move |mut request| {
        if let Some(name) = &certificate {
            request.extensions_mut().insert(name.clone());
        }
        set(&phase, Phase::Busy);
        let answer = router.call(request);
        let phase = Arc::clone(&phase);
        async move {
            let response = answer.await;
            set(
                &phase,
                Phase::Waiting {
                    since: Instant::now(),
                },
            );
            response
        }
    });
    let connection =
        hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(io), service);
    tokio::pin!(connection);
    // A client that breaks off is its own business: nothing to report, as with axum::serve.
    tokio::select! {
        _ = connection.as_mut() => {}
        _ = stopping.changed() => {
            connection.as_mut().graceful_shutdown();
            let _ = connection.await;
        }
    }
}

/// Where a connection is in its life, which decides how long a read may wait.
#[derive(Debug, Clone, Copy)]
enum Phase {
    /// Waiting for the first byte of a request since `since`.
    Waiting { since: Instant },
    /// Receiving a request's head, which must be complete by `until`.
    Head { until: Instant },
    /// A request is being handled (its body read, the store written, the answer sent).
    Busy,
}

fn set(phase: &Mutex<Phase>, to: Phase) {
    *phase.lock().unwrap_or_else(PoisonError::into_inner) = to;
}

/// A connection's stream whose reads end when the phase's time is up: quietly (as if the
/// client had closed) when it was idle, with an error when it was sending a head.
struct Watched<Io> {
    io: Io,
    peer: SocketAddr,
    phase: Arc<Mutex<Phase>>,
    timeouts: ConnectionTimeouts,
    timer: Pin<Box<Sleep>>,
}

impl<Io: AsyncRead + Unpin> AsyncRead for Watched<Io> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let polled = Pin::new(&mut this.io).poll_read(cx, buf);
        let mut phase = this.phase.lock().unwrap_or_else(PoisonError::into_inner);
        let deadline = match (*phase, &polled) {
            (Phase::Waiting { .. }, Poll::Ready(Ok(()))) if buf.filled().len() > before => {
                *phase = Phase::Head {
                    until: Instant::now() + this.timeouts.header,
                };
                return polled;
            }
            (_, Poll::Ready(_)) | (Phase::Busy, Poll::Pending) => return polled,
            (Phase::Waiting { since }, Poll::Pending) => since + this.timeouts.idle,
            (Phase::Head { until }, Poll::Pending) => until,
        };
        let waited_for_head = matches!(*phase, Phase::Head { .. });
        drop(phase);
        this.timer.as_mut().reset(deadline);
        if this.timer.as_mut().poll(cx).is_pending() {
            return Poll::Pending;
        }
        if waited_for_head {
            eprintln!(
                "svar receive: {} sent no complete request head within {} s; disconnected",
                this.peer,
                this.timeouts.header.as_secs_f64()
            );
            Poll::Ready(Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "the request head took too long",
            )))
        } else {
            // An empty read is the end of the stream: hyper closes an idle connection quietly.
            Poll::Ready(Ok(()))
        }
    }
}

impl<Io: AsyncWrite + Unpin> AsyncWrite for Watched<Io> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().io).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().io).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }
}
