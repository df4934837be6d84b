//! The accept loop both listeners share: hyper-util's auto (HTTP/1 + HTTP/2) connection
//! builder with a timer, so slow or silent clients are cut off, a cap on open connections,
//! the peer address for handlers (`ConnectInfo<SocketAddr>`), and a bounded graceful shutdown.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::{watch, Semaphore};
use tower::ServiceExt;

#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Time to send the first request's headers, and the idle time between keep-alive requests.
    pub read_timeout: Duration,
    /// Open connections at once; more wait in the kernel's accept queue.
    pub max_connections: usize,
}

/// How long shutdown waits for in-flight requests before dropping the connections.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    mut stop: watch::Receiver<bool>,
) {
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.read_timeout);
    builder
        .http2()
        .timer(TokioTimer::new())
        .keep_alive_interval(Some(Duration::from_secs(30)))
        .keep_alive_timeout(limits.read_timeout);
    let builder = Arc::new(builder);
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let graceful = GracefulShutdown::new();
    loop {
        let permit = tokio::select! {
            p = slots.clone().acquire_owned() => p.expect("semaphore is never closed"),
            _ = stopped(&mut stop) => break,
        };
        let (socket, peer) = tokio::select! {
            r = listener.accept() => match r {
                Ok(x) => x,
                Err(e) => {
                    // Out of file descriptors and the like: wait instead of spinning.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            _ = stopped(&mut stop) => break,
        };
        let _ = socket.set_nodelay(true);
        let seen_request = Arc::new(AtomicBool::new(false));
        let seen = seen_request.clone();
        let svc = app
            .clone()
            .map_request(move |mut req: axum::http::Request<Incoming>| {
                seen.store(true, Ordering::Relaxed);
                req.extensions_mut().insert(ConnectInfo(peer));
                req
            });
        let builder = builder.clone();
        let watcher = graceful.watcher();
        let read_timeout = limits.read_timeout;
        tokio::spawn(async move {
            let _permit = permit;
            let conn = builder
                .serve_connection(TokioIo::new(socket), TowerToHyperService::new(svc))
                .into_owned();
            let conn = watcher.watch(conn);
            tokio::pin!(conn);
            // Until the protocol is known, hyper-util's version sniffing has no timeout of its
            // own: a client that connects and sends nothing (or a few bytes) is dropped here.
            tokio::select! {
                _ = conn.as_mut() => return,
                _ = tokio::time::sleep(read_timeout) => {}
            }
            if !seen_request.load(Ordering::Relaxed) {
                return;
            }
            let _ = conn.await;
        });
    }
    drop(listener);
    tokio::select! {
        _ = graceful.shutdown() => {}
        _ = tokio::time::sleep(SHUTDOWN_GRACE) => {
            tracing::warn!("shutdown: dropping connections still open after {SHUTDOWN_GRACE:?}");
        }
    }
}

async fn stopped(stop: &mut watch::Receiver<bool>) {
    let _ = stop.wait_for(|s| *s).await;
}

/// The client's address, when the request came through `serve`.
pub fn peer_addr(extensions: &axum::http::Extensions) -> Option<SocketAddr> {
    extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(a)| *a)
}
