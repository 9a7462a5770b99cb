// A small synchronous HTTP/1.1 client on Beast for tests: one keep-alive connection.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

#include <nlohmann/json.hpp>

#include <map>
#include <string>

namespace inspel::test {

namespace http = boost::beast::http;
using response = http::response<http::string_body>;

class http_client {
public:
    explicit http_client(unsigned short port, std::string host = "127.0.0.1");
    ~http_client();

    response request(http::verb method, const std::string& target, const std::string& body = "",
                     const std::map<std::string, std::string>& headers = {});
    response get(const std::string& target, const std::map<std::string, std::string>& headers = {}) {
        return request(http::verb::get, target, "", headers);
    }
    // POSTs `body` as application/json.
    response post_json(const std::string& target, const nlohmann::json& body,
                       std::map<std::string, std::string> headers = {});
    // Sends raw bytes and reads one response (for malformed requests).
    response raw(const std::string& bytes);

    bool connected() const;

private:
    void connect();
    unsigned short port_;
    std::string host_;
    boost::asio::io_context ioc_;
    boost::beast::tcp_stream stream_;
    bool open_ = false;
};

nlohmann::json json_of(const response& r);

}  // namespace inspel::test
