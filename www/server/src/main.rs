//! `tokensmith-devserver`: prints the bound address (first line of stdout), then the demo
//! credentials when no config file is given, and serves until Ctrl-C.

use std::io::Write;
use std::process::ExitCode;
use tokensmith_devserver::cli;
use tokensmith_devserver::config::Config;

fn load(opts: &cli::Options) -> Result<(Config, bool), String> {
    let (mut config, demo) = match &opts.config {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            (Config::from_toml(&text)?, false)
        }
        None => (Config::demo(), true),
    };
    if let Some(bind) = opts.bind {
        config.server.bind = bind;
    }
    if let Some(port) = opts.port {
        config.server.port = port;
    }
    if let Some(www) = &opts.www {
        config.server.www_dir = www.clone();
    }
    if let Some(pkg) = &opts.pkg {
        config.server.pkg_dir = pkg.clone();
    }
    Ok((config, demo))
}

async fn run() -> Result<(), String> {
    let opts = cli::parse(std::env::args().skip(1))?;
    if opts.help {
        println!("{}", cli::USAGE);
        return Ok(());
    }
    let (config, demo) = load(&opts)?;
    let demo_text = demo.then(|| config.describe_demo());
    let bound = tokensmith_devserver::bind(config).await?;
    let mut out = std::io::stdout().lock();
    // Tests and scripts read this first line to find the server.
    let _ = writeln!(out, "http://{}", bound.addr);
    if let Some(text) = demo_text {
        let _ = write!(out, "{text}");
    }
    let _ = out.flush();
    drop(out);
    eprintln!(
        "{}",
        serde_json::json!({"level": "info", "event": "listening", "addr": bound.addr.to_string()})
    );
    bound
        .serve(shutdown_signal())
        .await
        .map_err(|e| format!("server error: {e}"))
}

/// Ctrl-C, or SIGTERM on Unix (what `kill` and process supervisors send).
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("tokensmith-devserver: {message}");
            ExitCode::FAILURE
        }
    }
}
