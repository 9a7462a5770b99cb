// What the benchmarks that drive the real server share: an official's API token made with the real
// command line, latency summaries, CPU pinning and URL encoding.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace inspel::bench {

// Adds an official with `inspel user add` and returns a token from `inspel token create`.
std::string official_token(const std::string& binary, const std::filesystem::path& data_dir);

struct latency {
    double p50, p99, max, mean;
};
latency summarise(std::vector<double> samples);

// Moves the calling thread to one CPU, so the load and the server under test do not share it.
void pin_to_cpu(int cpu);

std::string url_encode(const std::string& s);

}  // namespace inspel::bench
