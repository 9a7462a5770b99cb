#include "tests/support/http_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>

namespace inspel::test {

namespace asio = boost::asio;
namespace beast = boost::beast;

http_client::http_client(unsigned short port, std::string host) : port_(port), host_(std::move(host)), stream_(ioc_) {}

http_client::~http_client() {
    beast::error_code ec;
    stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
}

void http_client::connect() {
    if (open_ && stream_.socket().is_open()) return;
    stream_.expires_after(std::chrono::seconds(30));
    stream_.connect(asio::ip::tcp::endpoint(asio::ip::make_address(host_), port_));
    open_ = true;
}

bool http_client::connected() const { return open_; }

response http_client::request(http::verb method, const std::string& target, const std::string& body,
                              const std::map<std::string, std::string>& headers) {
    connect();
    http::request<http::string_body> req{method, target, 11};
    req.set(http::field::host, host_);
    req.keep_alive(true);
    for (const auto& [k, v] : headers) req.set(k, v);
    if (!body.empty() || method == http::verb::post || method == http::verb::patch || method == http::verb::put) {
        req.body() = body;
        req.prepare_payload();
    }
    stream_.expires_after(std::chrono::seconds(60));
    http::write(stream_, req);
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(256u << 20);
    http::read(stream_, buffer, parser);
    response res = parser.release();
    if (!res.keep_alive()) {
        beast::error_code ec;
        stream_.socket().close(ec);
        open_ = false;
    }
    return res;
}

response http_client::post_json(const std::string& target, const nlohmann::json& body,
                                 std::map<std::string, std::string> headers) {
    headers.emplace("Content-Type", "application/json");
    return request(http::verb::post, target, body.dump(), headers);
}

response http_client::raw(const std::string& bytes) {
    connect();
    stream_.expires_after(std::chrono::seconds(30));
    asio::write(stream_.socket(), asio::buffer(bytes));
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    http::read(stream_, buffer, parser);
    response res = parser.release();
    if (!res.keep_alive()) {
        beast::error_code ec;
        stream_.socket().close(ec);
        open_ = false;
    }
    return res;
}

nlohmann::json json_of(const response& r) { return nlohmann::json::parse(r.body()); }

}  // namespace inspel::test
