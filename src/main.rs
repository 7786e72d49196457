use std::process::ExitCode;

fn main() -> ExitCode {
    reformsim::cli::main(std::env::args_os())
}
