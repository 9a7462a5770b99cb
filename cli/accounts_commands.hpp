// `inspel user ...` and `inspel token ...`: officials' accounts from the command line.
#pragma once

#include "cli/args.hpp"
#include "config/config.hpp"

#include <string>

namespace inspel::cli {

// The flags these commands take besides --config and --data.
inline const std::set<std::string> accounts_flags_with_value = {"--config", "--data", "--role"};
inline const std::set<std::string> accounts_switches = {"--password-stdin"};

// Runs `inspel COMMAND SUB ...` (COMMAND is "user" or "token"); returns the exit status.
int accounts_command(const std::string& command, const args& a, const config::settings& settings);

extern const char* const accounts_usage;

}  // namespace inspel::cli
