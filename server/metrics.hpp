// Counters for /metrics, in Prometheus text format: requests by route, method and status, a
// latency histogram per route, open connections, and gauges that other parts report.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

namespace inspel::server {

class metrics {
public:
    void observe(const std::string& route, std::string_view method, unsigned status, std::chrono::nanoseconds took);
    void connection_opened() { ++open_connections_; }
    void connection_closed() { --open_connections_; }
    long open_connections() const { return open_connections_.load(); }

    // A value read when /metrics is scraped (e.g. the database's commit count).
    void add_gauge(std::string name, std::string help, std::string type, std::function<double()> read);
    // A family of labelled values read at scrape time: name{label="key"} value.
    void add_labelled_gauge(std::string name, std::string help, std::string label,
                            std::function<std::map<std::string, double>()> read);

    std::string render() const;

private:
    static constexpr std::array<double, 12> bucket_bounds = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                             0.05,   0.1,   0.25,   0.5,   1.0,  2.5};
    struct histogram {
        std::array<std::uint64_t, bucket_bounds.size()> buckets{};
        std::uint64_t count = 0;
        double sum = 0;
    };
    struct gauge {
        std::string name, help, type;
        std::function<double()> read;
    };
    struct labelled_gauge {
        std::string name, help, label;
        std::function<std::map<std::string, double>()> read;
    };

    mutable std::mutex mutex_;
    std::map<std::tuple<std::string, std::string, unsigned>, std::uint64_t> requests_;
    std::map<std::string, histogram> latency_;
    std::vector<gauge> gauges_;
    std::vector<labelled_gauge> labelled_gauges_;
    std::atomic<long> open_connections_{0};
};

}  // namespace inspel::server
