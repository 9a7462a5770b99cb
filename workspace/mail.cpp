#include "workspace/mail.hpp"

#include "common/log.hpp"
#include "ingest/clock.hpp"
#include "ingest/personal_data.hpp"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <vector>

namespace inspel::workspace {
namespace {

using namespace std::chrono;

std::string base64(std::string_view in) {
    static constexpr char table[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((in.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 2 < in.size(); i += 3) {
        unsigned v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8) |
                     static_cast<unsigned char>(in[i + 2]);
        out += table[(v >> 18) & 63];
        out += table[(v >> 12) & 63];
        out += table[(v >> 6) & 63];
        out += table[v & 63];
    }
    if (i < in.size()) {
        unsigned v = static_cast<unsigned char>(in[i]) << 16;
        if (i + 1 < in.size()) v |= static_cast<unsigned char>(in[i + 1]) << 8;
        out += table[(v >> 18) & 63];
        out += table[(v >> 12) & 63];
        out += i + 1 < in.size() ? table[(v >> 6) & 63] : '=';
        out += '=';
    }
    return out;
}

// A header value with anything outside printable ASCII as an RFC 2047 encoded word.
std::string encoded_word(std::string_view s) {
    bool plain = std::all_of(s.begin(), s.end(), [](char c) { return c >= 0x20 && c < 0x7f; });
    return plain ? std::string(s) : "=?UTF-8?B?" + base64(s) + "?=";
}

bool header_safe(std::string_view s) { return s.find_first_of("\r\n<>") == std::string_view::npos && !s.empty(); }

// A connected TCP socket with a timeout on every read and write.
class connection {
public:
    connection(const std::string& server, milliseconds timeout) : timeout_(timeout) {
        auto colon = server.rfind(':');
        if (colon == std::string::npos) throw smtp_error("the SMTP server must be HOST:PORT");
        std::string host = server.substr(0, colon), port = server.substr(colon + 1);
        if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
        addrinfo hints{};
        hints.ai_socktype = SOCK_STREAM;
        addrinfo* found = nullptr;
        if (int rc = ::getaddrinfo(host.c_str(), port.c_str(), &hints, &found); rc != 0)
            throw smtp_error("cannot resolve " + host + ": " + ::gai_strerror(rc));
        std::string last = "no address";
        for (addrinfo* a = found; a && fd_ < 0; a = a->ai_next) {
            int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, a->ai_protocol);
            if (fd < 0) continue;
            if (::connect(fd, a->ai_addr, a->ai_addrlen) == 0 || (errno == EINPROGRESS && wait(fd, POLLOUT) && connected(fd))) {
                fd_ = fd;
            } else {
                last = std::strerror(errno ? errno : ETIMEDOUT);
                ::close(fd);
            }
        }
        ::freeaddrinfo(found);
        if (fd_ < 0) throw smtp_error("cannot connect to " + server + ": " + last);
    }
    ~connection() {
        if (fd_ >= 0) ::close(fd_);
    }
    connection(const connection&) = delete;
    connection& operator=(const connection&) = delete;

    void write(std::string_view data) {
        while (!data.empty()) {
            if (!wait(fd_, POLLOUT)) throw smtp_error("timed out writing to the SMTP server");
            ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
            if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
            if (n <= 0) throw smtp_error(std::string("writing to the SMTP server failed: ") + std::strerror(errno));
            data.remove_prefix(static_cast<std::size_t>(n));
        }
    }

    // One reply, possibly of several lines ("250-...", "250 ..."): its code and its last line.
    std::pair<int, std::string> reply() {
        for (;;) {
            auto eol = buffer_.find("\r\n");
            if (eol == std::string::npos) {
                if (buffer_.size() > 64 * 1024) throw smtp_error("the SMTP server's reply is too long");
                char chunk[4096];
                if (!wait(fd_, POLLIN)) throw smtp_error("timed out waiting for the SMTP server");
                ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
                if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
                if (n <= 0) throw smtp_error("the SMTP server closed the connection");
                buffer_.append(chunk, static_cast<std::size_t>(n));
                continue;
            }
            std::string line = buffer_.substr(0, eol);
            buffer_.erase(0, eol + 2);
            if (line.size() < 3 || !std::isdigit(static_cast<unsigned char>(line[0])))
                throw smtp_error("the SMTP server answered something that is not SMTP");
            if (line.size() > 3 && line[3] == '-') continue;
            return {std::atoi(line.substr(0, 3).c_str()), line};
        }
    }

private:
    bool wait(int fd, short events) {
        pollfd p{fd, events, 0};
        for (;;) {
            int rc = ::poll(&p, 1, static_cast<int>(timeout_.count()));
            if (rc < 0 && errno == EINTR) continue;
            if (rc == 0) errno = ETIMEDOUT;
            return rc > 0;
        }
    }
    static bool connected(int fd) {
        int err = 0;
        socklen_t len = sizeof err;
        if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) return false;
        errno = err;
        return err == 0;
    }

