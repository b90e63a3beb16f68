-- list-walk.lua -- wrk script: walks the register a page at a time. GET
-- /api/v1/organisations?district=D&limit=20, then the next page with the next_cursor of the
-- last answer, and the first page again when there is none. The connections of a thread
-- share one walk, so pages of one walk are fetched in parallel. DISTRICT (default centrum).
local first = "/api/v1/organisations?district=" .. (os.getenv("DISTRICT") or "centrum") .. "&limit=20"
local cursor = nil

function request()
	if cursor then
		return wrk.format("GET", first .. "&cursor=" .. cursor)
	end
	return wrk.format("GET", first)
end

function response(status, headers, body)
	cursor = status == 200 and body:match('"next_cursor"%s*:%s*"([^"]+)"') or nil
end
