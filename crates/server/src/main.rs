//! `cinnabar-server [config-file] [--directive value ...]`, like `redis-server`.

#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

use std::io::Write;

use cinnabar::config::{parse_command_line, CliOutcome};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match parse_command_line(&args) {
        CliOutcome::Run(config) => {
            let boot = cinnabar::config_apply::boot(config);
            std::process::exit(cinnabar::startup::run(boot));
        }
        CliOutcome::Exit {
            stdout,
            stderr,
            code,
        } => {
            let _ = std::io::stdout().write_all(stdout.as_bytes());
            let _ = std::io::stderr().write_all(stderr.as_bytes());
            std::process::exit(code);
        }
    }
}
