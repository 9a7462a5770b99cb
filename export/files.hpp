// Files of an export: buffered writing with fsync, SHA-256, and publishing a finished folder.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace inspel::exporting {

struct file_digest {
    std::uint64_t bytes = 0;
    std::string sha256;  // lower-case hex
};

// A file written through large buffers and hashed on the way, so the manifest needs no second read.
// Buffers are written with O_DIRECT: the bytes go from the buffer to the disk without a copy into
// the page cache (where an export of a gigabyte would push out the database's pages that intake and
// the workspace read). With `writer_thread`, full buffers go to a thread that hashes and writes them
// while the export goes on formatting (a file smaller than one buffer never starts it); without, the
// caller's thread does it, and the export keeps to one core (see export.hpp, "Speed").
// close() writes the rest, fsyncs and reports any error. A file not closed (an exception on the way)
// is closed by the destructor without a sync: the folder it is in is a temporary one that never
// becomes visible.
class output_file {
public:
    explicit output_file(const std::filesystem::path& path, bool writer_thread = false);
    ~output_file();
    output_file(const output_file&) = delete;
    output_file& operator=(const output_file&) = delete;

    void write(std::string_view s) {
        if (s.size() <= static_cast<std::size_t>(end_ - pos_)) {
            if (!s.empty()) std::memcpy(pos_, s.data(), s.size());
            pos_ += s.size();
        } else {
            write_on(s);
        }
    }
    output_file& operator<<(std::string_view s) {
        write(s);
        return *this;
    }
    void close();
    // The size and SHA-256 of what was written; known after close().
    file_digest digest() const;

private:
    struct writer;
    void write_on(std::string_view s);

    std::unique_ptr<writer> w_;
    char* pos_ = nullptr;  // the free part of the buffer being filled
    char* end_ = nullptr;
    file_digest digest_;
};

// Writes a small file whole (manifest, the nightly's state) and fsyncs it.
void write_file(const std::filesystem::path& path, std::string_view content);

// The size and SHA-256 of a file on disk (the XLSX, which libxlsxwriter writes itself).
file_digest digest(const std::filesystem::path& path);

void fsync_directory(const std::filesystem::path& dir);

// A fresh hidden folder beside where `final_dir` will be: PARENT/.NAME.tmp-PID-N.
std::filesystem::path make_temp_folder(const std::filesystem::path& final_dir);

// Moves the finished folder `temp` to `final_dir` atomically: a rename when there is none, an atomic
// exchange (then removal of the old one) when there is.
void publish_folder(const std::filesystem::path& temp, const std::filesystem::path& final_dir);

// Removes temporary folders a crashed run left in `slug_dir`.
void remove_stale_temp_folders(const std::filesystem::path& slug_dir);

// The export folders of one dialogue (OUT/SLUG/YYYY-MM-DD holding a manifest), newest first.
std::vector<std::filesystem::path> export_folders(const std::filesystem::path& slug_dir);

// The manifest of the newest export of a dialogue, or nullopt.
std::optional<nlohmann::json> latest_manifest(const std::filesystem::path& slug_dir);
// The manifest in an export folder, or nullopt when it is missing or unreadable.
std::optional<nlohmann::json> read_manifest(const std::filesystem::path& folder);

// The media type a file of an export is served with, or "" for a name that is not one of them.
std::string_view media_type(std::string_view file_name);

// True for YYYY-MM-DD.
bool is_date_name(std::string_view name);

}  // namespace inspel::exporting
