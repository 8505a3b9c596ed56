//! The server loop's limits, over real TCP: slow clients are cut off, connections are capped,
//! and requests in flight finish when the server stops.

use std::time::{Duration, Instant};

use bluedot_web::server::{ServerLimits, serve};
use bluedot_web::{AppState, WebConfig};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Starts the server on a free loopback port with `limits`; returns its address and a sender
/// that stops it, and the task that ends when it has stopped.
async fn start(
    limits: ServerLimits,
) -> (
    std::net::SocketAddr,
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<()>,
    crate::support::TestDb,
) {
    let db = crate::support::sqlite().await;
    let config = WebConfig {
        limits,
        ..WebConfig::default()
    };
    let keys =
        bluedot_store::crypto::KeyRing::parse(&bluedot_store::crypto::KeyRing::generate_spec("t1"))
            .unwrap();
    let app = bluedot_web::router(AppState::new(db.store.clone(), config).with_keys(keys));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        serve(listener, app, limits, async {
            let _ = stopped.await;
        })
        .await
        .unwrap();
    });
    (addr, stop, task, db)
}

/// Reads until the server closes the connection or `within` passes; the bytes read, and
/// whether it closed.
async fn read_until_closed(stream: &mut TcpStream, within: Duration) -> (Vec<u8>, bool) {
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    let deadline = Instant::now() + within;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, stream.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return (got, true),
            Ok(Ok(n)) => got.extend_from_slice(&buf[..n]),
            Err(_) => return (got, false),
        }
    }
}

const GET: &[u8] = b"GET /uk/ HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n";

#[tokio::test]
async fn a_client_that_never_finishes_its_headers_is_cut_off() {
    let limits = ServerLimits {
        header_read_timeout_seconds: 1,
        ..ServerLimits::default()
    };
    let (addr, stop, task, db) = start(limits).await;
    let mut slow = TcpStream::connect(addr).await.unwrap();
    slow.write_all(b"GET /uk/ HTTP/1.1\r\nHost: t\r\nX-Slow: ")
        .await
        .unwrap();
    let started = Instant::now();
    let (_, closed) = read_until_closed(&mut slow, Duration::from_secs(10)).await;
    assert!(closed, "the connection is still open after 10 s");
    assert!(started.elapsed() < Duration::from_secs(5));
    // A client that sends its request whole is served as before.
    let mut quick = TcpStream::connect(addr).await.unwrap();
    quick.write_all(GET).await.unwrap();
    let (reply, _) = read_until_closed(&mut quick, Duration::from_secs(10)).await;
    assert!(
        reply.starts_with(b"HTTP/1.1 200"),
        "{}",
        String::from_utf8_lossy(&reply)
    );
    stop.send(()).unwrap();
    task.await.unwrap();
    db.drop_database().await;
}

#[tokio::test]
async fn a_body_that_stops_arriving_is_refused() {
    let limits = ServerLimits {
        body_read_timeout_seconds: 1,
        ..ServerLimits::default()
    };
    let (addr, stop, task, db) = start(limits).await;
    let mut slow = TcpStream::connect(addr).await.unwrap();
    slow.write_all(
        b"POST /uk/tracing HTTP/1.1\r\nHost: t\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 500\r\n\r\nhub=",
    )
    .await
    .unwrap();
    let started = Instant::now();
    let (reply, closed) = read_until_closed(&mut slow, Duration::from_secs(10)).await;
    assert!(
        closed || !reply.is_empty(),
        "no answer within 10 s to a stalled body"
    );
    assert!(started.elapsed() < Duration::from_secs(8));
    let text = String::from_utf8_lossy(&reply);
    assert!(
        reply.is_empty() || text.starts_with("HTTP/1.1 4"),
        "a stalled body is a client error: {text}"
    );
    stop.send(()).unwrap();
    task.await.unwrap();
    db.drop_database().await;
}

#[tokio::test]
async fn connections_beyond_the_cap_wait_their_turn() {
    let limits = ServerLimits {
        max_connections: 1,
        header_read_timeout_seconds: 2,
        ..ServerLimits::default()
    };
    let (addr, stop, task, db) = start(limits).await;
    // The one slot is held by a client that sends nothing...
    let mut holder = TcpStream::connect(addr).await.unwrap();
    holder.write_all(b"GET").await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    // ...so the next client is not served until the header deadline frees it.
    let started = Instant::now();
    let mut next = TcpStream::connect(addr).await.unwrap();
    next.write_all(GET).await.unwrap();
    let (reply, _) = read_until_closed(&mut next, Duration::from_secs(15)).await;
    assert!(
        reply.starts_with(b"HTTP/1.1 200"),
        "{}",
        String::from_utf8_lossy(&reply)
    );
    assert!(
        started.elapsed() >= Duration::from_millis(1500),
        "served at once although the only slot was taken ({:?})",
        started.elapsed()
    );
    stop.send(()).unwrap();
    task.await.unwrap();
    db.drop_database().await;
}

#[tokio::test]
async fn stopping_lets_a_request_in_flight_finish() {
    let (addr, stop, task, db) = start(ServerLimits::default()).await;
    let mut client = TcpStream::connect(addr).await.unwrap();
    // Headers sent, body still coming when the stop arrives.
    client
        .write_all(b"POST /uk/tracing HTTP/1.1\r\nHost: t\r\nConnection: close\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 3\r\n\r\nh")
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    stop.send(()).unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    client.write_all(b"=x").await.unwrap();
    let (reply, _) = read_until_closed(&mut client, Duration::from_secs(10)).await;
    let text = String::from_utf8_lossy(&reply);
    assert!(text.starts_with("HTTP/1.1 "), "no answer: {text}");
    assert!(!text.starts_with("HTTP/1.1 5"), "{text}");
    tokio::time::timeout(Duration::from_secs(10), task)
        .await
        .expect("the server stops once the request is answered")
        .unwrap();
    assert!(
        TcpStream::connect(addr).await.is_err(),
        "no longer accepting"
    );
    db.drop_database().await;
}
