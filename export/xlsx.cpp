#include "export/xlsx.hpp"

#include <xlsxwriter.h>

#include <stdexcept>

namespace inspel::exporting {

namespace {

// Excel keeps at most 32767 characters in a cell; longer text is cut at a UTF-8 boundary and marked.
constexpr std::size_t max_cell_bytes = 32767 - 8;

std::string fit(std::string_view s) {
    if (s.size() <= max_cell_bytes) return std::string(s);
    std::size_t end = max_cell_bytes;
    while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
    return std::string(s.substr(0, end)) + " […]";
}

void check(lxw_error e, const char* what) {
    if (e != LXW_NO_ERROR) throw std::runtime_error(std::string("xlsx: ") + what + ": " + lxw_strerror(e));
}

}  // namespace

struct xlsx_workbook::impl {
    lxw_workbook* wb = nullptr;
    lxw_format* bold = nullptr;
    lxw_format* wrap = nullptr;
    std::string file, tmpdir, title;
};

xlsx_workbook::xlsx_workbook(const std::filesystem::path& file, const std::filesystem::path& temp_dir,
                             std::string title, std::chrono::sys_seconds created)
    : impl_(std::make_unique<impl>()) {
    impl_->file = file.string();
    impl_->tmpdir = temp_dir.string();
    impl_->title = std::move(title);
    lxw_workbook_options opts{};
    opts.constant_memory = LXW_TRUE;
    opts.tmpdir = impl_->tmpdir.data();
    opts.use_zip64 = LXW_TRUE;  // a sheet of a million rows passes 4 GiB uncompressed XML only in theory, but cheaply
    impl_->wb = workbook_new_opt(impl_->file.c_str(), &opts);
    if (!impl_->wb) throw std::runtime_error("xlsx: cannot create " + impl_->file);
    lxw_doc_properties props{};
    props.title = impl_->title.data();
    props.author = const_cast<char*>("Inspel");
    props.company = const_cast<char*>("");
    props.created = static_cast<time_t>(created.time_since_epoch().count());
    check(workbook_set_properties(impl_->wb, &props), "properties");
    impl_->bold = workbook_add_format(impl_->wb);
    format_set_bold(impl_->bold);
    format_set_text_wrap(impl_->bold);
    format_set_align(impl_->bold, LXW_ALIGN_VERTICAL_TOP);
    impl_->wrap = workbook_add_format(impl_->wb);
    format_set_align(impl_->wrap, LXW_ALIGN_VERTICAL_TOP);
}

xlsx_workbook::~xlsx_workbook() {
    // Not closed (an error on the way): free without writing. libxlsxwriter has no discard, and
    // workbook_close writes; the file lies in a temporary folder that is removed anyway.
    if (impl_ && impl_->wb) workbook_close(impl_->wb);
}

xlsx_workbook::sheet& xlsx_workbook::add_sheet(const std::string& name) {
    auto s = std::make_unique<sheet>();
    s->ws_ = workbook_add_worksheet(impl_->wb, name.c_str());
    if (!s->ws_) throw std::runtime_error("xlsx: cannot add sheet " + name);
    s->book_ = this;
    sheets_.push_back(std::move(s));
    return *sheets_.back();
}

void xlsx_workbook::close() {
    auto* wb = impl_->wb;
    impl_->wb = nullptr;
    check(workbook_close(wb), "close");
}

void xlsx_workbook::sheet::header(const std::vector<std::string>& names, const std::vector<double>& widths) {
    auto* ws = static_cast<lxw_worksheet*>(ws_);
    for (std::size_t i = 0; i < names.size(); ++i) {
        double w = i < widths.size() ? widths[i] : 14;
        worksheet_set_column(ws, static_cast<lxw_col_t>(i), static_cast<lxw_col_t>(i), w, book_->impl_->wrap);
    }
    worksheet_freeze_panes(ws, 1, 0);
    for (std::size_t i = 0; i < names.size(); ++i) bold(0, static_cast<std::uint16_t>(i), names[i]);
}

void xlsx_workbook::sheet::text(std::uint32_t row, std::uint16_t col, std::string_view s) {
    if (s.empty()) return;
    check(worksheet_write_string(static_cast<lxw_worksheet*>(ws_), row, col, fit(s).c_str(), nullptr), "cell");
}

void xlsx_workbook::sheet::number(std::uint32_t row, std::uint16_t col, double n) {
    check(worksheet_write_number(static_cast<lxw_worksheet*>(ws_), row, col, n, nullptr), "cell");
}

void xlsx_workbook::sheet::bold(std::uint32_t row, std::uint16_t col, std::string_view s) {
    check(worksheet_write_string(static_cast<lxw_worksheet*>(ws_), row, col, fit(s).c_str(), book_->impl_->bold),
          "cell");
}

}  // namespace inspel::exporting
