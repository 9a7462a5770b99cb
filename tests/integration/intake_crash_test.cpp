#define BOOST_TEST_MODULE intake_crash
// Acknowledged means committed: clients submit from several threads, the server is killed with
// SIGKILL mid-stream, and after a restart every submission that got a 201 is there, intact.
#include "schema/database.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

#include <boost/test/unit_test.hpp>

#include <atomic>
#include <csignal>
#include <map>
#include <mutex>
#include <thread>

using namespace inspel::test;
using json = nlohmann::json;

BOOST_AUTO_TEST_CASE(every_acknowledged_submission_survives_kill_9) {
    temp_dir dir;
    const std::map<std::string, std::string> env = {{"INSPEL_RATE_LIMIT", "0"}};
    const std::vector<std::string> args = {"serve", "--listen", "127.0.0.1:0", "--data", dir.path().string()};
    std::map<std::string, std::string> acknowledged;  // receipt -> body sent
    std::mutex m;
    {
        process server(INSPEL_BINARY, args, env);
        auto port = server.wait_for_port();
        std::atomic<bool> stop{false};
        std::atomic<int> total{0};
        std::vector<std::thread> clients;
        for (int t = 0; t < 6; ++t) {
            clients.emplace_back([&, t] {
                try {
                    http_client c(port);
                    for (int i = 0; !stop; ++i) {
                        std::string body = "Klient " + std::to_string(t) + ", inskick " + std::to_string(i) +
                                           ": gatlyktan på Ågatan är trasig igen.";
                        auto r = c.post_json("/api/v1/submissions",
                                             {{"kind", "feedback"}, {"feedback_type", "complaint"}, {"body", body}});
                        if (r.result_int() != 201u) continue;
                        std::lock_guard lock(m);
                        acknowledged[json::parse(r.body())["receipt"]] = body;
                        ++total;
                    }
                } catch (const std::exception&) {
                    // The server died under us: what was acknowledged before is what counts.
                }
            });
        }
        while (total < 300) std::this_thread::sleep_for(std::chrono::milliseconds(5));
        server.signal(SIGKILL);  // mid-stream: clients are still sending
        stop = true;
        for (auto& c : clients) c.join();
        auto status = server.wait(std::chrono::seconds(10));
        BOOST_REQUIRE(status.has_value());
        BOOST_TEST(*status == 128 + SIGKILL);
    }
    BOOST_TEST_MESSAGE(acknowledged.size() << " submissions acknowledged before the kill");
    BOOST_REQUIRE(acknowledged.size() >= 300u);

    // Restart on the same data: every receipt answers.
    {
        process server(INSPEL_BINARY, args, env);
        http_client c(server.wait_for_port());
        std::size_t found = 0;
        for (const auto& [receipt, body] : acknowledged) {
            auto r = c.get("/api/v1/receipts/" + receipt);
            if (r.result_int() == 200u && json::parse(r.body())["status"] == "received") ++found;
        }
        BOOST_TEST(found == acknowledged.size());
        server.signal(SIGTERM);
        BOOST_TEST(server.wait(std::chrono::seconds(10)).value_or(-1) == 0);
    }
    // And each holds exactly what was sent.
    inspel::schema::connection db(inspel::schema::database_file(dir.path()), inspel::schema::connection::mode::read_only);
    std::size_t intact = 0;
    for (const auto& [receipt, body] : acknowledged) {
        auto st = db.prepare("SELECT body FROM submissions WHERE receipt = ?");
        st.bind(1, receipt);
        if (st.step() && st.text(0) == body) ++intact;
    }
    BOOST_TEST(intact == acknowledged.size());
}
