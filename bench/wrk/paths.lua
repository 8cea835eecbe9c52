-- wrk script: each request takes a random line of a file. A line is a path, optionally
-- followed by a tab and an entity tag to send as If-None-Match.
--   WRK_RESULT=<result.json> wrk -s bench/wrk/paths.lua <url> -- <file>
-- At the end, one JSON object with the totals and latency percentiles (microseconds) goes
-- to $WRK_RESULT (stdout when unset).
local paths, tags = {}, {}
local result_file

function init(args)
  for line in io.lines(args[1]) do
    local path, tag = line:match("^([^\t]+)\t(.+)$")
    if path then
      paths[#paths + 1] = path
      tags[#tags + 1] = tag
    elseif #line > 0 then
      paths[#paths + 1] = line
      tags[#tags + 1] = false
    end
  end
  math.randomseed(os.time() + (tonumber(tostring({}):match("0x(%x+)"), 16) or 0) % 100000)
end

function request()
  local i = math.random(#paths)
  if tags[i] then
    return wrk.format(nil, paths[i], { ["If-None-Match"] = tags[i] })
  end
  return wrk.format(nil, paths[i])
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
