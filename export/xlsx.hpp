// A streaming XLSX workbook over libxlsxwriter in constant-memory mode: each sheet keeps only its
// current row, so a million rows cost no more memory than ten. Rows of a sheet must come in order.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace inspel::exporting {

class xlsx_workbook {
public:
    // `created` fixes the document's creation time, so the same data gives the same bytes.
    // `temp_dir` receives libxlsxwriter's temporary files.
    xlsx_workbook(const std::filesystem::path& file, const std::filesystem::path& temp_dir, std::string title,
                  std::chrono::sys_seconds created);
    ~xlsx_workbook();
    xlsx_workbook(const xlsx_workbook&) = delete;
    xlsx_workbook& operator=(const xlsx_workbook&) = delete;

    class sheet {
    public:
        // A header row in bold, frozen, with column widths (in characters).
        void header(const std::vector<std::string>& names, const std::vector<double>& widths);
        void text(std::uint32_t row, std::uint16_t col, std::string_view s);
        void number(std::uint32_t row, std::uint16_t col, double n);
        void bold(std::uint32_t row, std::uint16_t col, std::string_view s);

    private:
        friend class xlsx_workbook;
        void* ws_ = nullptr;
        xlsx_workbook* book_ = nullptr;
    };

    // Sheets appear in the order they are added. Names are at most 31 characters.
    sheet& add_sheet(const std::string& name);
    // Writes the file; throws on failure.
    void close();

private:
    struct impl;
    std::unique_ptr<impl> impl_;
    std::vector<std::unique_ptr<sheet>> sheets_;
};

}  // namespace inspel::exporting
