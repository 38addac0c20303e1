-- wrk script for B3: GETs one path pattern over a set of certificate codes, round robin, and
-- counts the answers that are not 2xx. Arguments (after --): PATTERN CODES_FILE, where PATTERN
-- has %s for the code (e.g. /c/%s/qr.png); without a CODES_FILE the pattern is the path.
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  pattern = args[1]
  codes = {}
  if args[2] then
    for line in io.lines(args[2]) do
      if #line > 0 then table.insert(codes, line) end
    end
  end
  n = id or 0
  ok = 0
  other = 0
end

function request()
  n = n + 1
  local path = pattern
  if #codes > 0 then path = string.format(pattern, codes[n % #codes + 1]) end
  return wrk.format("GET", path)
end

function response(status, headers, body)
  if status >= 200 and status < 300 then ok = ok + 1 else other = other + 1 end
end

function done(summary, latency, requests)
  local o, x = 0, 0
  for _, t in ipairs(threads) do
    o = o + t:get("ok")
    x = x + t:get("other")
  end
  io.write(string.format("ok=%d other=%d rps=%.0f p99_ms=%.2f\n", o, x,
    summary.requests / (summary.duration / 1e6), latency:percentile(99) / 1000))
end
