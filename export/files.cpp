#include "export/files.hpp"

#include "export/sha256.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <fcntl.h>
#include <fstream>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <sys/stat.h>
#include <unistd.h>

namespace inspel::exporting {

namespace fs = std::filesystem;

namespace {

std::runtime_error io_error(const std::string& what, const fs::path& p) {
    return std::runtime_error(what + " " + p.string() + ": " + std::strerror(errno));
}

}  // namespace

// The writer behind an output_file: the buffers, the thread that hashes and writes full ones, and
// the file.
struct output_file::writer {
    static constexpr std::size_t buffer_size = 1 << 20;  // a multiple of any block size O_DIRECT needs
    static constexpr std::size_t max_buffers = 4;        // one being filled, up to three being written

    fs::path path;
    int fd = -1;
    bool direct = false;
    sha256 hash;
    std::uint64_t written = 0;  // by the thread, or by close() once it has stopped

    std::vector<std::unique_ptr<char, decltype(&std::free)>> buffers;
    char* filling = nullptr;

    std::mutex m;
    std::condition_variable cv;
    std::deque<char*> full, empty;
    bool threaded = false, stopping = false;
    int error = 0;  // errno of the first failed write
    std::thread thread;

    writer(const fs::path& p, bool writer_thread) : path(p), threaded(writer_thread) {
        fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_DIRECT, 0644);
        direct = fd >= 0;
        if (fd < 0 && errno == EINVAL)  // a file system without O_DIRECT (tmpfs)
            fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0) throw io_error("cannot create", p);
        filling = new_buffer();
    }

    ~writer() {
        stop();
        if (fd >= 0) ::close(fd);
    }

    char* new_buffer() {
        // Aligned as O_DIRECT requires (4096 covers every logical block size in use).
        auto* b = static_cast<char*>(std::aligned_alloc(4096, buffer_size));
        if (!b) throw std::bad_alloc();
        buffers.emplace_back(b, &std::free);
        return b;
    }

    // Writes n bytes at the end of the file; false with errno set on failure. An O_DIRECT write the
    // file system refuses is retried through the page cache, and the file stays so.
    bool write_at_end(const char* p, std::size_t n) {
        while (n > 0) {
            ssize_t k = ::pwrite(fd, p, n, static_cast<off_t>(written));
            if (k < 0 && errno == EINTR) continue;
            if (k < 0 && errno == EINVAL && direct) {
                if (!buffered()) return false;
                continue;
            }
            if (k <= 0) {
                if (k == 0) errno = EIO;
                return false;
            }
            p += k;
            n -= static_cast<std::size_t>(k);
            written += static_cast<std::uint64_t>(k);
        }
        return true;
    }

    bool buffered() {
        int flags = ::fcntl(fd, F_GETFL);
        if (flags < 0 || ::fcntl(fd, F_SETFL, flags & ~O_DIRECT) != 0) return false;
        direct = false;
        return true;
    }

    void run() {
        std::unique_lock lock(m);
        while (true) {
            cv.wait(lock, [&] { return stopping || !full.empty(); });
            if (full.empty()) return;
            char* b = full.front();
            full.pop_front();
            bool ok = error == 0;
            lock.unlock();
            if (ok) {
                hash.update(b, buffer_size);
                ok = write_at_end(b, buffer_size);
            }
            int err = errno;
            lock.lock();
            if (!ok && error == 0) error = err ? err : EIO;
            empty.push_back(b);
            cv.notify_all();
        }
    }

    // Hands the full buffer to the thread (or writes it) and returns the next one to fill.
    char* hand_over() {
        if (!threaded) {
            hash.update(filling, buffer_size);
            if (!write_at_end(filling, buffer_size)) throw io_error("cannot write", path);
            return filling;
        }
        std::unique_lock lock(m);
        if (error) {
            errno = error;
            throw io_error("cannot write", path);
        }
        full.push_back(filling);
        if (!thread.joinable()) thread = std::thread([this] { run(); });
        cv.notify_all();
        if (empty.empty() && buffers.size() < max_buffers) return filling = new_buffer();
        cv.wait(lock, [&] { return !empty.empty(); });
        filling = empty.front();
        empty.pop_front();
        return filling;
    }

    // Waits for the thread to write what it was given, then stops it.
    void stop() {
        {
            std::lock_guard lock(m);
            stopping = true;
        }
        cv.notify_all();
        if (thread.joinable()) thread.join();
    }
};

output_file::output_file(const fs::path& path, bool writer_thread)
    : w_(std::make_unique<writer>(path, writer_thread)) {
    pos_ = w_->filling;
    end_ = pos_ + writer::buffer_size;
}

output_file::~output_file() = default;

void output_file::write_on(std::string_view s) {
    if (!w_ || w_->fd < 0) throw std::logic_error("write to a closed file " + (w_ ? w_->path.string() : ""));
    while (!s.empty()) {
        std::size_t room = static_cast<std::size_t>(end_ - pos_), n = std::min(room, s.size());
        std::memcpy(pos_, s.data(), n);
        pos_ += n;
        s.remove_prefix(n);
        if (pos_ == end_) {
            pos_ = w_->hand_over();
            end_ = pos_ + writer::buffer_size;
        }
    }
}

