#include "server/server.hpp"

#include "common/log.hpp"

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <mutex>
#include <set>
#include <thread>

namespace inspel::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;

struct server::state {
    std::mutex mutex;
    std::set<std::weak_ptr<session>, std::owner_less<std::weak_ptr<session>>> sessions;
    std::atomic<bool> stopping{false};
    std::optional<tcp::acceptor> acceptor;
};

// One client connection. Owns itself through shared_from_this; every step runs on its strand.
class server::session : public std::enable_shared_from_this<session> {
public:
    session(tcp::socket&& socket, server& owner) : stream_(std::move(socket)), owner_(owner) {
        owner_.stats_.connection_opened();
        beast::error_code ec;
        auto peer = stream_.socket().remote_endpoint(ec);
        peer_ = ec ? std::string("unknown") : peer.address().to_string();
    }
    ~session() { owner_.stats_.connection_closed(); }

    void start() {
        asio::dispatch(stream_.get_executor(), beast::bind_front_handler(&session::do_read, shared_from_this()));
    }

    // From any thread: close now if idle, or after the response in progress.
    void shut_down() {
        asio::dispatch(stream_.get_executor(), [self = shared_from_this()] {
            self->closing_ = true;
            if (!self->busy_) self->do_close();
        });
    }

private:
    void do_read() {
        if (closing_) return do_close();
        parser_.emplace();
        parser_->header_limit(static_cast<std::uint32_t>(owner_.settings_.header_limit));
        parser_->body_limit(owner_.settings_.body_limit);
        stream_.expires_after(owner_.settings_.read_timeout);
        http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&session::on_read, shared_from_this()));
    }

    void on_read(beast::error_code ec, std::size_t) {
        if (ec == http::error::end_of_stream || ec == asio::error::operation_aborted || ec == beast::error::timeout ||
            ec == asio::error::connection_reset || ec == asio::error::eof)
            return do_close();
        if (ec) {
            // The request could not be read whole: say why, then close, since the stream's state is unknown.
            std::string target = parser_->get().target().empty() ? "/" : std::string(parser_->get().target());
            http::status status = http::status::bad_request;
            std::string code = "bad_request", message = "The request could not be read: " + ec.message() + ".";
            if (ec == http::error::body_limit) {
                status = http::status::payload_too_large;
                code = "too_large";
                message = "The request body is larger than " + std::to_string(owner_.settings_.body_limit) + " bytes.";
            } else if (ec == http::error::header_limit) {
                status = http::status::request_header_fields_too_large;
                code = "headers_too_large";
                message = "The request headers are too large.";
            }
            closing_ = true;
            busy_ = true;
            started_ = std::chrono::steady_clock::now();
            route_ = "(unread)";
            method_ = "-";
            return write(error_response(target, status, code, message));
        }
        busy_ = true;
        started_ = std::chrono::steady_clock::now();
        dispatch_request(parser_->release());
    }

    void dispatch_request(http_request req) {
        request_context ctx;
        ctx.client_address = client_address(req);
        std::string target(req.target());
        method_ = std::string(req.method_string());
        keep_alive_ = req.keep_alive();
        auto m = owner_.routes_.find(req.method(), path_of(target));
        ctx.request = std::move(req);
        auto self = shared_from_this();
        responder respond(
            [self](http_response res) {
                asio::dispatch(self->stream_.get_executor(),
                               [self, res = std::move(res)]() mutable { self->write(std::move(res)); });
            },
            target);
        if (!m.found) {
            route_ = m.allow.empty() ? "(unmatched)" : "(method not allowed)";
            if (m.allow.empty())
                return respond(error_response(target, http::status::not_found, "not_found", "There is nothing at this address."));
            auto res = error_response(target, http::status::method_not_allowed, "method_not_allowed",
                                      "This address does not accept " + method_ + ".");
            res.set(http::field::allow, m.allow);
            return respond(std::move(res));
        }
        route_ = m.found->pattern;
        ctx.route = m.found->pattern;
        ctx.params = std::move(m.params);
        const router::route* r = m.found;
        server* srv = &owner_;
        auto run = [srv, r, target, ctx = std::move(ctx), respond]() mutable {
            try {
                for (const auto& mw : srv->middleware_)
                    if (auto early = mw(ctx, *r)) return respond(std::move(*early));
                r->fn(std::move(ctx), respond);
            } catch (const std::exception& e) {
                log::error("handler_failed", {{"route", r->pattern}, {"what", e.what()}});
                respond(error_response(target, http::status::internal_server_error, "internal",
                                       "The server failed to answer this request."));
            }
        };
        if (r->where == runs_on::io)
            run();
        else
            asio::post(owner_.workers_, std::move(run));
    }

    void write(http_response res) {
        res.set(http::field::server, "Inspel");
        res.keep_alive(keep_alive_ && !closing_ && !owner_.state_->stopping);
        res.prepare_payload();
        status_ = res.result_int();
        response_ = std::make_unique<http_response>(std::move(res));
        stream_.expires_after(owner_.settings_.read_timeout);
        http::async_write(stream_, *response_, beast::bind_front_handler(&session::on_write, shared_from_this()));
    }

    void on_write(beast::error_code ec, std::size_t) {
        auto took = std::chrono::steady_clock::now() - started_;
        owner_.stats_.observe(route_, method_, status_, took);
        log::info("request", {{"method", method_},
                              {"route", route_},
                              {"status", status_},
                              {"duration_ms", std::chrono::duration<double, std::milli>(took).count()}});
        bool keep = response_->keep_alive();
        response_.reset();
        busy_ = false;
        if (ec || !keep) return do_close();
        do_read();
    }

    void do_close() {
        beast::error_code ec;
        stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
        stream_.close();
    }

    std::string client_address(const http_request& req) const {
        const auto& trusted = owner_.settings_.trusted_proxies;
        if (std::find(trusted.begin(), trusted.end(), peer_) == trusted.end()) return peer_;
        auto xff = req["X-Forwarded-For"];
        if (xff.empty()) return peer_;
        // The right-most address not added by one of our own proxies is the client.
        std::string list(xff);
        std::size_t end = list.size();
        while (end > 0) {
            auto comma = list.rfind(',', end - 1);
            std::size_t begin = comma == std::string::npos ? 0 : comma + 1;
            std::string addr = list.substr(begin, end - begin);
            addr.erase(0, addr.find_first_not_of(' '));
            addr.erase(addr.find_last_not_of(' ') + 1);
            if (!addr.empty() && std::find(trusted.begin(), trusted.end(), addr) == trusted.end()) return addr;
            if (comma == std::string::npos) break;
            end = comma;
        }
        return peer_;
    }

    beast::tcp_stream stream_;
    beast::flat_buffer buffer_;
    server& owner_;
    std::string peer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    std::unique_ptr<http_response> response_;
    std::chrono::steady_clock::time_point started_;
    std::string route_, method_;
    unsigned status_ = 0;
    bool keep_alive_ = true;
    bool busy_ = false;
    bool closing_ = false;
};

