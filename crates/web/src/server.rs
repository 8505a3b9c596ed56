//! The HTTP server loop: hyper connections with the limits that keep slow or greedy clients
//! from holding the server (a deadline for request headers, a cap on open connections, a cap
//! on streams per HTTP/2 connection) and a graceful shutdown that lets requests in flight
//! finish. Deadlines for request bodies and for whole requests are layers of the router.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use serde::{Deserialize, Serialize};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceExt;

/// How much of the server one client may hold, and for how long.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerLimits {
    /// Seconds a client has to send a request's headers (also how long an idle keep-alive
    /// connection stays open).
    pub header_read_timeout_seconds: u64,
    /// Seconds a client has to send a request's body, measured between chunks.
    pub body_read_timeout_seconds: u64,
    /// Seconds the server spends on one request before answering 408.
    pub request_timeout_seconds: u64,
    /// Connections served at once; further clients wait in the listen queue.
    pub max_connections: usize,
    /// Requests at once on one HTTP/2 connection.
    pub max_streams_per_connection: u32,
}

impl Default for ServerLimits {
    fn default() -> Self {
        Self {
            header_read_timeout_seconds: 10,
            body_read_timeout_seconds: 20,
            request_timeout_seconds: 30,
            max_connections: 1024,
            max_streams_per_connection: 64,
        }
    }
}

/// Serves `app` on `listener` until `shutdown` completes, then stops accepting and waits for
/// the connections' requests in flight to finish.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: ServerLimits,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let connections = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let graceful = GracefulShutdown::new();
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(Duration::from_secs(
            limits.header_read_timeout_seconds.max(1),
        ));
    builder
        .http2()
        .timer(TokioTimer::new())
        .max_concurrent_streams(limits.max_streams_per_connection.max(1));
    tokio::pin!(shutdown);
    loop {
        // Wait for a free slot before accepting, so an excess of clients waits in the kernel's
        // queue instead of each costing a task and its buffers.
        let permit = tokio::select! {
            p = connections.clone().acquire_owned() => p.expect("semaphore is never closed"),
            _ = &mut shutdown => break,
        };
        let (socket, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of file descriptors and the like: wait rather than spin.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            _ = &mut shutdown => break,
        };
        let _ = socket.set_nodelay(true);
        let app = app.clone();
        let service = hyper::service::service_fn(move |mut req: hyper::Request<_>| {
            req.extensions_mut().insert(ConnectInfo::<SocketAddr>(peer));
            app.clone().oneshot(req.map(axum::body::Body::new))
        });
        let conn = builder
            .serve_connection_with_upgrades(TokioIo::new(socket), service)
            .into_owned();
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            // A client that goes away mid-request is routine, not an error of the server.
            if let Err(e) = conn.await {
                tracing::debug!(error = %e, "connection ended");
            }
            drop(permit);
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}
