#include "workspace/workflow.hpp"

#include <algorithm>

namespace inspel::workspace {

std::string_view to_string(status s) {
    switch (s) {
        case status::received: return "received";
        case status::in_progress: return "in_progress";
        case status::answered: return "answered";
        case status::closed: return "closed";
        case status::rejected: return "rejected";
    }
    return "received";
}

std::optional<status> parse_status(std::string_view s) {
    for (auto st : all_statuses())
        if (to_string(st) == s) return st;
    return std::nullopt;
}

const std::vector<status>& all_statuses() {
    static const std::vector<status> all = {status::received, status::in_progress, status::answered, status::closed,
                                            status::rejected};
    return all;
}

std::string_view status_label(status s, std::string_view lang) {
    bool en = lang == "en";
    switch (s) {
        case status::received: return en ? "Received" : "Mottagen";
        case status::in_progress: return en ? "In progress" : "Under handläggning";
        case status::answered: return en ? "Answered" : "Besvarad";
        case status::closed: return en ? "Closed" : "Avslutad";
        case status::rejected: return en ? "Rejected" : "Avvisad";
    }
    return "";
}

std::optional<problem> check_status_change(status from, status to, std::string_view reason) {
    using S = status;
    if (to == S::answered)
        return problem{"status", "An item becomes answered when it is answered: write the answer to the resident."};
    if (to == S::received)
        return problem{"status", "An item that has been taken up cannot be marked as received again."};
    if (to == S::rejected) {
        if (from != S::received && from != S::in_progress)
            return problem{"status", "Only an item that is received or in progress can be rejected."};
        if (reason.find_first_not_of(" \t\r\n") == std::string_view::npos)
            return problem{"reason", "Give the reason for rejecting the item; the resident is told it."};
        return std::nullopt;
    }
    if (to == S::closed && from == S::rejected)
        return problem{"status", "A rejected item is already finished; reopen it first."};
    // in_progress from anything (taking up or reopening), closed from received/in_progress/answered.
    return std::nullopt;
}

std::optional<problem> check_answer(status from) {
    if (from == status::closed || from == status::rejected)
        return problem{"status", "The item is " + std::string(to_string(from)) + "; reopen it (in progress) to answer it."};
    return std::nullopt;
}

std::vector<status> next_statuses(status from) {
    std::vector<status> out;
    for (auto to : all_statuses())
        if (to != from && to != status::rejected && !check_status_change(from, to, "").has_value()) out.push_back(to);
    if (!check_status_change(from, status::rejected, "a reason").has_value()) out.push_back(status::rejected);
    return out;
}

}  // namespace inspel::workspace
