-- endorse-withdraw.lua -- wrk script: POST an endorsement of the agreement AGREEMENT for a
-- random organisation of IDS_FILE (verified ones), then POST the withdrawal of the
-- endorsement that came back (its Location, or the body's first "id"). Requests alternate,
-- so a pair is two requests. Each thread takes every WRK_THREADS-th organisation and never
-- endorses one whose endorsement is still in flight or active, so no request meets the
-- "one active endorsement" rule (409). Give the admin's token with -H "Authorization: ...".
local agreement = os.getenv("AGREEMENT")
local mine, busy, to_withdraw = {}, {}, {}
local counter, threads = 0, {}
statuses = {} -- per thread: answers by HTTP status, printed at the end

function setup(thread)
	thread:set("index", counter)
	counter = counter + 1
	threads[counter] = thread
end

function init(args)
	local threads = tonumber(os.getenv("WRK_THREADS") or "2")
	local n = 0
	for line in io.lines(os.getenv("IDS_FILE")) do
		if n % threads == index then
			mine[#mine + 1] = line
		end
		n = n + 1
	end
	math.randomseed(os.time() + index * 7919)
	wrk.headers["Content-Type"] = "application/json"
end

function request()
	local id = table.remove(to_withdraw)
	if id then
		return wrk.format("POST", "/api/v1/agreements/" .. agreement .. "/endorsements/" .. id ..
			"/withdraw", nil, '{"reason":"Bänkprov"}')
	end
	-- a few tries: refusals that name no organisation leave theirs marked busy for good
	local org = mine[math.random(#mine)]
	for _ = 1, 50 do
		if not busy[org] then
			break
		end
		org = mine[math.random(#mine)]
	end
	busy[org] = true
	return wrk.format("POST", "/api/v1/agreements/" .. agreement .. "/endorsements", nil,
		'{"organisation_id":"' .. org .. '","signatory_name":"Bänk Bänksson",' ..
		'"signatory_title":"Ordförande","mandate":"Styrelsebeslut 2026-01-15"}')
end

function response(status, headers, body)
	statuses[status] = (statuses[status] or 0) + 1
	if status == 201 then
		local location = headers["Location"] or headers["location"] or ""
		local id = location:match("/endorsements/([%x%-]+)$") or body:match('"id"%s*:%s*"([%x%-]+)"')
		if id then
			to_withdraw[#to_withdraw + 1] = id
		end
		return
	end
	-- a withdrawal (or a refusal that names the organisation) frees the organisation again
	local org = body:match('"organisation"%s*:%s*{%s*"id"%s*:%s*"([%x%-]+)"')
	if org then
		busy[org] = nil
	end
end

function done(summary, latency, requests)
	local total = {}
	for _, thread in ipairs(threads) do
		for status, count in pairs(thread:get("statuses")) do
			total[status] = (total[status] or 0) + count
		end
	end
	local line = {}
	for status, count in pairs(total) do
		line[#line + 1] = status .. ": " .. count
	end
	table.sort(line)
	print("Answers by status: " .. table.concat(line, ", "))
end
