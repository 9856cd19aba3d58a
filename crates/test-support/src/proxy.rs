//! A loopback fault proxy between the app and the real server: it passes, refuses, hangs, loses
//! answers the server committed, answers 500, corrupts a chunk, or slows the link, per request.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What the proxy does with the next connections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Forward both ways.
    Pass,
    /// Accept and close at once (the server seems down).
    Refuse,
    /// Accept and never answer.
    Hang,
    /// Forward the request; when the server starts answering, cut the connection: the server
    /// has committed, the client never hears it.
    LoseResponse,
    /// Answer 500 without asking the server.
    ServerError,
    /// For requests whose first line starts with the first text, answer the second (a whole
    /// HTTP response) without asking the server; the others pass.
    AnswerTo(&'static str, &'static str),
    /// Requests whose first line starts with this pass so many times; after that their
    /// connection is closed (the network went down in the middle); the others pass.
    RefuseAfter(&'static str, usize),
    /// Forward, but 200 ms late each way.
    Slow,
    /// Like `LoseResponse`, only for requests whose first line starts with this (`"PATCH "`).
    LoseResponseTo(&'static str),
    /// Forward, flipping one byte of the body of the next request whose first line starts with
    /// this; then `Pass` again (a chunk damaged on the way, once).
    CorruptOnce(&'static str),
    /// Like `CorruptOnce`, for every such request (a line that damages whatever it carries).
    Corrupt(&'static str),
}

/// A whole 500 answer, as a proxy or a crashed handler gives it (not a Masar error body).
pub const SERVER_ERROR: &str =
    "HTTP/1.1 500 Internal Server Error\r\ncontent-length: 4\r\nconnection: close\r\n\r\noops";

#[derive(Debug, Clone)]
pub struct Proxy {
    pub url: String,
    fault: Arc<Mutex<Fault>>,
    pushes: Arc<std::sync::atomic::AtomicUsize>,
    /// Every byte that went through, both ways (for tests that look for tokens elsewhere).
    traffic: Arc<Mutex<Vec<u8>>>,
    /// Requests the current fault's `RefuseAfter` counted.
    matched: Arc<std::sync::atomic::AtomicUsize>,
}

impl Proxy {
    pub async fn start(target: std::net::SocketAddr) -> Self {
        Self::start_to(vec![target]).await
    }

    /// A proxy in front of several server nodes: each connection goes to the next in turn, as
    /// behind a round-robin load balancer.
    pub async fn start_to(targets: Vec<std::net::SocketAddr>) -> Self {
        Self::listen().await.forward_to(targets)
    }

    /// A proxy's port, before its servers are there (servers whose public address is the
    /// proxy's start after it).
    pub async fn listen() -> ProxyPort {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        ProxyPort { listener, url }
    }
}

/// A proxy's listening port (see [`Proxy::listen`]).
#[derive(Debug)]
pub struct ProxyPort {
    listener: TcpListener,
    pub url: String,
}

impl ProxyPort {
    /// Starts forwarding to `targets` in turn.
    pub fn forward_to(self, targets: Vec<std::net::SocketAddr>) -> Proxy {
        let ProxyPort { listener, url } = self;
        let fault = Arc::new(Mutex::new(Fault::Pass));
        let pushes = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let traffic = Arc::new(Mutex::new(Vec::new()));
        let matched = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let links = Links {
            fault: fault.clone(),
            pushes: pushes.clone(),
            traffic: traffic.clone(),
            matched: matched.clone(),
        };
        tokio::spawn(async move {
            let mut turn = 0_usize;
            while let Ok((client, _)) = listener.accept().await {
                turn += 1;
                tokio::spawn(handle(client, targets[turn % targets.len()], links.clone()));
            }
        });
        Proxy { url, fault, pushes, traffic, matched }
    }
}

impl Proxy {
    /// Every token that crossed the proxy: bearer tokens in requests, access and refresh tokens
    /// in bodies both ways.
    pub fn tokens_seen(&self) -> Vec<String> {
        let traffic = String::from_utf8_lossy(&self.traffic.lock().unwrap()).into_owned();
        let mut tokens = Vec::new();
        let markers = [
            "Bearer ",
            "bearer ",
            "\"accessToken\":\"",
            "\"refreshToken\":\"",
            "\"access_token\":\"",
            "\"refresh_token\":\"",
            "refresh_token=",
        ];
        for marker in markers {
            for (start, _) in traffic.match_indices(marker) {
                let rest = &traffic[start + marker.len()..];
                let token: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || "-_.~+/=".contains(*c))
                    .collect();
                if token.len() >= 16 && !tokens.contains(&token) {
                    tokens.push(token);
                }
            }
        }
        tokens
    }

    /// How many push requests came through (whatever the fault did with them).
    pub fn pushes(&self) -> usize {
        self.pushes.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// How many requests starting with `start` (`"PATCH /v1/uploads/"`) came through.
    pub fn requests(&self, start: &str) -> usize {
        let traffic = self.traffic.lock().unwrap();
        traffic.windows(start.len()).filter(|w| *w == start.as_bytes()).count()
    }

    /// From now on, for every request, also on connections already open (the client pools them).
    pub fn set(&self, fault: Fault) {
        *self.fault.lock().unwrap() = fault;
        self.matched.store(0, std::sync::atomic::Ordering::SeqCst);
    }
}

/// What each proxied connection shares with the proxy.
#[derive(Clone)]
struct Links {
    fault: Arc<Mutex<Fault>>,
    pushes: Arc<std::sync::atomic::AtomicUsize>,
    traffic: Arc<Mutex<Vec<u8>>>,
    matched: Arc<std::sync::atomic::AtomicUsize>,
}

/// True when `chunk` begins an HTTP request (its method), not a body's continuation.
fn starts_request(chunk: &[u8]) -> bool {
    ["GET ", "HEAD ", "POST ", "PUT ", "PATCH ", "DELETE ", "OPTIONS "]
        .iter()
        .any(|m| chunk.starts_with(m.as_bytes()))
}

/// Decides per request chunk, so a kept-alive connection meets the fault too.
async fn handle(client: TcpStream, target: std::net::SocketAddr, links: Links) {
    let Links { fault, pushes, traffic, matched } = links;
    let current = || *fault.lock().unwrap();
    let (mut client_read, client_write) = client.into_split();
    let client_write = Arc::new(tokio::sync::Mutex::new(client_write));
    let lose = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut server_write: Option<tokio::net::tcp::OwnedWriteHalf> = None;
    let mut downstream: Option<tokio::task::JoinHandle<()>> = None;
    let mut corrupt_next = false;
    let mut buffer = [0_u8; 16384];
    while let Ok(n) = client_read.read(&mut buffer).await {
        if n == 0 {
            break;
        }
        traffic.lock().unwrap().extend_from_slice(&buffer[..n]);
        if buffer[..n].starts_with(b"POST /v1/sync/push ") {
            pushes.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
        let mode = current();
        let starts = |start: &str| buffer[..n].starts_with(start.as_bytes());
        let answer = match mode {
            Fault::ServerError => Some(SERVER_ERROR),
            Fault::AnswerTo(start, answer) if starts(start) => Some(answer),
            _ => None,
        };
        if let Some(answer) = answer {
            let _ = client_write.lock().await.write_all(answer.as_bytes()).await;
            break;
        }
        if let Fault::RefuseAfter(start, passes) = mode
            && starts(start)
            && matched.fetch_add(1, std::sync::atomic::Ordering::SeqCst) >= passes
        {
            break;
        }
        match mode {
            // `ServerError` was answered above.
            Fault::Refuse | Fault::ServerError => break,
            Fault::Hang => {
                tokio::time::sleep(Duration::from_secs(120)).await;
                break;
            }
            mode @ (Fault::Pass
            | Fault::AnswerTo(..)
            | Fault::RefuseAfter(..)
            | Fault::Slow
            | Fault::LoseResponse
            | Fault::LoseResponseTo(_)
            | Fault::CorruptOnce(_)
            | Fault::Corrupt(_)) => {
                let chunk = &mut buffer[..n];
                match mode {
                    Fault::LoseResponseTo(start) => {
                        if chunk.starts_with(start.as_bytes()) {
                            lose.store(true, std::sync::atomic::Ordering::SeqCst);
                        }
                    }
                    Fault::CorruptOnce(start) | Fault::Corrupt(start) => {
                        let starts = chunk.starts_with(start.as_bytes());
                        // Where the body begins: after the headers in the request's first chunk.
                        let body_from = if starts {
                            Some(chunk.windows(4).position(|w| w == b"\r\n\r\n").map_or(n, |at| at + 4))
                        } else {
                            corrupt_next.then_some(0)
                        };
                        match body_from {
                            Some(from) if from < n => {
                                chunk[n - 1] ^= 0xff;
                                corrupt_next = false;
                                if matches!(mode, Fault::CorruptOnce(_)) {
                                    *fault.lock().unwrap() = Fault::Pass;
                                }
                            }
                            Some(_) => corrupt_next = true,
                            None => {}
                        }
                    }
                    _ => lose.store(mode == Fault::LoseResponse, std::sync::atomic::Ordering::SeqCst),
                }
                // Late once per request (not per read: a 4 MiB upload chunk is hundreds of reads).
                if mode == Fault::Slow && starts_request(&buffer[..n]) {
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                if server_write.is_none() {
                    let Ok(server) = TcpStream::connect(target).await else { break };
                    let (mut server_read, write) = server.into_split();
                    server_write = Some(write);
                    let (to_client, lose, traffic) = (client_write.clone(), lose.clone(), traffic.clone());
                    downstream = Some(tokio::spawn(async move {
                        let mut buffer = [0_u8; 16384];
                        while let Ok(n) = server_read.read(&mut buffer).await {
                            if n == 0 {
                                break;
                            }
                            traffic.lock().unwrap().extend_from_slice(&buffer[..n]);
                            if lose.load(std::sync::atomic::Ordering::SeqCst) {
                                // The server answered (so it committed); the client hears nothing.
                                let _ = to_client.lock().await.shutdown().await;
                                break;
                            }
                            if to_client.lock().await.write_all(&buffer[..n]).await.is_err() {
                                break;
                            }
                        }
                    }));
                }
                let Some(write) = server_write.as_mut() else { break };
                if write.write_all(&buffer[..n]).await.is_err() {
                    break;
                }
            }
        }
    }
    if let Some(task) = downstream {
        task.abort();
    }
}
