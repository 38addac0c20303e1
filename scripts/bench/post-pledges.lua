-- wrk script for B1: every request a new pledge with its own Idempotency-Key; counts the 201s.
local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  created = 0
  other = 0
  n = 0
end

local bands = { "12-15", "16-17", "18-24", "25-plus" }
-- The kiosk token the service requires (common.sh exports it).
local authorization = "Bearer " .. (os.getenv("KIOSK_KIOSK_TOKEN") or "")

function request()
  n = n + 1
  local key = string.format("b1-%d-%d", id, n)
  local name = (n % 3 == 0) and "null" or string.format('"Người ký %d-%d"', id, n)
  local body = string.format('{"name":%s,"ageBand":"%s","province":"Hà Nội","guardianConsent":true}', name, bands[n % 4 + 1])
  return wrk.format("POST", "/api/pledges",
    { ["Content-Type"] = "application/json", ["Idempotency-Key"] = key, ["Kiosk-Id"] = "bench-" .. id,
      ["Authorization"] = authorization }, body)
end

function response(status, headers, body)
  if status == 201 then created = created + 1 else other = other + 1 end
end

function done(summary, latency, requests)
  local c, o = 0, 0
  for _, t in ipairs(threads) do
    c = c + t:get("created")
    o = o + t:get("other")
  end
  io.write(string.format("created=%d other=%d p50_ms=%.2f p99_ms=%.2f\n", c, o,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
