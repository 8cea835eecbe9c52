-- wrk script: a registration rush. Every request registers a new participant (a new e-mail
-- address) for the one event of the URL's path.
--   wrk -s bench/wrk/register.lua http://host:port/v1/events/<id>/registrations -- <tag>
-- The tag keeps addresses of different runs apart. Totals go to $WRK_RESULT as JSON, like
-- paths.lua.
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

function done(summary, latency, requests)
  local out = io.open(os.getenv("WRK_RESULT") or "/dev/stdout", "w")
  out:write(string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, "errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, "latency_us": {"p50": %d, "p90": %d, "p99": %d, "max": %d, "mean": %.1f}}\n',
    summary.requests, summary.duration, summary.bytes,
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.status, summary.errors.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean))
  out:close()
end
