// The request and response types every handler sees, and the few ways to build a response.
#pragma once

#include <boost/beast/http.hpp>

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <string_view>

namespace inspel::server {

namespace http = boost::beast::http;
using http_request = http::request<http::string_body>;
using http_response = http::response<http::string_body>;

// Paths under /api/ answer errors as JSON; everything else is a page for a person.
inline bool is_api_path(std::string_view target) { return target.rfind("/api/", 0) == 0; }

http_response json_response(http::status status, const nlohmann::json& body);
http_response html_response(http::status status, std::string body);
http_response text_response(http::status status, std::string body, std::string_view content_type);

// 303 See Other to `location`: where a form post sends the browser next.
http_response see_other(std::string_view location);

// {"error":{"code","message","field"}} for the API, a small HTML page elsewhere.
http_response error_response(std::string_view target, http::status status, std::string_view code,
                             std::string_view message, std::string_view field = {});

// Adds the headers every HTML page carries (CSP without inline script, no framing, no sniffing).
void add_security_headers(http_response& res);

// The path without its query string, and the query string's parameters (percent-decoded).
std::string_view path_of(std::string_view target);
std::multimap<std::string, std::string> query_of(std::string_view target);
std::string percent_decode(std::string_view s, bool plus_is_space);

}  // namespace inspel::server
