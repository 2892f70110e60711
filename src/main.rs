//! Thin entry point: parse flags, run, map the outcome to an exit code. Config errors exit 2
//! (before the terminal is touched), other failures 1.
#![forbid(unsafe_code)]

use std::process::ExitCode;

use clap::Parser;
use tickertape::config::ConfigError;
use tickertape::{Exit, cli::Cli, run};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(&cli) {
        Ok(Exit::Quit | Exit::Printed) => ExitCode::SUCCESS,
        Ok(Exit::NothingToPrint) => {
            #[expect(
                clippy::print_stderr,
                reason = "scripts need to know why nothing came out"
            )]
            {
                eprintln!(
                    "tickertape: no quotes: nothing fresh and nothing cached (see --log-file)"
                );
            }
            ExitCode::FAILURE
        }
        Ok(Exit::ConfigWritten(path)) => {
            #[expect(
                clippy::print_stdout,
                reason = "the one line --init-config exists to say"
            )]
            {
                println!("wrote default config to {}", path.display());
            }
            ExitCode::SUCCESS
        }
        Err(error) => {
            let code = if error.downcast_ref::<ConfigError>().is_some() {
                2
            } else {
                1
            };
            #[expect(
                clippy::print_stderr,
                reason = "errors before or after the TUI go to stderr"
            )]
            {
                eprintln!("tickertape: {error:#}");
            }
            ExitCode::from(code)
        }
    }
}
