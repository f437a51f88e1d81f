//! `techreg serve`: migrate, optionally seed the demo, then run the web server.

use std::net::IpAddr;
use std::sync::Arc;

use actix_web::HttpServer;
use anyhow::Context;
use clap::Args;

use crate::config::Settings;
use crate::web::{AppState, build_app};
use crate::{db, demo};

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[arg(help = "监听地址")]
    #[arg(long, env = "BIND", default_value = "127.0.0.1:8080")]
    pub bind: String,
    #[arg(help = "数据库尚无用户时创建演示账号和数据，并打印登录信息")]
    #[arg(long)]
    pub demo: bool,
    #[arg(help = "经 HTTPS 提供服务（直接或在 TLS 代理之后）：启用 Secure Cookie 与 HSTS")]
    #[arg(long, env = "SECURE_COOKIES")]
    pub secure_cookies: bool,
    #[arg(help = "可信代理地址，信任其 X-Forwarded-For（可重复此参数，环境变量中用逗号分隔）")]
    #[arg(long = "trusted-proxy", env = "TRUSTED_PROXIES", value_delimiter = ',')]
    pub trusted_proxies: Vec<IpAddr>,
    #[arg(help = "连接池中的数据库连接数")]
    #[arg(long, env = "POOL_SIZE", default_value_t = 8)]
    pub pool_size: u32,
}

pub fn run(database_url: &str, args: ServeArgs) -> anyhow::Result<()> {
    init_tracing();
    let pool = db::open(database_url, args.pool_size)?;
    if args.demo {
        let mut conn = pool.get()?;
        match demo::seed_if_empty(&mut conn)? {
            true => println!("已写入演示数据。"),
            false => println!("数据库中已有账号，未写入演示数据。"),
        }
        demo::print_logins();
    }
    let settings = Settings {
        secure_cookies: args.secure_cookies,
        trusted_proxies: args.trusted_proxies,
        ..Settings::default()
    };
    let state = AppState {
        pool: pool.clone(),
        settings: Arc::new(settings),
    };
    let scheme = if args.secure_cookies { "https" } else { "http" };

    actix_web::rt::System::new().block_on(async move {
        let server = HttpServer::new(move || build_app(state.clone()))
            .bind(&args.bind)
            .with_context(|| format!("无法监听 {}", args.bind))?;
        for addr in server.addrs() {
            println!("techreg 已启动：{scheme}://{addr}/");
        }
        actix_web::rt::spawn(purge_loop(pool));
        server.run().await.context("服务器运行失败")
    })
}

/// Removes ended sessions and old login failures every ten minutes.
async fn purge_loop(pool: db::DbPool) {
    let mut interval = actix_web::rt::time::interval(std::time::Duration::from_secs(600));
    loop {
        interval.tick().await;
        let pool = pool.clone();
        let result = actix_web::web::block(move || -> anyhow::Result<()> {
            let mut conn = pool.get()?;
            let policy = crate::auth::session::SessionPolicy::default();
            let now = db::now();
            db::sessions::purge_expired(
                &mut conn,
                now - policy.idle_timeout,
                now - policy.absolute_timeout,
            )?;
            db::throttle::purge_before(&mut conn, now - chrono::Duration::days(1))?;
            Ok(())
        })
        .await;
        if let Ok(Err(e)) | Err(e) = result.map_err(anyhow::Error::from) {
            tracing::warn!(error = %e, "purging ended sessions failed");
        }
    }
}

fn init_tracing() {
    use std::io::IsTerminal;
    use tracing_subscriber::EnvFilter;
    use tracing_subscriber::fmt::format::FmtSpan;
    let filter = EnvFilter::try_from_env("RUST_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    // Colours only for a person at a terminal: log files and collectors get plain text.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_span_events(FmtSpan::CLOSE)
        .with_ansi(std::io::stdout().is_terminal())
        .try_init();
}
