fn main() -> std::process::ExitCode {
    techreg::cli::main()
}
