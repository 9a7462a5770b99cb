// Runs the real `inspel` binary as a child process, for tests of signals, exit codes and crashes.
#pragma once

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace inspel::test {

class process {
public:
    // Starts `binary args...`; `env` adds to (or overrides) the inherited environment.
    process(const std::string& binary, const std::vector<std::string>& args,
            const std::map<std::string, std::string>& env = {}, const std::string& stdin_text = "");
    ~process();  // kills the child if it still runs
    process(const process&) = delete;
    process& operator=(const process&) = delete;

    // Reads stderr until a {"event":"listening"} line and returns its port; throws on timeout or exit.
    unsigned short wait_for_port(std::chrono::seconds timeout = std::chrono::seconds(30));
    void signal(int sig);
    // Waits for the exit status (exit code, or 128+signal); nullopt on timeout.
    std::optional<int> wait(std::chrono::milliseconds timeout);
    // Everything the child wrote to stderr/stdout so far (reading until EOF after it exited).
    std::string stderr_text();
    std::string stdout_text();
    int pid() const { return pid_; }
    // From now on a thread reads the child's output as it comes, keeping only the last `keep` bytes
    // of each stream, so a child that logs a lot (a server under load) never blocks on a full pipe.
    void drain_in_background(std::size_t keep = 1 << 20);

private:
    void pump(std::chrono::milliseconds budget);
    std::thread drainer_;
    std::atomic<bool> draining_{false};
    std::mutex buffers_mutex_;
    std::size_t keep_ = 0;
    int pid_ = -1;
    int err_fd_ = -1, out_fd_ = -1;
    std::string err_, out_;
    std::optional<int> status_;
};

// Runs a command to completion and returns {exit status, stdout, stderr}.
struct run_result {
    int status;
    std::string out, err;
};
run_result run(const std::string& binary, const std::vector<std::string>& args,
               const std::map<std::string, std::string>& env = {}, const std::string& stdin_text = "");

}  // namespace inspel::test