void output_file::close() {
    if (!w_ || w_->fd < 0) return;
    writer& w = *w_;
    w.stop();  // everything handed over is written (or failed)
    std::size_t rest = static_cast<std::size_t>(pos_ - w.filling);
    pos_ = end_ = nullptr;
    errno = w.error;
    bool ok = w.error == 0;
    if (ok) {
        w.hash.update(w.filling, rest);
        // The whole blocks directly, the last part-block through the page cache (O_DIRECT writes
        // whole blocks only); fsync makes both durable, with the file's size.
        std::size_t whole = w.direct ? rest / 4096 * 4096 : rest;
        ok = w.write_at_end(w.filling, whole) && (rest == whole || !w.direct || w.buffered()) &&
             w.write_at_end(w.filling + whole, rest - whole) && ::fsync(w.fd) == 0;
    }
    int err = errno;
    bool closed = ::close(w.fd) == 0;
    w.fd = -1;
    if (!ok || !closed) {
        errno = ok ? errno : err;
        throw io_error("cannot write", w.path);
    }
    digest_ = {w.written, w.hash.hex()};
    w_.reset();
}

file_digest output_file::digest() const { return digest_; }

void write_file(const fs::path& path, std::string_view content) {
    output_file f(path);
    f.write(content);
    f.close();
}

file_digest digest(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw io_error("cannot read", path);
    sha256 hash;
    std::vector<char> buf(1 << 20);
    file_digest d;
    while (in) {
        in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
        auto n = static_cast<std::size_t>(in.gcount());
        if (n == 0) break;
        hash.update(buf.data(), n);
        d.bytes += n;
    }
    if (in.bad()) throw io_error("cannot read", path);
    d.sha256 = hash.hex();
    return d;
}

void fsync_directory(const fs::path& dir) {
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
    if (fd < 0) throw io_error("cannot open", dir);
    int r = ::fsync(fd);
    ::close(fd);
    if (r != 0) throw io_error("cannot sync", dir);
}

fs::path make_temp_folder(const fs::path& final_dir) {
    static std::atomic<unsigned> counter{0};
    fs::create_directories(final_dir.parent_path());
    for (int attempt = 0; attempt < 100; ++attempt) {
        auto p = final_dir.parent_path() / ("." + final_dir.filename().string() + ".tmp-" + std::to_string(::getpid()) +
                                           "-" + std::to_string(counter++));
        if (::mkdir(p.c_str(), 0755) == 0) return p;
        if (errno != EEXIST) throw io_error("cannot create", p);
    }
    throw std::runtime_error("cannot create a temporary folder beside " + final_dir.string());
}

void publish_folder(const fs::path& temp, const fs::path& final_dir) {
    fsync_directory(temp);
    if (::rename(temp.c_str(), final_dir.c_str()) != 0) {
        if (errno != EEXIST && errno != ENOTEMPTY) throw io_error("cannot move into place", final_dir);
        // An export for this date exists: swap the two in one step, so readers see the old or the
        // new folder and never neither, then remove the old one (now at `temp`).
        if (::renameat2(AT_FDCWD, temp.c_str(), AT_FDCWD, final_dir.c_str(), RENAME_EXCHANGE) != 0)
            throw io_error("cannot exchange", final_dir);
        fsync_directory(final_dir.parent_path());
        fs::remove_all(temp);
    }
    fsync_directory(final_dir.parent_path());
}

void remove_stale_temp_folders(const fs::path& slug_dir) {
    std::error_code ec;
    if (!fs::is_directory(slug_dir, ec)) return;
    std::vector<fs::path> stale;
    for (const auto& e : fs::directory_iterator(slug_dir, ec)) {
        auto name = e.path().filename().string();
        if (name.size() > 1 && name[0] == '.' && name.find(".tmp-") != std::string::npos) stale.push_back(e.path());
    }
    for (const auto& p : stale) fs::remove_all(p, ec);
}

bool is_date_name(std::string_view n) {
    if (n.size() != 10 || n[4] != '-' || n[7] != '-') return false;
    for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
        if (n[i] < '0' || n[i] > '9') return false;
    return true;
}

std::vector<fs::path> export_folders(const fs::path& slug_dir) {
    std::vector<fs::path> out;
    std::error_code ec;
    if (!fs::is_directory(slug_dir, ec)) return out;
    for (const auto& e : fs::directory_iterator(slug_dir, ec))
        if (is_date_name(e.path().filename().string()) && fs::is_regular_file(e.path() / "manifest.json", ec))
            out.push_back(e.path());
    std::sort(out.begin(), out.end(), [](const fs::path& a, const fs::path& b) { return a.filename() > b.filename(); });
    return out;
}

std::optional<nlohmann::json> read_manifest(const fs::path& folder) {
    std::ifstream in(folder / "manifest.json", std::ios::binary);
    if (!in) return std::nullopt;
    auto j = nlohmann::json::parse(in, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return std::nullopt;
    return j;
}

std::optional<nlohmann::json> latest_manifest(const fs::path& slug_dir) {
    auto folders = export_folders(slug_dir);
    if (folders.empty()) return std::nullopt;
    return read_manifest(folders.front());
}

std::string_view media_type(std::string_view name) {
    if (name == "report.html") return "text/html; charset=utf-8";
    if (name == "items.csv") return "text/csv; charset=utf-8; header=present";
    if (name == "items.xlsx") return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    if (name == "results.json" || name == "manifest.json") return "application/json; charset=utf-8";
    return {};
}

}  // namespace inspel::exporting
