#include "bench/support.hpp"

#include "tests/support/process.hpp"

#include <sched.h>

#include <algorithm>
#include <cstdio>
#include <numeric>
#include <stdexcept>

namespace inspel::bench {

std::string official_token(const std::string& binary, const std::filesystem::path& data_dir) {
    auto user = test::run(binary, {"user", "add", "bench", "--role", "official", "--password-stdin", "--data", data_dir.string()},
                          {}, "Sökord-och-facetter-2026\n");
    if (user.status != 0) throw std::runtime_error("user add failed: " + user.err);
    auto created = test::run(binary, {"token", "create", "bench", "--data", data_dir.string()});
    if (created.status != 0) throw std::runtime_error("token create failed: " + created.err);
    for (std::size_t pos = 0; pos < created.out.size();) {
        auto nl = created.out.find('\n', pos);
        std::string line = created.out.substr(pos, nl - pos);
        // The token is the one long word on its own line.
        if (line.find(' ') == std::string::npos && line.size() >= 20) return line;
        if (nl == std::string::npos) break;
        pos = nl + 1;
    }
    throw std::runtime_error("no token in: " + created.out);
}

latency summarise(std::vector<double> v) {
    if (v.empty()) return {0, 0, 0, 0};
    std::sort(v.begin(), v.end());
    auto at = [&](double q) { return v[std::min(v.size() - 1, static_cast<std::size_t>(q * static_cast<double>(v.size())))]; };
    return {at(0.50), at(0.99), v.back(), std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size())};
}

void pin_to_cpu(int cpu) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    sched_setaffinity(0, sizeof set, &set);
}

std::string url_encode(const std::string& s) {
    std::string out;
    char buf[4];
    for (unsigned char c : s) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.') {
            out += static_cast<char>(c);
        } else {
            std::snprintf(buf, sizeof buf, "%%%02X", c);
            out += buf;
        }
    }
    return out;
}

}  // namespace inspel::bench
