-- random-id.lua -- wrk script: GET /api/v1/organisations/{id} with ids drawn at random from
-- the file named by IDS_FILE (one UUID per line). A token, if any, comes with -H.
local ids = {}

function init(args)
	for line in io.lines(os.getenv("IDS_FILE")) do
		ids[#ids + 1] = line
	end
	math.randomseed(os.time() + math.floor(os.clock() * 1e6))
end

function request()
	return wrk.format("GET", "/api/v1/organisations/" .. ids[math.random(#ids)])
end
