#include "cli/args.hpp"

namespace inspel::cli {

args parse(int argc, char** argv, int first, const std::set<std::string>& with_value,
           const std::set<std::string>& switch_names) {
    args a;
    for (int i = first; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg.rfind("--", 0) != 0 || arg == "--") {
            a.positional.push_back(arg);
            continue;
        }
        std::string name = arg, value;
        bool inline_value = false;
        if (auto eq = arg.find('='); eq != std::string::npos) {
            name = arg.substr(0, eq);
            value = arg.substr(eq + 1);
            inline_value = true;
        }
        if (with_value.count(name)) {
            if (!inline_value) {
                if (i + 1 >= argc) throw usage_error(name + " needs a value");
                value = argv[++i];
            }
            a.values[name] = value;
        } else if (switch_names.count(name) && !inline_value) {
            a.switches.insert(name);
        } else {
            throw usage_error("unknown option " + name);
        }
    }
    return a;
}

}  // namespace inspel::cli
