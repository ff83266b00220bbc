-- wrk script for benchmarks/run.py: one connection per wrk thread, so each
-- connection is one simulated user with its own bearer token.
--
-- wrk -t N -c N -d 10s --latency -s scenario.lua URL -- \
--     CONNECTIONS TOKENS_FILE METHOD PATH_TEMPLATE [CODES_FILE CLIENT_ID CLIENT_SECRET REDIRECT_URI]
--
-- PATH_TEMPLATE may hold {group_id} and {ticket_id}, filled from the user's
-- line of TOKENS_FILE (token, user id, group id, owned ticket id). METHOD PUT
-- sends {"note": ...} with a new note each time; METHOD POST with a codes file
-- exchanges a fresh authorization code per request (each thread takes every
-- CONNECTIONS-th line, so no code is sent twice). done() prints one line,
-- "BENCH {json}", that run.py reads.

local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("index", counter)
end

local function read_lines(path)
  local lines = {}
  for line in io.lines(path) do
    if line ~= "" and line:sub(1, 1) ~= "#" then
      table.insert(lines, line)
    end
  end
  return lines
end

local function split(line)
  local fields = {}
  for field in line:gmatch("[^\t]+") do
    table.insert(fields, field)
  end
  return fields
end

local method, path, headers, fixed_request
local codes, next_code, form_prefix
local sent = 0

function init(args)
  local connections = tonumber(args[1])
  local users = {}
  for _, line in ipairs(read_lines(args[2])) do
    local f = split(line)
    -- Users who own a ticket, so that PUT /ticket/ID is theirs to make.
    if tonumber(f[4]) > 0 then
      table.insert(users, f)
    end
  end
  -- Spread the connections over the whole file: different groups, not neighbours.
  local stride = math.max(1, math.floor(#users / connections))
  local user = users[((index - 1) * stride) % #users + 1]
  method = args[3]
  path = args[4]:gsub("{group_id}", user[3]):gsub("{ticket_id}", user[4])
  headers = {}
  headers["Authorization"] = "Bearer " .. user[1]
  if args[5] then
    codes = {}
    local all = read_lines(args[5])
    for i = index, #all, connections do
      table.insert(codes, all[i])
    end
    next_code = 1
    form_prefix = "grant_type=authorization_code&client_id=" .. args[6]
      .. "&client_secret=" .. args[7] .. "&redirect_uri=" .. args[8]:gsub(":", "%%3A"):gsub("/", "%%2F")
      .. "&code="
    headers["Authorization"] = nil
    headers["Content-Type"] = "application/x-www-form-urlencoded"
  elseif method == "PUT" or method == "POST" then
    headers["Content-Type"] = "application/json"
  else
    fixed_request = wrk.format(method, path, headers)
  end
end

function request()
  if fixed_request then
    return fixed_request
  end
  sent = sent + 1
  if codes then
    -- Past the last code, the last one again: the server refuses it and
    -- run.py reports the errors (give it more codes).
    local code = codes[math.min(next_code, #codes)]
    next_code = next_code + 1
    return wrk.format(method, path, headers, form_prefix .. code)
  end
  local body = string.format('{"note": "benchmark %d-%d"}', index, sent)
  return wrk.format(method, path, headers, body)
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, '
      .. '"mean_us": %.1f, "max_us": %d, "non2xx": %d, "socket_errors": %d}\n',
    summary.requests, summary.duration, latency:percentile(50),
    latency:percentile(99), latency.mean, latency.max, errors.status,
    errors.connect + errors.read + errors.write + errors.timeout))
end
