-- wrk script for the benchmarked pages: every request asks for one page of
-- a random one of Shandong's 16 cities.
-- PAGE=officers (default): the officer list of the city's subtree
--   MODE=first  (default) the first page:  /api/v1/officers?region=3701..00&limit=50
--   MODE=cursor a later page: a cursor at a random date A-01-01..B-12-28
--               (inside the seeded due dates), i.e. a keyset position
--               thousands of rows deep, built the way the server builds
--               cursors: base64url(JSON {"d":"YYYY-MM-DD","i":id}); id 1 is
--               before every row of that day.
-- PAGE=queue: the city legal office's approval queue, the unit-approved
--   applications of its own level
--   (/api/v1/applications?same_level=true&state=unit_approved&region=3701..00&limit=50)
--   MODE=cursor: after a random application id in A..B (base64url {"i":id}).
-- Arguments:  wrk ... -s pages.lua -- MODE LIMIT A B TOKEN PAGE   (first 50 2024 2027 "" officers)
-- TOKEN is a bearer access token (POST /api/v1/auth/login), sent with every request.
-- The pgbench scripts of bench-officer-list.sh draw the same way.
local cities = {"3701","3702","3703","3704","3705","3706","3707","3708",
                "3709","3710","3711","3713","3714","3715","3716","3717"}
local mode, limit, y0, y1, page = "first", "50", 2024, 2027, "officers"

local b64chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
local function b64url(s) -- RFC 4648 base64url without padding
  local out, n = {}, #s
  for i = 1, n, 3 do
    local a, b, c = s:byte(i, i + 2)
    local v = a * 65536 + (b or 0) * 256 + (c or 0)
    local k = (b == nil) and 2 or ((c == nil) and 3 or 4)
    for j = 1, k do
      local idx = math.floor(v / 2 ^ (6 * (4 - j))) % 64
      out[#out + 1] = b64chars:sub(idx + 1, idx + 1)
    end
  end
  return table.concat(out)
end

local paths = {}

local threads = 0
function setup(thread) -- runs in the main state: give each thread its own seed
  threads = threads + 1
  thread:set("tid", threads)
end

function init(args)
  if args[1] then mode = args[1] end
  if args[2] then limit = args[2] end
  if args[3] then y0 = tonumber(args[3]) end
  if args[4] then y1 = tonumber(args[4]) end
  if args[5] and args[5] ~= "" then wrk.headers["Authorization"] = "Bearer " .. args[5] end
  if args[6] then page = args[6] end
  math.randomseed(os.time() * 1000 + (tid or 0))
  if page == "queue" then
    if mode ~= "first" and mode ~= "cursor" then error("mode must be first or cursor, got " .. mode) end
    for _, c in ipairs(cities) do
      paths[#paths + 1] = "/api/v1/applications?same_level=true&state=unit_approved&region=" .. c .. "00&limit=" .. limit
    end
  elseif page ~= "officers" then
    error("page must be officers or queue, got " .. page)
  elseif mode == "first" then
    for _, c in ipairs(cities) do
      paths[#paths + 1] = "/api/v1/officers?region=" .. c .. "00&limit=" .. limit
    end
  elseif mode == "cursor" then
    -- 16 cities x 12 months x 28 days per year, drawn uniformly.
    for _, c in ipairs(cities) do
      for y = y0, y1 do
        for m = 1, 12 do
          for d = 1, 28 do
            local cur = b64url(string.format('{"d":"%04d-%02d-%02d","i":1}', y, m, d))
            paths[#paths + 1] = "/api/v1/officers?region=" .. c .. "00&limit=" .. limit .. "&cursor=" .. cur
          end
        end
      end
    end
  else
    error("mode must be first or cursor, got " .. mode)
  end
end

function request()
  local path = paths[math.random(#paths)]
  if page == "queue" and mode == "cursor" then
    path = path .. "&cursor=" .. b64url(string.format('{"i":%d}', math.random(y0, y1)))
  end
  return wrk.format("GET", path)
end

local errors = 0
function response(status, headers, body)
  if status ~= 200 then errors = errors + 1 end
end

function done(summary, latency, requests)
  io.write(string.format("wrk-json {\"requests\":%d,\"seconds\":%.3f,\"rps\":%.1f,\"non2xx\":%d,\"errors\":%d," ..
    "\"p50_ms\":%.3f,\"p90_ms\":%.3f,\"p99_ms\":%.3f,\"max_ms\":%.3f,\"mean_ms\":%.3f}\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, latency.mean / 1000))
end
