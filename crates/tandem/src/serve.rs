//! `tandem serve`.

use anyhow::Context;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode};
use axum::response::IntoResponse;
use clap::Args;
use hyper::body::Incoming;
use std::net::SocketAddr;
use std::time::Duration;
use tower::ServiceExt;

/// Server settings.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "TANDEM_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// Mark cookies `Secure` (set when served behind https).
    #[arg(long, env = "TANDEM_SECURE_COOKIES")]
    pub secure_cookies: bool,
    /// Number of reverse proxies in front whose X-Forwarded-For entries are trusted.
    #[arg(long, env = "TANDEM_TRUSTED_PROXY_HOPS", default_value_t = 0)]
    pub trusted_proxy_hops: usize,
    /// Minutes of inactivity after which a session ends.
    #[arg(long, env = "TANDEM_SESSION_IDLE_MINUTES", default_value_t = 120)]
    pub session_idle_minutes: i64,
    /// Hours after sign-in at which a session ends regardless.
    #[arg(long, env = "TANDEM_SESSION_HOURS", default_value_t = 12)]
    pub session_hours: i64,
    /// Failed sign-ins from one client address, within 15 minutes, after which sign-in from it
    /// is refused. Much higher than the per-account limit (5): a hospital's staff often share
    /// one address.
    #[arg(long, env = "TANDEM_MAX_FAILURES_PER_ADDRESS", default_value_t = 100)]
    pub max_failures_per_address: i64,
    /// Seconds a client has to send a request's headers once it starts; a slower one is cut
    /// off (a slowloris client holds connections open by dribbling headers).
    #[arg(long, env = "TANDEM_HEADER_TIMEOUT_SECS", default_value_t = 10)]
    pub header_timeout_secs: u64,
    /// Seconds a client has to send a whole request body once its headers are in.
    #[arg(long, env = "TANDEM_BODY_TIMEOUT_SECS", default_value_t = 30)]
    pub body_timeout_secs: u64,
    /// Seconds a request may take in all, body and handler, before it is answered 503.
    #[arg(long, env = "TANDEM_REQUEST_TIMEOUT_SECS", default_value_t = 120)]
    pub request_timeout_secs: u64,
}

/// Serves until Ctrl-C or SIGTERM.
pub async fn serve(db: store::Db, args: ServeArgs) -> anyhow::Result<()> {
    anyhow::ensure!(
        args.session_idle_minutes > 0,
        "--session-idle-minutes must be positive"
    );
    anyhow::ensure!(args.session_hours > 0, "--session-hours must be positive");
    anyhow::ensure!(
        args.max_failures_per_address > 0,
        "--max-failures-per-address must be positive"
    );
    let limits = Limits::of(&args)?;
    let auth = web::auth::AuthConfig {
        idle_timeout: chrono::Duration::minutes(args.session_idle_minutes),
        absolute_timeout: chrono::Duration::hours(args.session_hours),
        secure_cookies: args.secure_cookies,
        trusted_proxy_hops: args.trusted_proxy_hops,
        max_failures_per_address: args.max_failures_per_address,
        ..web::auth::AuthConfig::default()
    };
    let idle = auth.idle_timeout;
    let state = web::AppState::new(db.clone(), auth)?;
    let listener = tokio::net::TcpListener::bind(args.addr)
        .await
        .with_context(|| format!("listening on {}", args.addr))?;
    // Build every program's indicator engine now, so the first dashboard is quick; pages that
    // come first build theirs on demand.
    tokio::spawn(state.app.clone().warm_engines());
    // Other servers on the same database (and command-line imports) change what the engines
    // hold: follow the store's change log so this server's figures keep up within a second.
    tokio::spawn(app::engines::follow(state.app.clone()));
    let purge_db = db.clone();
    tokio::spawn(async move {
        // Expired sessions are refused on use anyway; this only keeps the table small.
        let mut tick = tokio::time::interval(Duration::from_secs(600));
        loop {
            tick.tick().await;
            let now = store::now();
            if let Err(error) = purge_db.purge_sessions(now - idle, now).await {
                tracing::warn!(%error, "purging sessions failed");
            }
        }
    });
    println!(
        "tandem is serving on http://{}/ ({:?})",
        listener.local_addr()?,
        db.backend()
    );
    serve_connections(listener, web::app(state), limits, shutdown()).await;
    db.close().await;
    Ok(())
}

