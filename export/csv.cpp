#include "export/csv.hpp"

namespace inspel::exporting {

csv_writer::csv_writer(output_file& out) : out_(out) { out_.write("\xEF\xBB\xBF"); }

void append_csv_field(std::string& line, std::string_view field, bool numeric) {
    bool defuse = !numeric && !field.empty() &&
                  (field[0] == '=' || field[0] == '+' || field[0] == '-' || field[0] == '@' || field[0] == '\t');
    bool quote = field.find_first_of(",\"\r\n") != std::string_view::npos;
    if (quote) line += '"';
    if (defuse) line += '\'';
    if (quote) {
        for (char ch : field) {
            if (ch == '"') line += '"';
            line += ch;
        }
        line += '"';
    } else {
        line += field;
    }
}

void csv_writer::row(const std::vector<std::string>& fields, const std::vector<bool>& numeric) {
    line_.clear();
    for (std::size_t i = 0; i < fields.size(); ++i) {
        if (i) line_ += ',';
        append_csv_field(line_, fields[i], i < numeric.size() && numeric[i]);
    }
    line_ += "\r\n";
    out_.write(line_);
}

}  // namespace inspel::exporting
