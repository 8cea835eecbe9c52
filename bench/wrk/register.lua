-- wrk script: a registration rush. Every request registers a new participant (a new e-mail
-- address) for the one event of the URL's path.
--   wrk -s bench/wrk/register.lua http://host:port/v1/events/<id>/registrations -- <tag>
-- The tag keeps addresses of different runs apart. Totals go to $WRK_RESULT as JSON, like
-- paths.lua, with the answers counted by status code ("statuses") and the 201s by the
-- decision they carry ("decisions": confirmed or waitlisted).
local counter = 0
local tag = "run"
local threads = {}
local thread_number = 0

function setup(thread)
  thread_number = thread_number + 1
  thread:set("number", thread_number)
  table.insert(threads, thread)
end

function init(args)
  tag = args[1] or tag
end

function request()
  counter = counter + 1
  local who = tag .. "-" .. tostring(number) .. "-" .. counter
  local body = '{"name":"Deltagare ' .. who .. '","email":"rush-' .. who .. '@example.org",' ..
               '"organisation":"Bench","country":"SE","consent":true}'
  return wrk.format("POST", nil, { ["Content-Type"] = "application/json" }, body)
end

-- Per thread (each has its own Lua state; done() collects them with thread:get).
statuses = {}
decisions = { confirmed = 0, waitlisted = 0 }

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if status == 201 then
    if body:find('"status":%s*"confirmed"') then
      decisions.confirmed = decisions.confirmed + 1
    elseif body:find('"status":%s*"waitlisted"') then
      decisions.waitlisted = decisions.waitlisted + 1
    end
  end
end

local function json_counts(counts)
  local keys = {}
  for k in pairs(counts) do keys[#keys + 1] = k end
  table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
  local parts = {}
  for _, k in ipairs(keys) do parts[#parts + 1] = string.format('"%s": %d', tostring(k), counts[k]) end
  return "{" .. table.concat(parts, ", ") .. "}"
end

function done(summary, latency, requests)
  local all_statuses, all_decisions = {}, { confirmed = 0, waitlisted = 0 }
  for _, thread in ipairs(threads) do
    for code, n in pairs(thread:get("statuses") or {}) do
      all_statuses[code] = (all_statuses[code] or 0) + n
    end
    local d = thread:get("decisions") or {}
    all_decisions.confirmed = all_decisions.confirmed + (d.confirmed or 0)
    all_decisions.waitlisted = all_decisions.waitlisted + (d.waitlisted or 0)
  end
  local out = io.open(os.getenv("WRK_RESULT") or "/dev/stdout", "w")
  out:write(string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, "errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, "latency_us": {"p50": %d, "p90": %d, "p99": %d, "max": %d, "mean": %.1f}, "statuses": %s, "decisions": %s}\n',
    summary.requests, summary.duration, summary.bytes,
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.status, summary.errors.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean,
    json_counts(all_statuses), json_counts(all_decisions)))
  out:close()
end
