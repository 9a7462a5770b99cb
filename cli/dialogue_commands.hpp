// `inspel dialogue import FILE.json`: loads a dialogue from a file (seeding, demos, tests).
#pragma once

#include "cli/args.hpp"
#include "config/config.hpp"

namespace inspel::cli {

// Runs `inspel dialogue SUBCOMMAND ...` (a.positional[0] is the subcommand); returns the exit status.
int dialogue_command(const args& a, const config::settings& settings);

}  // namespace inspel::cli
