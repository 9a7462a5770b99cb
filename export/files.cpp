#include "export/files.hpp"

#include <sodium.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

namespace inspel::exporting {

namespace fs = std::filesystem;

namespace {

std::runtime_error io_error(const std::string& what, const fs::path& p) {
    return std::runtime_error(what + " " + p.string() + ": " + std::strerror(errno));
}

}  // namespace

output_file::output_file(const fs::path& path) : path_(path), buffer_(1 << 20) {
    f_ = std::fopen(path.c_str(), "wb");
    if (!f_) throw io_error("cannot create", path);
    std::setvbuf(f_, buffer_.data(), _IOFBF, buffer_.size());
}

output_file::~output_file() {
    if (f_) std::fclose(f_);
}

void output_file::write(std::string_view s) {
    if (s.empty()) return;
    if (std::fwrite(s.data(), 1, s.size(), f_) != s.size()) throw io_error("cannot write", path_);
}

void output_file::close() {
    if (!f_) return;
    bool ok = std::fflush(f_) == 0 && ::fsync(::fileno(f_)) == 0;
    int err = errno;
    bool closed = std::fclose(f_) == 0;
    f_ = nullptr;
    errno = ok ? errno : err;
    if (!ok || !closed) throw io_error("cannot write", path_);
}

void write_file(const fs::path& path, std::string_view content) {
    output_file f(path);
    f.write(content);
    f.close();
}

file_digest digest(const fs::path& path) {
    if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw io_error("cannot read", path);
    crypto_hash_sha256_state state;
    crypto_hash_sha256_init(&state);
    std::vector<char> buf(1 << 20);
    file_digest d;
    while (in) {
        in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
        auto n = static_cast<std::size_t>(in.gcount());
        if (n == 0) break;
        crypto_hash_sha256_update(&state, reinterpret_cast<const unsigned char*>(buf.data()), n);
        d.bytes += n;
    }
    if (in.bad()) throw io_error("cannot read", path);
    unsigned char out[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&state, out);
    char hex[crypto_hash_sha256_BYTES * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, out, sizeof out);
    d.sha256 = hex;
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
