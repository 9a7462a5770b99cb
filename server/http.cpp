#include "server/http.hpp"

#include "server/templates.hpp"

#include <map>

namespace inspel::server {

http_response json_response(http::status status, const nlohmann::json& body) {
    http_response res{status, 11};
    res.set(http::field::content_type, "application/json; charset=utf-8");
    res.set(http::field::cache_control, "no-store");
    res.body() = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    res.prepare_payload();
    return res;
}

http_response html_response(http::status status, std::string body) {
    http_response res{status, 11};
    res.set(http::field::content_type, "text/html; charset=utf-8");
    res.set(http::field::cache_control, "no-store");
    add_security_headers(res);
    res.body() = std::move(body);
    res.prepare_payload();
    return res;
}

http_response text_response(http::status status, std::string body, std::string_view content_type) {
    http_response res{status, 11};
    res.set(http::field::content_type, content_type);
    res.body() = std::move(body);
    res.prepare_payload();
    return res;
}

http_response see_other(std::string_view location) {
    http_response res{http::status::see_other, 11};
    res.set(http::field::location, location);
    res.set(http::field::cache_control, "no-store");
    res.prepare_payload();
    return res;
}

http_response error_response(std::string_view target, http::status status, std::string_view code,
                             std::string_view message, std::string_view field) {
    if (is_api_path(target)) {
        nlohmann::json err = {{"code", code}, {"message", message}};
        err["field"] = field.empty() ? nlohmann::json(nullptr) : nlohmann::json(field);
        return json_response(status, {{"error", err}});
    }
    // Pages are read by residents: the common cases get plain Swedish; the message is the detail.
    std::string_view heading;
    switch (status) {
        case http::status::not_found: heading = "Sidan finns inte"; break;
        case http::status::method_not_allowed: heading = "Det går inte att göra så här"; break;
        case http::status::payload_too_large: heading = "Det du skickade är för stort"; break;
        case http::status::too_many_requests: heading = "För många försök – vänta en stund och försök igen"; break;
        case http::status::unauthorized: heading = "Du behöver logga in"; break;
        case http::status::forbidden: heading = "Du har inte behörighet till det här"; break;
        case http::status::internal_server_error: heading = "Något gick fel hos oss – försök igen om en stund"; break;
        default: heading = http::obsolete_reason(status); break;
    }
    // The generic failures the server itself raises get their explanation in the page's language;
    // a handler's own message (already written for residents) is shown as it is.
    static const std::map<std::string_view, std::string_view> page_messages = {
        {"not_found", "Det finns ingen sida på den här adressen. Kontrollera adressen eller börja om från startsidan."},
        {"method_not_allowed", "Adressen finns, men den går inte att använda på det här sättet."},
        {"too_large", "Det du skickade var större än vad tjänsten tar emot. Korta texten och försök igen."},
        {"headers_too_large", "Webbläsaren skickade för mycket extra information. Prova att rensa kakor för sidan."},
        {"bad_request", "Webbläsaren skickade något som tjänsten inte kunde läsa. Försök igen."},
        {"internal", "Försök igen om en stund. Har du fått ett kvittonummer är det du skickade sparat."},
    };
    auto own = page_messages.find(code);
    nlohmann::json view = {{"status", static_cast<unsigned>(status)},
                           {"title", heading},
                           {"heading", heading},
                           {"message", own != page_messages.end() ? own->second : message}};
    return html_response(status, render_page("error", view));
}

void add_security_headers(http_response& res) {
    res.set("Content-Security-Policy",
            "default-src 'none'; style-src 'self'; img-src 'self' data:; script-src 'self'; form-action 'self'; "
            "frame-ancestors 'none'; base-uri 'none'");
    res.set("X-Content-Type-Options", "nosniff");
    res.set("X-Frame-Options", "DENY");
    res.set("Referrer-Policy", "same-origin");
}

std::string_view path_of(std::string_view target) {
    auto q = target.find('?');
    return q == std::string_view::npos ? target : target.substr(0, q);
}

std::string percent_decode(std::string_view s, bool plus_is_space) {
    auto hex = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        if (c == '+' && plus_is_space) {
            out += ' ';
        } else if (c == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
            out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
            i += 2;
        } else {
            out += c;
        }
    }
    return out;
}

std::multimap<std::string, std::string> query_of(std::string_view target) {
    std::multimap<std::string, std::string> out;
    auto q = target.find('?');
    if (q == std::string_view::npos) return out;
    std::string_view rest = target.substr(q + 1);
    while (!rest.empty()) {
        auto amp = rest.find('&');
        std::string_view pair = rest.substr(0, amp);
        rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
        if (pair.empty()) continue;
        auto eq = pair.find('=');
        out.emplace(percent_decode(pair.substr(0, eq), true),
                    eq == std::string_view::npos ? std::string() : percent_decode(pair.substr(eq + 1), true));
    }
    return out;
}

}  // namespace inspel::server
