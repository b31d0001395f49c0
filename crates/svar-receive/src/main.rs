//! `svar-receive`: the receiving service alone, for servers that install no GUI libraries.
//! It takes the same flags as `svar receive` (see `docs/upload.md`).

use clap::Parser;
use std::process::ExitCode;
use svar_receive::cli::{ReceiveArgs, ServeError, serve};

/// Receive bundles that kiosks upload (docs/upload.md) and store each once with a receipt.
///
/// Plain HTTP behind a TLS-terminating reverse proxy, or TLS itself with --tls-cert and
/// --tls-key (and with --client-ca, only kiosks with a certificate from that CA may
/// connect). Logs one line per request on standard error; stops after the requests in
/// flight on SIGTERM or Ctrl-C.
#[derive(Parser)]
#[command(name = "svar-receive", version)]
struct Cli {
    #[command(flatten)]
    args: ReceiveArgs,
}

fn main() -> ExitCode {
    match serve(Cli::parse().args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(match e {
                ServeError::Input(_) => 2,
                ServeError::Receive(_) => 1,
            })
        }
    }
}
