-- wrk script of the intake benchmark (bench/intake/run.sh).
--   wrk ... -s post.lua URL -- post BODIES.jsonl   POSTs the bodies to /api/v1/submissions in turn
--   wrk ... -s post.lua URL -- get PATH            GETs PATH (the /healthz ceiling)
--   a third argument, MS, makes each connection wait MS milliseconds before each request: a load
--   of about connections * 1000 / MS requests per second instead of as many as the server takes.
-- Each wrk thread cycles through the bodies from its own starting point, so connections do not
-- send the same text in lockstep. Statuses are counted in the response hook: only the expected
-- one (201 for a POST, 200 for a GET) counts as accepted; wrk's own "requests" counts every answer.
-- done() prints one line "RESULT key=value ..." for run.sh to read.

local threads = {}

function setup(thread)
    thread:set("id", #threads)
    table.insert(threads, thread)
end

local requests = {}
local next_request = 1
local expected = 200
local pause_ms = 0
accepted = 0
refused = 0

function init(args)
    local mode = args[1] or "get"
    pause_ms = tonumber(args[3] or "0")
    if mode == "post" then
        expected = 201
        local headers = { ["Content-Type"] = "application/json" }
        for line in io.lines(args[2]) do
            if #line > 0 then
                table.insert(requests, wrk.format("POST", "/api/v1/submissions", headers, line))
            end
        end
        if #requests == 0 then
            error("no bodies in " .. tostring(args[2]))
        end
        next_request = (id * 997) % #requests + 1
    else
        table.insert(requests, wrk.format("GET", args[2] or "/healthz"))
    end
end

function delay()
    return pause_ms
end

function request()
    local r = requests[next_request]
    next_request = next_request % #requests + 1
    return r
end

function response(status, headers, body)
    if status == expected then
        accepted = accepted + 1
    else
        refused = refused + 1
        if refused <= 3 then
            io.stderr:write("unexpected status " .. status .. ": " .. string.sub(body or "", 1, 300) .. "\n")
        end
    end
end

function done(summary, latency, requests)
    local ok, bad = 0, 0
    for _, t in ipairs(threads) do
        ok = ok + t:get("accepted")
        bad = bad + t:get("refused")
    end
    local e = summary.errors
    io.write(string.format(
        "RESULT requests=%d accepted=%d refused=%d duration_us=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d " ..
        "socket_errors=%d\n",
        summary.requests, ok, bad, summary.duration, latency:percentile(50), latency:percentile(90),
        latency:percentile(99), latency.max, e.connect + e.read + e.write + e.timeout))
end
