-- wrk script: fetches the PNG QR code of booked tickets, each with its holder's session.
local targets = dofile(os.getenv("LOAD_DIR") .. "/qr.lua")
local thread_count = tonumber(os.getenv("LOAD_THREADS"))
dofile(os.getenv("LOAD_SCRIPTS") .. "/threads.lua")

local sent = 0
ok, failed = 0, 0

function request()
   local target = targets[((sent * thread_count + thread_id) % #targets) + 1]
   sent = sent + 1
   return wrk.format("GET", "/api/v1/tickets/" .. target.id .. "/qr.png", { ["Authorization"] = "Bearer " .. target.token })
end

function response(status, headers, body)
   if status == 200 and body:sub(2, 4) == "PNG" then ok = ok + 1 else failed = failed + 1 end
end

function done(summary, latency, requests)
   io.write(string.format("PNG answers %d, other %d\n", total("ok"), total("failed")))
   io.write(string.format("latency p50 %.2f ms, p99 %.2f ms\n", latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
