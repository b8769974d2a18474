-- wrk script: POST a new readiness report (a fresh id each time) to a random personal link.
-- Usage: wrk ... -s bench/report_posts.lua URL -- TOKENS_FILE BODY_FILE
-- BODY_FILE holds the report as JSON with the id "REPORT_ID", replaced per request.
local counter = 0
local threads = {}

function setup(thread)
  thread:set("number", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  tokens = {}
  for line in io.lines(args[1]) do
    if #line > 0 then tokens[#tokens + 1] = line end
  end
  local file = assert(io.open(args[2], "r"))
  template = file:read("*a")
  file:close()
  math.randomseed(number * 7919 + os.time())
  headers = { ["Content-Type"] = "application/json" }
end

function request()
  counter = counter + 1
  local id = string.format("%08x-0000-4000-8000-%012x", number, counter)
  local token = tokens[math.random(#tokens)]
  local body = template:gsub("REPORT_ID", id)
  return wrk.format("POST", "/api/v1/invites/" .. token .. "/reports", headers, body)
end
