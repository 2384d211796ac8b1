-- wrk script: each request books one seat nobody else is booking, for one of the seeded
-- attendees, in hall LOAD_HALL. Threads take interleaved seats so that no two requests ever
-- ask for the same seat; every answer other than 201 Created is counted and reported.
local data = dofile(os.getenv("LOAD_DIR") .. "/load.lua")
local hall = data.halls[tonumber(os.getenv("LOAD_HALL"))]
local thread_count = tonumber(os.getenv("LOAD_THREADS"))
local path = "/api/v1/events/" .. hall.event .. "/bookings"
-- A later run in the same hall starts past the seats an earlier one booked.
local offset = tonumber(os.getenv("LOAD_OFFSET") or "0")

dofile(os.getenv("LOAD_SCRIPTS") .. "/threads.lua")

local sent = 0
created, refused, failed = 0, 0, 0

function request()
   local index = sent * thread_count + thread_id
   sent = sent + 1
   -- Past the last seat the requests would repeat seats: the run is sized so that it never does.
   local seat = hall.seats[((offset + index) % #hall.seats) + 1]
   local token = data.tokens[(index % #data.tokens) + 1]
   return wrk.format("POST", path, {
      ["Authorization"] = "Bearer " .. token,
      ["Content-Type"] = "application/json",
   }, '{"seats":[' .. seat .. ']}')
end

function response(status, headers, body)
   if status == 201 then created = created + 1
   elseif status == 409 then refused = refused + 1
   else failed = failed + 1 end
end

function done(summary, latency, requests)
   io.write(string.format("booked %d, refused (409) %d, other %d\n", total("created"), total("refused"), total("failed")))
   io.write(string.format("latency p50 %.2f ms, p99 %.2f ms\n", latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
