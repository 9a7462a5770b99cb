// A small SMTP server on loopback for tests: it speaks enough SMTP (EHLO/HELO, MAIL, RCPT, DATA,
// RSET, NOOP, QUIT) to take mail from Inspel's sender and keeps every message it accepted. It can
// be told to refuse (answering 451 to MAIL FROM) to test retries, and stopped and started again
// on the same port to test a relay that is down.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace inspel::test {

struct received_mail {
    std::string from, to;
    std::string data;  // everything between DATA and the final dot, CRLF line ends, dots unstuffed
    std::string header(const std::string& name) const;
    std::string decoded_body() const;  // the base64 body decoded
};

class smtp_sink {
public:
    // Listens on 127.0.0.1 on a free port (or `port`).
    explicit smtp_sink(unsigned short port = 0);
    ~smtp_sink();
    smtp_sink(const smtp_sink&) = delete;
    smtp_sink& operator=(const smtp_sink&) = delete;

    unsigned short port() const { return port_; }
    std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
    void refuse(bool on) { refusing_ = on; }
    // Stops listening (connections are refused) until start() again, on the same port.
    void stop();
    void start();

    std::vector<received_mail> messages();
    // Waits until at least `n` messages were accepted; false on timeout.
    bool wait_for(std::size_t n, std::chrono::milliseconds timeout);
    std::size_t refused_count() const { return refused_.load(); }

private:
    void serve();
    void session(int fd);

    unsigned short port_ = 0;
    int listen_fd_ = -1;
    std::thread thread_;
    std::atomic<bool> running_{false};
    std::atomic<bool> refusing_{false};
    std::atomic<std::size_t> refused_{0};
    std::mutex mutex_;
    std::condition_variable arrived_;
    std::vector<received_mail> messages_;
};

}  // namespace inspel::test
