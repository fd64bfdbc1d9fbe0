//! `cinnabar-server [config-file] [--directive value ...]`.

#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let boot = match cinnabar::bootargs::parse(&args) {
        Ok(b) => b,
        Err((text, code)) => {
            eprint!("{text}");
            std::process::exit(code);
        }
    };
    std::process::exit(cinnabar::startup::run(boot));
}