    int fd_ = -1;
    milliseconds timeout_;
    std::string buffer_;
};

void expect(connection& c, std::string_view step, std::initializer_list<int> codes) {
    auto [code, line] = c.reply();
    for (int ok : codes)
        if (code == ok) return;
    throw smtp_error(std::string(step) + " refused: " + line);
}

std::string local_host_name() {
    char buf[256] = {0};
    if (::gethostname(buf, sizeof buf - 1) != 0 || buf[0] == 0) return "localhost";
    return buf;
}

}  // namespace

mail_text answer_mail(std::string_view receipt, std::string_view language, std::string_view answer,
                      std::string_view public_url) {
    std::string link = std::string(public_url) + "/receipts/" + std::string(receipt);
    if (language == "en")
        return {"Answer to your submission " + std::string(receipt),
                "Hello,\n\nHere is the answer to what you sent us (receipt code " + std::string(receipt) + "):\n\n" +
                    std::string(answer) + "\n\nYou can also read the answer at " + link +
                    "\n\nThis message was sent automatically; please do not reply to it.\n"};
    return {"Svar på ditt ärende " + std::string(receipt),
            "Hej!\n\nHär är svaret på det du skickade till oss (kvittokod " + std::string(receipt) + "):\n\n" +
                std::string(answer) + "\n\nDu kan också läsa svaret på " + link +
                "\n\nDet här meddelandet skickades automatiskt och går inte att svara på.\n"};
}

std::string format_message(const smtp_message& m, system_clock::time_point date) {
    std::time_t t = system_clock::to_time_t(date);
    std::tm tm{};
    ::gmtime_r(&t, &tm);
    char when[64];
    std::strftime(when, sizeof when, "%a, %d %b %Y %H:%M:%S +0000", &tm);
    std::string body;
    for (char ch : m.body) {
        if (ch == '\n' && (body.empty() || body.back() != '\r')) body += '\r';
        body += ch;
    }
    std::string encoded = base64(body), out;
    out += "From: " + m.from + "\r\n";
    out += "To: " + m.to + "\r\n";
    out += "Subject: " + encoded_word(m.subject) + "\r\n";
    out += std::string("Date: ") + when + "\r\n";
    out += "Message-ID: <" + m.message_id + ">\r\n";
    out += "MIME-Version: 1.0\r\n";
    out += "Content-Type: text/plain; charset=UTF-8\r\n";
    out += "Content-Transfer-Encoding: base64\r\n";
    out += "Auto-Submitted: auto-generated\r\n\r\n";
    for (std::size_t i = 0; i < encoded.size(); i += 76) out += encoded.substr(i, 76) + "\r\n";
    return out;
}

void send_smtp(const std::string& server, const smtp_message& m, milliseconds timeout) {
    if (!header_safe(m.from) || !header_safe(m.to) || m.subject.find_first_of("\r\n") != std::string::npos)
        throw smtp_error("an address or the subject has characters that cannot go in a mail header");
    connection c(server, timeout);
    expect(c, "the greeting", {220});
    std::string me = local_host_name();
    c.write("EHLO " + me + "\r\n");
    auto [code, line] = c.reply();
    if (code != 250) {
        c.write("HELO " + me + "\r\n");
        expect(c, "HELO", {250});
    }
    c.write("MAIL FROM:<" + m.from + ">\r\n");
    expect(c, "MAIL FROM", {250});
    c.write("RCPT TO:<" + m.to + ">\r\n");
    expect(c, "RCPT TO", {250, 251});
    c.write("DATA\r\n");
    expect(c, "DATA", {354});
    // Dot-stuffing: a line starting with "." gets another (base64 lines never do; headers might not).
    std::string data = format_message(m, system_clock::now()), stuffed;
    std::size_t start = 0;
    while (start < data.size()) {
        auto eol = data.find("\r\n", start);
        std::string_view l(data.data() + start, (eol == std::string::npos ? data.size() : eol) - start);
        if (!l.empty() && l.front() == '.') stuffed += '.';
        stuffed.append(l);
        stuffed += "\r\n";
        start = eol == std::string::npos ? data.size() : eol + 2;
    }
    c.write(stuffed + ".\r\n");
    expect(c, "the message", {250});
    c.write("QUIT\r\n");
    try {
        c.reply();
    } catch (const smtp_error&) {
        // Delivered already; a relay that hangs up without saying goodbye changes nothing.
    }
}

milliseconds retry_delay(std::int64_t attempts, milliseconds initial, milliseconds max) {
    milliseconds d = initial;
    for (std::int64_t i = 1; i < attempts && d < max; ++i) d *= 2;
    return std::min(d, max);
}

