fn main() -> std::process::ExitCode {
    bluedot_cli::main()
}
