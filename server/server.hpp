// The HTTP server: a Beast listener and its sessions on an io_context run by one thread per
// core, a worker pool for handlers that touch the disk, and an orderly shutdown.
//
// Shutdown (SIGTERM, SIGINT or stop()): the acceptor closes, idle keep-alive connections close,
// requests in flight finish and are answered with "Connection: close", and after
// `shutdown_deadline` whatever is left is cut off. run() then returns; the caller closes the
// database after it, so every acknowledged write is already committed.
#pragma once

#include "config/config.hpp"
#include "server/metrics.hpp"
#include "server/router.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/thread_pool.hpp>

#include <functional>
#include <memory>
#include <optional>

namespace inspel::server {

// Runs before every handler, on the thread the handler runs on. Returning a response answers
// the request without calling the handler (authentication, rate limits).
using middleware = std::function<std::optional<http_response>(request_context&, const router::route&)>;

class server {
public:
    server(const config::settings& settings, const router& routes, metrics& stats);
    ~server();
    server(const server&) = delete;
    server& operator=(const server&) = delete;

    void use(middleware m) { middleware_.push_back(std::move(m)); }

    // Binds the listening socket; throws boost::system::system_error when it cannot.
    void listen();
    boost::asio::ip::tcp::endpoint local_endpoint() const;

    // Serves until a signal or stop(); then drains and returns.
    void run(bool handle_signals = true);
    // Thread-safe; may be called before or during run().
    void stop();

    boost::asio::thread_pool& workers() { return workers_; }
    // Runs `fn` on one of the I/O threads (never, once they have stopped).
    void post(std::function<void()> fn);

private:
    class session;
    struct state;
    void do_accept();
    void begin_shutdown();

    const config::settings& settings_;
    const router& routes_;
    metrics& stats_;
    std::vector<middleware> middleware_;
    boost::asio::io_context ioc_;
    boost::asio::thread_pool workers_;
    std::shared_ptr<state> state_;
};

}  // namespace inspel::server