mail_sender::mail_sender(schema::database& db, const config::settings& settings)
    : db_(db),
      server_(settings.smtp_server),
      from_(settings.mail_from),
      retry_initial_(settings.mail_retry_initial),
      retry_max_(settings.mail_retry_max) {
    auto at = from_.find('@');
    public_host_ = at == std::string::npos ? "inspel" : from_.substr(at + 1);
    if (server_.empty()) return;
    thread_ = std::thread([this] { run(); });
    subscription_ = db_.on_commit([this] { notify(); });
}

mail_sender::~mail_sender() { stop(); }

void mail_sender::notify() {
    std::lock_guard lock(mutex_);
    pending_ = true;
    wake_.notify_one();
}

void mail_sender::stop() {
    if (subscription_) db_.unsubscribe(std::exchange(subscription_, 0));
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        wake_.notify_all();
    }
    if (thread_.joinable()) thread_.join();
}

void mail_sender::run() {
    for (;;) {
        std::optional<system_clock::time_point> next;
        try {
            next = deliver_due();
        } catch (const std::exception& e) {
            log::error("mail_queue_failed", {{"what", e.what()}});
            next = system_clock::now() + seconds(5);
        }
        std::unique_lock lock(mutex_);
        if (stopping_) return;
        auto until = next ? std::min(*next, system_clock::now() + seconds(60)) : system_clock::now() + seconds(60);
        wake_.wait_until(lock, until, [&] { return pending_ || stopping_; });
        if (stopping_) return;
        pending_ = false;
    }
}

std::optional<system_clock::time_point> mail_sender::deliver_due() {
    struct row {
        std::int64_t id, attempts;
        std::string recipient, subject, body;
    };
    for (;;) {
        std::vector<row> due;
        std::optional<std::string> next_at;
        std::string now = ingest::iso_utc(system_clock::now());
        db_.read([&](schema::connection& c) {
            auto st = c.prepare(R"(
                SELECT id, attempts, recipient, subject, body FROM outgoing_mail
                WHERE sent_at IS NULL AND cancelled_at IS NULL AND recipient IS NOT NULL AND next_attempt_at <= ?
                ORDER BY next_attempt_at, id LIMIT 20)");
            st.bind(1, now);
            while (st.step()) due.push_back({st.int64(0), st.int64(1), st.text(2), st.text(3), st.text(4)});
            auto n = c.prepare(
                "SELECT min(next_attempt_at) FROM outgoing_mail WHERE sent_at IS NULL AND cancelled_at IS NULL");
            if (n.step() && !n.is_null(0)) next_at = n.text(0);
        });
        if (due.empty()) {
            if (!next_at) return std::nullopt;
            // Stored as ISO text; a retry a little early or late does not matter, a second does.
            auto when = system_clock::now() + seconds(1);
            if (*next_at > now) {
                std::tm tm{};
                int ms = 0;
                if (std::sscanf(next_at->c_str(), "%4d-%2d-%2dT%2d:%2d:%2d.%3dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                                &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &ms) == 7) {
                    tm.tm_year -= 1900;
                    tm.tm_mon -= 1;
                    when = system_clock::from_time_t(::timegm(&tm)) + milliseconds(ms);
                }
            }
            return when;
        }
        for (const auto& r : due) {
            {
                std::lock_guard lock(mutex_);
                if (stopping_) return std::nullopt;
            }
            smtp_message m{from_, r.recipient, r.subject, r.body,
                           "answer-" + std::to_string(r.id) + "." + std::to_string(r.attempts) + "@" + public_host_};
            std::optional<std::string> error;
            try {
                send_smtp(server_, m, seconds(20));
            } catch (const smtp_error& e) {
                error = e.what();
            }
            auto finished = system_clock::now();
            if (!error) {
                ++delivered_;
                db_.write_and_wait([&](schema::connection& c) {
                    c.prepare("UPDATE outgoing_mail SET sent_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ?")
                        .bind(1, ingest::iso_utc(finished))
                        .bind(2, r.id)
                        .run();
                });
                log::info("mail_sent", {{"mail", r.id}, {"attempt", r.attempts + 1}});
            } else {
                ++failed_;
                auto next = finished + retry_delay(r.attempts + 1, retry_initial_, retry_max_);
                db_.write_and_wait([&](schema::connection& c) {
                    c.prepare("UPDATE outgoing_mail SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ?")
                        .bind(1, *error)
                        .bind(2, ingest::iso_utc(next))
                        .bind(3, r.id)
                        .run();
                });
                // A relay's refusal may quote the address: the log gets it redacted.
                log::error("mail_not_sent",
                           {{"mail", r.id}, {"attempt", r.attempts + 1}, {"what", ingest::redact(*error).text}});
            }
        }
    }
}

}  // namespace inspel::workspace