/// How long a client may take: the defence against slow clients that hold connections open.
#[derive(Debug, Clone, Copy)]
struct Limits {
    header: Duration,
    body: Duration,
    request: Duration,
}

impl Limits {
    fn of(args: &ServeArgs) -> anyhow::Result<Self> {
        for (flag, secs) in [
            ("--header-timeout-secs", args.header_timeout_secs),
            ("--body-timeout-secs", args.body_timeout_secs),
            ("--request-timeout-secs", args.request_timeout_secs),
        ] {
            anyhow::ensure!(secs > 0, "{flag} must be positive");
        }
        Ok(Self {
            header: Duration::from_secs(args.header_timeout_secs),
            body: Duration::from_secs(args.body_timeout_secs),
            request: Duration::from_secs(args.request_timeout_secs),
        })
    }
}

/// Accepts connections until `shutdown`, each served over HTTP/1.1 with `limits`, then lets the
/// open ones finish (for at most ten seconds). `axum::serve` sets no header-read time-out (its
/// connection builder has no timer), so a client dribbling headers could hold a connection,
/// and a task, for ever; hyper's own builder, given a timer, closes such a connection.
async fn serve_connections(
    listener: tokio::net::TcpListener,
    app: axum::Router,
    limits: Limits,
    shutdown: impl std::future::Future<Output = ()>,
) {
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors, say: wait a moment rather than spin.
                    tracing::warn!(%error, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let app = app.clone();
        let service = hyper::service::service_fn(move |request: Request<Incoming>| {
            let app = app.clone();
            async move {
                let (mut parts, body) = request.into_parts();
                parts.extensions.insert(ConnectInfo(peer));
                let body = axum::body::Body::new(DeadlineBody::new(body, limits.body));
                let answer = tokio::time::timeout(
                    limits.request,
                    app.oneshot(Request::from_parts(parts, body)),
                )
                .await;
                Ok::<_, std::convert::Infallible>(match answer {
                    Ok(Ok(response)) => response,
                    Ok(Err(never)) => match never {},
                    Err(_) => {
                        tracing::warn!(%peer, "a request ran past its time limit");
                        StatusCode::SERVICE_UNAVAILABLE.into_response()
                    }
                })
            }
        });
        let mut builder = hyper::server::conn::http1::Builder::new();
        builder
            .timer(hyper_util::rt::TokioTimer::new())
            .header_read_timeout(limits.header);
        let connection =
            graceful.watch(builder.serve_connection(hyper_util::rt::TokioIo::new(stream), service));
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                tracing::debug!(%error, %peer, "connection ended with an error");
            }
        });
    }
    drop(listener);
    if tokio::time::timeout(Duration::from_secs(10), graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("connections still open ten seconds after shutdown began; closing them");
    }
}

/// A request body that must arrive whole before a deadline set when its headers came in. A
/// time-out between chunks would not do: a client could send a byte just inside each one.
struct DeadlineBody {
    body: axum::body::Body,
    deadline: std::pin::Pin<Box<tokio::time::Sleep>>,
}

impl DeadlineBody {
    fn new(body: Incoming, limit: Duration) -> Self {
        Self {
            body: axum::body::Body::new(body),
            deadline: Box::pin(tokio::time::sleep(limit)),
        }
    }
}

/// The error a body past its deadline ends with.
#[derive(Debug, thiserror::Error)]
#[error("the request body did not arrive in time")]
struct BodyTimedOut;

impl http_body::Body for DeadlineBody {
    type Data = bytes::Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        use std::future::Future as _;
        if self.body.is_end_stream() {
            return std::task::Poll::Ready(None);
        }
        if self.deadline.as_mut().poll(cx).is_ready() {
            return std::task::Poll::Ready(Some(Err(axum::Error::new(BodyTimedOut))));
        }
        std::pin::Pin::new(&mut self.body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.body.size_hint()
    }
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
