//! `tandem serve`.

use anyhow::Context;
use clap::Args;
use std::net::SocketAddr;
use std::time::Duration;

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
}

/// Serves until Ctrl-C or SIGTERM.
pub async fn serve(db: store::Db, args: ServeArgs) -> anyhow::Result<()> {
    anyhow::ensure!(
        args.session_idle_minutes > 0,
        "--session-idle-minutes must be positive"
    );
    anyhow::ensure!(args.session_hours > 0, "--session-hours must be positive");
    let auth = web::auth::AuthConfig {
        idle_timeout: chrono::Duration::minutes(args.session_idle_minutes),
        absolute_timeout: chrono::Duration::hours(args.session_hours),
        secure_cookies: args.secure_cookies,
        trusted_proxy_hops: args.trusted_proxy_hops,
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
    axum::serve(
        listener,
        web::app(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown())
    .await
    .context("serving")?;
    db.close().await;
    Ok(())
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
