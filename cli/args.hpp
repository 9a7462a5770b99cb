// Command-line arguments: `inspel COMMAND [POSITIONAL...] [--flag VALUE | --switch]...`.
#pragma once

#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace inspel::cli {

struct usage_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct args {
    std::vector<std::string> positional;
    std::map<std::string, std::string> values;  // --flag VALUE (or --flag=VALUE)
    std::set<std::string> switches;              // --switch

    bool has(const std::string& flag) const { return values.count(flag) || switches.count(flag); }
    std::string value_or(const std::string& flag, std::string fallback) const {
        auto it = values.find(flag);
        return it == values.end() ? fallback : it->second;
    }
};

// Parses argv[first..]; flags not in `with_value` or `switches` are a usage_error.
args parse(int argc, char** argv, int first, const std::set<std::string>& with_value,
           const std::set<std::string>& switches);

}  // namespace inspel::cli
