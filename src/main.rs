//! The `redshield` binary: everything happens in [`redshield::cli::run`].

// The front ends build many small trees (IR nodes, maps, strings) on every worker thread;
// glibc's allocator spent a quarter of the run in malloc and free, and serialized the threads.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    redshield::cli::run()
}
