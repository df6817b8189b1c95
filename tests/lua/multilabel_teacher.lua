-- A multilabel data set with a planted teacher, written as libsvm label lists
-- ("3,17 idx:val ..."): the only labelled multilabel data the specs can count
-- on (../shared/data has no RCV1 topics).
--
--   local gen = dofile("tests/lua/multilabel_teacher.lua")
--   gen.write(path, {rows = 3000, dim = 300, classes = 20, per_row = 12, seed = 7, row_seed = 1})
--
-- The teacher: a weight per (feature, class) drawn uniformly from [-1, 1]
-- by the Park-Miller generator (16807, 2^31 - 1) from seed (the same file on every
-- machine); the rows come from a second one seeded with row_seed (a test set:
-- the same seed, another row_seed). A row is per_row distinct features out
-- of dim (value 1); its classes are those whose summed teacher weights exceed
-- 2.5, and always its best class, so every row has at least one label (about
-- 2.5 on average with the sizes above). Class ids are 0-based, as the reader takes them.
local gen = {}

local function lcg(seed)
  seed = seed % 2147483646 + 1
  return function(k)
    seed = seed * 16807 % 2147483647 -- exact in doubles too (LuaJIT): the same file everywhere
    return seed % k
  end
end

function gen.write(path, o)
  local rand = lcg(o.seed)
  local teacher = {}
  for f = 1, o.dim do
    teacher[f] = {}
    for c = 1, o.classes do teacher[f][c] = rand(20001) / 10000 - 1 end
  end
  rand = lcg(o.row_seed)
  local out = assert(io.open(path, "w"))
  for _ = 1, o.rows do
    local picked, feats = {}, {}
    while #feats < o.per_row do
      local f = rand(o.dim) + 1
      if not picked[f] then
        picked[f] = true
        feats[#feats + 1] = f
      end
    end
    table.sort(feats)
    local best, best_c, labels = -math.huge, 0, {}
    for c = 1, o.classes do
      local s = 0
      for _, f in ipairs(feats) do s = s + teacher[f][c] end
      if s > 2.5 then labels[#labels + 1] = c - 1 end
      if s > best then best, best_c = s, c - 1 end
    end
    if #labels == 0 then labels[1] = best_c end
    local cols = {}
    for i, f in ipairs(feats) do cols[i] = f .. ":1" end
    out:write(table.concat(labels, ","), " ", table.concat(cols, " "), "\n")
  end
  out:close()
end

return gen
