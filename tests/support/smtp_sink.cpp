#include "tests/support/smtp_sink.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace inspel::test {
namespace {

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

std::string base64_decode(const std::string& in) {
    static const std::string table = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    unsigned value = 0;
    int bits = 0;
    for (char c : in) {
        auto pos = table.find(c);
        if (pos == std::string::npos) continue;  // CR, LF, '='
        value = (value << 6) | static_cast<unsigned>(pos);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((value >> bits) & 0xFF);
        }
    }
    return out;
}

bool send_all(int fd, const std::string& s) {
    std::size_t done = 0;
    while (done < s.size()) {
        ssize_t n = ::send(fd, s.data() + done, s.size() - done, MSG_NOSIGNAL);
        if (n <= 0) return false;
        done += static_cast<std::size_t>(n);
    }
    return true;
}

}  // namespace

std::string received_mail::header(const std::string& name) const {
    std::size_t start = 0;
    while (start < data.size()) {
        auto eol = data.find("\r\n", start);
        if (eol == std::string::npos || eol == start) break;  // the blank line ends the headers
        std::string line = data.substr(start, eol - start);
        auto colon = line.find(':');
        if (colon != std::string::npos && lower(line.substr(0, colon)) == lower(name)) {
            auto v = line.substr(colon + 1);
            return v.empty() || v[0] != ' ' ? v : v.substr(1);
        }
        start = eol + 2;
    }
    return {};
}

std::string received_mail::decoded_body() const {
    auto blank = data.find("\r\n\r\n");
    return blank == std::string::npos ? std::string() : base64_decode(data.substr(blank + 4));
}

smtp_sink::smtp_sink(unsigned short port) : port_(port) { start(); }

smtp_sink::~smtp_sink() { stop(); }

void smtp_sink::start() {
    if (running_) return;
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int yes = 1;
    ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port_);
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listen_fd_, 16) != 0)
        throw std::runtime_error(std::string("smtp_sink: cannot listen: ") + std::strerror(errno));
    socklen_t len = sizeof addr;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    running_ = true;
    thread_ = std::thread([this] { serve(); });
}

void smtp_sink::stop() {
    if (!running_) return;
    running_ = false;
    if (thread_.joinable()) thread_.join();
    ::close(listen_fd_);
    listen_fd_ = -1;
}

void smtp_sink::serve() {
    while (running_) {
        pollfd p{listen_fd_, POLLIN, 0};
        if (::poll(&p, 1, 50) <= 0) continue;
        int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0) continue;
        session(fd);  // one client at a time is all Inspel's single sender needs
        ::close(fd);
    }
}

void smtp_sink::session(int fd) {
    std::string buffer;
    auto read_line = [&](std::string& line) {
        for (;;) {
            auto eol = buffer.find("\r\n");
            if (eol != std::string::npos) {
                line = buffer.substr(0, eol);
                buffer.erase(0, eol + 2);
                return true;
            }
            pollfd p{fd, POLLIN, 0};
            if (::poll(&p, 1, 5000) <= 0) return false;
            char chunk[4096];
            ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
            if (n <= 0) return false;
            buffer.append(chunk, static_cast<std::size_t>(n));
        }
    };
    if (!send_all(fd, "220 sink.test ESMTP ready\r\n")) return;
    received_mail current;
    std::string line;
    while (read_line(line)) {
        std::string verb = lower(line.substr(0, 4));
        if (verb == "ehlo") {
            send_all(fd, "250-sink.test greets you\r\n250 8BITMIME\r\n");
        } else if (verb == "helo" || verb == "noop") {
            send_all(fd, "250 OK\r\n");
        } else if (verb == "mail") {
            if (refusing_) {
                ++refused_;
                send_all(fd, "451 4.3.0 try again later\r\n");
                continue;
            }
            current = {};
            auto lt = line.find('<'), gt = line.find('>');
            if (lt != std::string::npos && gt != std::string::npos) current.from = line.substr(lt + 1, gt - lt - 1);
            send_all(fd, "250 OK\r\n");
        } else if (verb == "rcpt") {
            auto lt = line.find('<'), gt = line.find('>');
            if (lt != std::string::npos && gt != std::string::npos) current.to = line.substr(lt + 1, gt - lt - 1);
            send_all(fd, "250 OK\r\n");
        } else if (verb == "data") {
            send_all(fd, "354 go ahead\r\n");
            std::string data;
            while (read_line(line) && line != ".") data += (line.rfind("..", 0) == 0 ? line.substr(1) : line) + "\r\n";
            current.data = data;
            {
                std::lock_guard lock(mutex_);
                messages_.push_back(current);
            }
            arrived_.notify_all();
            send_all(fd, "250 2.0.0 queued\r\n");
        } else if (verb == "rset") {
            current = {};
            send_all(fd, "250 OK\r\n");
        } else if (verb == "quit") {
            send_all(fd, "221 bye\r\n");
            return;
        } else {
            send_all(fd, "502 not implemented\r\n");
        }
    }
}

std::vector<received_mail> smtp_sink::messages() {
    std::lock_guard lock(mutex_);
    return messages_;
}

bool smtp_sink::wait_for(std::size_t n, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return arrived_.wait_for(lock, timeout, [&] { return messages_.size() >= n; });
}

}  // namespace inspel::test
