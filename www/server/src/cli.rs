//! Command-line options. Hand-written: five flags do not justify an argument-parser dependency.

use std::net::IpAddr;
use std::path::PathBuf;

pub const USAGE: &str = "usage: tokensmith-devserver [--config FILE] [--bind IP] [--port N] \
[--www DIR] [--pkg DIR]\n  --port 0 picks a free port; the bound address is the first line of stdout.";

#[derive(Debug, Default, PartialEq)]
pub struct Options {
    pub config: Option<PathBuf>,
    pub bind: Option<IpAddr>,
    pub port: Option<u16>,
    pub www: Option<PathBuf>,
    pub pkg: Option<PathBuf>,
    pub help: bool,
}

pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Options, String> {
    let mut opts = Options::default();
    let mut args = args.into_iter();
    while let Some(flag) = args.next() {
        if flag == "--help" || flag == "-h" {
            opts.help = true;
            continue;
        }
        let value = args
            .next()
            .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))?;
        match flag.as_str() {
            "--config" => opts.config = Some(PathBuf::from(value)),
            "--bind" => {
                opts.bind = Some(value.parse().map_err(|_| format!("invalid IP {value:?}"))?)
            }
            "--port" => {
                opts.port = Some(
                    value
                        .parse()
                        .map_err(|_| format!("invalid port {value:?}"))?,
                )
            }
            "--www" => opts.www = Some(PathBuf::from(value)),
            "--pkg" => opts.pkg = Some(PathBuf::from(value)),
            other => return Err(format!("unknown option {other:?}\n{USAGE}")),
        }
    }
    Ok(opts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn parses_flags() {
        let o = parse(args(&[
            "--port",
            "0",
            "--bind",
            "127.0.0.1",
            "--config",
            "x.toml",
        ]))
        .unwrap();
        assert_eq!(o.port, Some(0));
        assert_eq!(o.bind, Some("127.0.0.1".parse().unwrap()));
        assert_eq!(o.config, Some(PathBuf::from("x.toml")));
        assert!(parse(args(&["--port"])).is_err());
        assert!(parse(args(&["--port", "x"])).is_err());
        assert!(parse(args(&["--nope", "1"])).is_err());
    }
}
