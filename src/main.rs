//! The `redshield` binary: everything happens in [`redshield::cli::run`].

fn main() -> std::process::ExitCode {
    redshield::cli::run()
}
