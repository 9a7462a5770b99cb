#include "server/metrics.hpp"

#include <sstream>

namespace inspel::server {
namespace {

// Label values are route patterns and method names, but escape anyway: the format demands it.
std::string label(std::string_view v) {
    std::string out;
    for (char c : v) {
        if (c == '\\' || c == '"') out += '\\';
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out += c;
    }
    return out;
}

}  // namespace

void metrics::observe(const std::string& route, std::string_view method, unsigned status,
                      std::chrono::nanoseconds took) {
    double seconds = std::chrono::duration<double>(took).count();
    std::lock_guard lock(mutex_);
    ++requests_[{route, std::string(method), status}];
    auto& h = latency_[route];
    for (std::size_t i = 0; i < bucket_bounds.size(); ++i)
        if (seconds <= bucket_bounds[i]) ++h.buckets[i];
    ++h.count;
    h.sum += seconds;
}

void metrics::add_gauge(std::string name, std::string help, std::string type, std::function<double()> read) {
    std::lock_guard lock(mutex_);
    gauges_.push_back({std::move(name), std::move(help), std::move(type), std::move(read)});
}

void metrics::add_labelled_gauge(std::string name, std::string help, std::string label_name,
                                 std::function<std::map<std::string, double>()> read) {
    std::lock_guard lock(mutex_);
    labelled_gauges_.push_back({std::move(name), std::move(help), std::move(label_name), std::move(read)});
}

std::string metrics::render() const {
    std::ostringstream out;
    std::vector<gauge> gauges;
    std::vector<labelled_gauge> labelled;
    {
        std::lock_guard lock(mutex_);
        out << "# HELP inspel_http_requests_total HTTP requests answered, by route, method and status.\n"
               "# TYPE inspel_http_requests_total counter\n";
        for (const auto& [key, n] : requests_) {
            const auto& [route, method, status] = key;
            out << "inspel_http_requests_total{route=\"" << label(route) << "\",method=\"" << label(method)
                << "\",status=\"" << status << "\"} " << n << "\n";
        }
        out << "# HELP inspel_http_request_duration_seconds Time from a complete request to its response.\n"
               "# TYPE inspel_http_request_duration_seconds histogram\n";
        for (const auto& [route, h] : latency_) {
            for (std::size_t i = 0; i < bucket_bounds.size(); ++i)
                out << "inspel_http_request_duration_seconds_bucket{route=\"" << label(route) << "\",le=\""
                    << bucket_bounds[i] << "\"} " << h.buckets[i] << "\n";
            out << "inspel_http_request_duration_seconds_bucket{route=\"" << label(route) << "\",le=\"+Inf\"} "
                << h.count << "\n";
            out << "inspel_http_request_duration_seconds_sum{route=\"" << label(route) << "\"} " << h.sum << "\n";
            out << "inspel_http_request_duration_seconds_count{route=\"" << label(route) << "\"} " << h.count
                << "\n";
        }
        gauges = gauges_;
        labelled = labelled_gauges_;
    }
    out << "# HELP inspel_http_open_connections Client connections open now.\n"
           "# TYPE inspel_http_open_connections gauge\n"
           "inspel_http_open_connections "
        << open_connections_.load() << "\n";
    // Read outside the lock: a gauge may query the database.
    for (const auto& g : gauges)
        out << "# HELP " << g.name << " " << g.help << "\n# TYPE " << g.name << " " << g.type << "\n"
            << g.name << " " << g.read() << "\n";
    for (const auto& g : labelled) {
        out << "# HELP " << g.name << " " << g.help << "\n# TYPE " << g.name << " gauge\n";
        for (const auto& [k, v] : g.read()) out << g.name << "{" << g.label << "=\"" << label(k) << "\"} " << v << "\n";
    }
    return out.str();
}

}  // namespace inspel::server
