-- Shared by the wrk scripts: numbers the threads (each script's `thread_id`) and sums a
-- per-thread counter when the run is done.
local threads = {}
local next_id = 0

function setup(thread)
   thread:set("thread_id", next_id)
   next_id = next_id + 1
   table.insert(threads, thread)
end

function total(name)
   local sum = 0
   for _, thread in ipairs(threads) do sum = sum + thread:get(name) end
   return sum
end