server::server(const config::settings& settings, const router& routes, metrics& stats)
    : settings_(settings),
      routes_(routes),
      stats_(stats),
      ioc_(static_cast<int>(settings.threads ? settings.threads : std::max(1u, std::thread::hardware_concurrency()))),
      workers_(std::max<std::size_t>(4, 2 * std::max(1u, std::thread::hardware_concurrency()))),
      state_(std::make_shared<state>()) {}

server::~server() {
    stop();
    workers_.join();
}

void server::listen() {
    auto address = asio::ip::make_address(settings_.listen_host);
    tcp::endpoint ep(address, settings_.listen_port);
    auto& acc = state_->acceptor.emplace(asio::make_strand(ioc_));
    acc.open(ep.protocol());
    acc.set_option(asio::socket_base::reuse_address(true));
    acc.bind(ep);
    acc.listen(asio::socket_base::max_listen_connections);
}

tcp::endpoint server::local_endpoint() const { return state_->acceptor->local_endpoint(); }

void server::do_accept() {
    state_->acceptor->async_accept(asio::make_strand(ioc_), [this](beast::error_code ec, tcp::socket socket) {
        if (state_->stopping || !state_->acceptor->is_open()) return;
        if (!ec) {
            socket.set_option(tcp::no_delay(true), ec);
            auto s = std::make_shared<session>(std::move(socket), *this);
            {
                std::lock_guard lock(state_->mutex);
                // Forget sessions that have ended, so the set stays the size of the open ones.
                std::erase_if(state_->sessions, [](const auto& w) { return w.expired(); });
                state_->sessions.insert(s);
            }
            s->start();
        } else if (ec == asio::error::no_descriptors || ec == asio::error::no_buffer_space) {
            log::error("accept_failed", {{"what", ec.message()}});
        }
        do_accept();
    });
}

void server::run(bool handle_signals) {
    if (!state_->acceptor) listen();
    asio::signal_set signals(ioc_);
    if (handle_signals) {
        signals.add(SIGINT);
        signals.add(SIGTERM);
        signals.async_wait([this](beast::error_code ec, int) {
            if (!ec) stop();
        });
    }
    auto ep = local_endpoint();
    log::info("listening", {{"address", ep.address().to_string() + ":" + std::to_string(ep.port())}});
    asio::dispatch(state_->acceptor->get_executor(), [this] { do_accept(); });

    std::size_t n = settings_.threads ? settings_.threads : std::max(1u, std::thread::hardware_concurrency());
    std::vector<std::thread> threads;
    for (std::size_t i = 1; i < n; ++i) threads.emplace_back([this] { ioc_.run(); });
    ioc_.run();
    for (auto& t : threads) t.join();
    // Handlers still queued on the workers may post answers to sessions that are gone; let them finish.
    workers_.join();
    log::info("stopped");
}

void server::post(std::function<void()> fn) { asio::post(ioc_, std::move(fn)); }

void server::stop() {
    if (state_->stopping.exchange(true)) return;
    asio::post(ioc_, [this] { begin_shutdown(); });
}

void server::begin_shutdown() {
    log::info("stopping", {{"open_connections", stats_.open_connections()}});
    beast::error_code ec;
    if (state_->acceptor) state_->acceptor->close(ec);
    std::vector<std::shared_ptr<session>> open;
    {
        std::lock_guard lock(state_->mutex);
        for (const auto& w : state_->sessions)
            if (auto s = w.lock()) open.push_back(std::move(s));
    }
    for (auto& s : open) s->shut_down();
    // Poll until every connection has closed or the deadline passes, then stop the loop.
    auto deadline = std::chrono::steady_clock::now() + settings_.shutdown_deadline;
    auto timer = std::make_shared<asio::steady_timer>(ioc_);
    auto check = std::make_shared<std::function<void()>>();
    *check = [this, timer, deadline, check] {
        if (stats_.open_connections() == 0 || std::chrono::steady_clock::now() >= deadline) {
            if (stats_.open_connections() != 0)
                log::error("shutdown_deadline", {{"open_connections", stats_.open_connections()}});
            ioc_.stop();
            *check = nullptr;  // break the self-reference
            return;
        }
        timer->expires_after(std::chrono::milliseconds(20));
        timer->async_wait([check](beast::error_code) {
            if (*check) (*check)();
        });
    };
    (*check)();
}

}  // namespace inspel::server
