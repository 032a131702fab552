//! The `lineage` binary: parse arguments, dispatch to a command, map errors to exit codes.

mod cli;
mod commands;

use std::process::ExitCode;

use clap::Parser;

/// Building a graph allocates millions of small strings; mimalloc handles that pattern
/// markedly faster than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay`, by its place in the `mi_option_e` enum of the
/// mimalloc the lock file pins (3.x), which `libmimalloc-sys` does not name.
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// How long freed memory stays with the allocator before it goes back to the system, in
/// milliseconds. mimalloc 3 keeps it for 1,000 ms, so the memory a build frees while
/// reading (records, per-file tables) was still resident when the graph was assembled: a
/// 10^6-model build peaked at about 590 MB, and at about 490 MB with 10 ms, in the same
/// time. `MIMALLOC_PURGE_DELAY` in the environment still decides.
const PURGE_DELAY_MS: std::ffi::c_long = 10;

fn main() -> ExitCode {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: sets one of the allocator's integer options; any value is valid.
        unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, PURGE_DELAY_MS) };
    }
    let cli = cli::Cli::parse();
    match commands::run(cli) {
        Ok(code) => code,
        Err(err) => {
            if commands::is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            use std::io::Write as _;
            let _ = writeln!(
                std::io::stderr(),
                "error: {}",
                commands::error_message(&err)
            );
            ExitCode::from(1)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The option set at start-up is the purge delay: mimalloc reads it from
    /// `MIMALLOC_PURGE_DELAY` when that is set, and its documented default is 1,000 ms.
    #[test]
    fn the_allocator_option_set_at_start_up_is_the_purge_delay() {
        let expected = match std::env::var("MIMALLOC_PURGE_DELAY") {
            Ok(v) => v.trim().parse().expect("MIMALLOC_PURGE_DELAY is a number"),
            Err(_) => 1000,
        };
        // SAFETY: reads and sets one of the allocator's integer options.
        unsafe {
            assert_eq!(libmimalloc_sys::mi_option_get(PURGE_DELAY), expected);
            libmimalloc_sys::mi_option_set(PURGE_DELAY, PURGE_DELAY_MS);
            assert_eq!(libmimalloc_sys::mi_option_get(PURGE_DELAY), PURGE_DELAY_MS);
        }
    }
}
