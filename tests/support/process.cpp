#include "tests/support/process.hpp"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <stdexcept>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

namespace inspel::test {

process::process(const std::string& binary, const std::vector<std::string>& args,
                 const std::map<std::string, std::string>& env, const std::string& stdin_text) {
    int err_pipe[2], out_pipe[2], in_pipe[2];
    if (pipe(err_pipe) || pipe(out_pipe) || pipe(in_pipe)) throw std::runtime_error("pipe failed");
    pid_ = fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
        dup2(in_pipe[0], 0);
        dup2(out_pipe[1], 1);
        dup2(err_pipe[1], 2);
        for (int fd : {err_pipe[0], err_pipe[1], out_pipe[0], out_pipe[1], in_pipe[0], in_pipe[1]}) close(fd);
        for (const auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
        std::vector<char*> argv;
        argv.push_back(const_cast<char*>(binary.c_str()));
        for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        execv(binary.c_str(), argv.data());
        _exit(127);
    }
    close(err_pipe[1]);
    close(out_pipe[1]);
    close(in_pipe[0]);
    if (!stdin_text.empty()) {
        ssize_t n = write(in_pipe[1], stdin_text.data(), stdin_text.size());
        (void)n;
    }
    close(in_pipe[1]);
    err_fd_ = err_pipe[0];
    out_fd_ = out_pipe[0];
    fcntl(err_fd_, F_SETFL, O_NONBLOCK);
    fcntl(out_fd_, F_SETFL, O_NONBLOCK);
}

process::~process() {
    if (!status_) {
        ::kill(pid_, SIGKILL);
        wait(std::chrono::seconds(10));
    }
    draining_ = false;
    if (drainer_.joinable()) drainer_.join();
    if (err_fd_ >= 0) close(err_fd_);
    if (out_fd_ >= 0) close(out_fd_);
}

void process::pump(std::chrono::milliseconds budget) {
    pollfd fds[2] = {{err_fd_, POLLIN, 0}, {out_fd_, POLLIN, 0}};
    if (poll(fds, 2, static_cast<int>(budget.count())) <= 0) return;
    char buf[65536];
    std::lock_guard lock(buffers_mutex_);
    for (int i = 0; i < 2; ++i) {
        if (!(fds[i].revents & (POLLIN | POLLHUP))) continue;
        std::string& into = i == 0 ? err_ : out_;
        for (;;) {
            ssize_t n = read(fds[i].fd, buf, sizeof buf);
            if (n <= 0) break;
            into.append(buf, static_cast<std::size_t>(n));
        }
        if (keep_ && into.size() > 2 * keep_) into.erase(0, into.size() - keep_);
    }
}

void process::drain_in_background(std::size_t keep) {
    keep_ = keep;
    draining_ = true;
    drainer_ = std::thread([this] {
        while (draining_) pump(std::chrono::milliseconds(50));
    });
}

unsigned short process::wait_for_port(std::chrono::seconds timeout) {
    auto until = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < until) {
        pump(std::chrono::milliseconds(50));
        std::size_t start = 0, nl;
        while ((nl = err_.find('\n', start)) != std::string::npos) {
            auto line = nlohmann::json::parse(err_.substr(start, nl - start), nullptr, false);
            start = nl + 1;
            if (line.is_object() && line.value("event", "") == "listening") {
                std::string addr = line.value("address", "");
                return static_cast<unsigned short>(std::stoi(addr.substr(addr.rfind(':') + 1)));
            }
        }
        if (wait(std::chrono::milliseconds(0))) throw std::runtime_error("inspel exited early: " + err_);
    }
    throw std::runtime_error("inspel did not start listening: " + err_);
}

void process::signal(int sig) { ::kill(pid_, sig); }

std::optional<int> process::wait(std::chrono::milliseconds timeout) {
    if (status_) return status_;
    auto until = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        int st = 0;
        pid_t r = waitpid(pid_, &st, WNOHANG);
        if (r == pid_) {
            status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
            return status_;
        }
        if (std::chrono::steady_clock::now() >= until) return std::nullopt;
        pump(std::chrono::milliseconds(10));
    }
}

std::string process::stderr_text() {
    pump(std::chrono::milliseconds(0));
    if (status_) pump(std::chrono::milliseconds(50));
    std::lock_guard lock(buffers_mutex_);
    return err_;
}

std::string process::stdout_text() {
    pump(std::chrono::milliseconds(0));
    if (status_) pump(std::chrono::milliseconds(50));
    std::lock_guard lock(buffers_mutex_);
    return out_;
}

run_result run(const std::string& binary, const std::vector<std::string>& args,
               const std::map<std::string, std::string>& env, const std::string& stdin_text) {
    process p(binary, args, env, stdin_text);
    auto st = p.wait(std::chrono::seconds(120));
    if (!st) throw std::runtime_error(binary + " did not finish");
    return {*st, p.stdout_text(), p.stderr_text()};
}

}  // namespace inspel::test
