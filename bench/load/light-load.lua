-- wrk script for bench/light-load.ts. Without SPOOR_LIGHT_PATHS: POST /c page views as
-- bench/collect-bodies.ts makes them (a unique event id per request, one of 1,000 visitor ids, skewed
-- paths, an external referrer), cheap to make in C. With SPOOR_LIGHT_PATHS (a file of URL paths, one a
-- line: the open pixel's or the click's genuine signed URLs of a stored send): a GET of a random one, as a
-- mail client or browser would.
local website = os.getenv("SPOOR_LIGHT_WEBSITE") or "bare"
local pathsFile = os.getenv("SPOOR_LIGHT_PATHS")
local alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
local visitors = {}
local paths = {}
local made = 0
local prefix = ""

local function randomId(length)
  local chars = {}
  for i = 1, length do
    local k = math.random(1, 64)
    chars[i] = alphabet:sub(k, k)
  end
  return table.concat(chars)
end

function init(args)
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
  wrk.headers["User-Agent"] = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
  if pathsFile then
    for line in io.lines(pathsFile) do
      if #line > 0 then paths[#paths + 1] = line end
    end
    wrk.method = "GET"
    wrk.headers["Accept"] = "image/avif,image/webp,*/*"
    return
  end
  for i = 1, 1000 do visitors[i] = randomId(22) end
  prefix = randomId(6)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "text/plain"
  wrk.headers["Origin"] = "https://bench.example"
end

function request()
  if pathsFile then
    return wrk.format(nil, paths[math.random(1, #paths)])
  end
  made = made + 1
  local n = math.floor(200 ^ math.random()) - 1
  local url = n == 0 and "https://bench.example/" or ("https://bench.example/products/item-" .. n)
  local eventId = string.format("%08x", os.time()) .. prefix .. string.format("%010d", made)
  local body = '{"w":"' .. website .. '","e":"' .. eventId .. '","t":"pv","u":"' .. url ..
    '","ti":"Bench shop","v":"' .. visitors[math.random(1, 1000)] .. '","r":"https://www.google.com/"}'
  return wrk.format(nil, "/c", nil, body)
end

function done(summary, latency, requests)
  io.write(string.format('RESULT {"requests":%d,"seconds":%.3f,"p50":%.3f,"p99":%.3f,"non2xx":%d,"errors":%d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
