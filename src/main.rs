use std::process::ExitCode;

fn main() -> ExitCode {
    restore_default_sigpipe();
    reformsim::cli::main(std::env::args_os())
}

/// Rust ignores SIGPIPE, so printing to a closed pipe (`reformsim run | head`) would panic in
/// `println!`. Like every other Unix filter, end quietly instead when the reader goes away.
fn restore_default_sigpipe() {
    #[cfg(unix)]
    // SAFETY: called first thing in `main`, before any thread exists; it only resets one
    // signal's disposition to the default.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
