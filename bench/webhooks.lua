-- wrk script for bench/webhooks.py: posts pre-signed Stripe events, each thread its own share.
-- Arguments: the events file (signature TAB body, one a line) and the number of wrk threads.
local count = 0

function setup(thread)
  thread:set("tid", count)
  count = count + 1
end

function init(args)
  local path, threads = args[1], tonumber(args[2])
  requests = {}
  local i = 0
  for line in io.lines(path) do
    if i % threads == tid then
      local tab = line:find("\t", 1, true)
      requests[#requests + 1] = wrk.format("POST", nil, {
        ["Content-Type"] = "application/json",
        ["Stripe-Signature"] = line:sub(1, tab - 1),
      }, line:sub(tab + 1))
    end
    i = i + 1
  end
  sent = 0
end

function request()
  sent = sent + 1
  return requests[((sent - 1) % #requests) + 1]
end
