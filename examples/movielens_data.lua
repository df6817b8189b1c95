-- movielens_data.lua: the MovieLens-100k reader that movielens.lua,
-- early_stopping.lua and movielens_fm.lua share (loaded with dofile).
--
--   local ml = dofile("examples/movielens_data.lua")
--   local folder = ml.folder(arg, "script.lua")  -- errors if ua.base / ua.test are absent
--   local train = ml.read(folder .. "/ua.base")   -- inputs user (943) and item (1,682)
--   local train = ml.read_one(folder .. "/ua.base") -- one input x: user u, item 943 + i
--
-- u.data format: user<TAB>item<TAB>rating<TAB>timestamp; each rating is a
-- row, its ids one-hot; declaring the inputs fixes their dimensions.
local vfl = require "vfl"
local ml = {USERS = 943, ITEMS = 1682}

local function exists(path)
  local f = io.open(path, "rb")
  if f then f:close() end
  return f ~= nil
end

--- args[1] or ../shared/data/movielens-100k, once it holds the ua split.
function ml.folder(args, who)
  local folder = args[1] or "../shared/data/movielens-100k"
  if not exists(folder .. "/ua.base") or not exists(folder .. "/ua.test") then
    error(who .. ": data absent: " .. folder .. " has no ua.base / ua.test" ..
          " (MovieLens-100k is in ../shared/data/movielens-100k)")
  end
  return folder
end

local function ratings(path, row, inputs)
  return vfl.dataset(function(emit)
    for line in io.lines(path) do
      local u, i, r = line:match("^(%d+)\t(%d+)\t(%d+)")
      emit(row(tonumber(u), tonumber(i), tonumber(r)))
    end
  end, {inputs = inputs})
end

--- Two named one-hot inputs, user and item.
function ml.read(path)
  return ratings(path, function(u, i, r)
    return {label = r, user = vfl.sparse({u}, 1), item = vfl.sparse({i}, 1)}
  end, {user = ml.USERS, item = ml.ITEMS})
end

--- One sparse input x holding both ids: user u is feature u, item i is
--- feature USERS + i.
function ml.read_one(path)
  return ratings(path, function(u, i, r)
    return {label = r, x = vfl.sparse({u, ml.USERS + i}, 1)}
  end, {x = ml.USERS + ml.ITEMS})
end

return ml
