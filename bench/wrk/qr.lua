-- wrk script: fetches the PNG QR code of booked tickets, each with its holder's session.
local targets = dofile(os.getenv("LOAD_DIR") .. "/qr.lua")
local thread_count = tonumber(os.getenv("LOAD_THREADS"))
local threads = {}
local next_id = 0
function setup(thread)
   thread:set("thread_id", next_id)
   next_id = next_id + 1
   table.insert(threads, thread)
end

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
   local o, f = 0, 0
   for _, thread in ipairs(threads) do
      o = o + thread:get("ok")
      f = f + thread:get("failed")
   end
   io.write(string.format("PNG answers %d, other %d\n", o, f))
   io.write(string.format("latency p50 %.2f ms, p99 %.2f ms\n", latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
