-- The mixed workload: each request picks /cpu?ms=50 with probability 1/10, else /cpu?ms=1.
local counter = 0
setup = function(thread)
  counter = counter + 1
  thread:set("seed", os.time() * 100 + counter)
end
init = function(args)
  math.randomseed(seed)
  short = wrk.format("GET", "/cpu?ms=1")
  long = wrk.format("GET", "/cpu?ms=50")
end
request = function()
  if math.random(10) == 1 then return long end
  return short
end
