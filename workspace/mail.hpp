// Mail to residents: the answer to what they sent, by e-mail, never lost.
//
// Design
// ------
// An answer and its mail are one transaction (items.cpp: answer): the row in `outgoing_mail` is
// committed with the answer or not at all, so a crash can lose neither the one without the other.
// One sender thread delivers due rows to the configured SMTP relay, one at a time, and records the
// outcome through the database's writer: delivered rows get sent_at; a failure (the relay down,
// a 4xx or 5xx reply, a timeout) adds one to attempts, keeps the error, and moves next_attempt_at
// on by retry_initial * 2^(attempts-1), at most retry_max. Nothing is ever given up: a row stays
// until it is delivered or its recipient's personal data is anonymised (cancelled_at). The sender
// wakes on every database commit (a new answer goes out at once) and when the next retry is due.
//
// Delivery is at least once: if the process dies after the relay accepted a message but before
// sent_at was committed, the message is sent again after the restart. A resident may then read the
// same answer twice; the alternative, at most once, could lose it.
//
// The SMTP client is the small subset a relay on the municipality's network needs: EHLO (or HELO),
// MAIL FROM, RCPT TO, DATA, QUIT, over plain TCP with a timeout on every step. The message is
// UTF-8 text, base64-encoded, with an RFC 2047 subject, so no relay needs 8BITMIME or SMTPUTF8.
// Mail contents are never logged; the log says which row and what the relay answered.
#pragma once

#include "config/config.hpp"
#include "schema/database.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>

namespace inspel::workspace {

struct mail_text {
    std::string subject;
    std::string body;
};

// The mail that carries an answer, in the item's language (Swedish unless it is "en").
mail_text answer_mail(std::string_view receipt, std::string_view language, std::string_view answer,
                      std::string_view public_url);

struct smtp_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct smtp_message {
    std::string from, to, subject, body;
    std::string message_id;  // without angle brackets
};

// The whole message as it goes after DATA (headers, blank line, base64 body), CRLF line ends.
std::string format_message(const smtp_message& m, std::chrono::system_clock::time_point date);

// Delivers one message to HOST:PORT. Throws smtp_error with what went wrong.
void send_smtp(const std::string& server, const smtp_message& m, std::chrono::milliseconds timeout);

// How long to wait after the nth failed attempt (n >= 1).
std::chrono::milliseconds retry_delay(std::int64_t attempts, std::chrono::milliseconds initial,
                                      std::chrono::milliseconds max);

class mail_sender {
public:
    // Starts the sender thread when settings.smtp_server is set; otherwise does nothing.
    mail_sender(schema::database& db, const config::settings& settings);
    ~mail_sender();
    mail_sender(const mail_sender&) = delete;
    mail_sender& operator=(const mail_sender&) = delete;

    bool enabled() const { return !server_.empty(); }
    void notify();
    // Finishes the delivery under way and stops. Idempotent.
    void stop();

    std::uint64_t delivered() const { return delivered_.load(); }
    std::uint64_t failed_attempts() const { return failed_.load(); }

private:
    void run();
    // Delivers what is due; returns when the next queued row is due (or nullopt when none is).
    std::optional<std::chrono::system_clock::time_point> deliver_due();

    schema::database& db_;
    std::string server_, from_, public_host_;
    std::chrono::milliseconds retry_initial_, retry_max_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool pending_ = true;
    bool stopping_ = false;
    std::uint64_t subscription_ = 0;
    std::atomic<std::uint64_t> delivered_{0}, failed_{0};
    std::thread thread_;
};

}  // namespace inspel::workspace
