-- criteo_data.lua: the Criteo sample adapter that criteo_ctr.lua and
-- criteo_fm.lua share (loaded with dofile).
--
--   local criteo = dofile("examples/criteo_data.lua")
--   local files = criteo.files(folder, "script.lua")  -- errors if absent
--   local train = criteo.read(files.train)
--   local held_out = vfl.dataset(criteo.rows_of(dev, test))
--
-- Raw Criteo rows: label, 13 integer and 26 categorical fields,
-- tab-separated, empty = missing. Each row gets two inputs:
--   fields  grouped ids: group j holds field j's value (crosses, FM, FFM)
--   flat    "j=value" hashed into 2^BITS (a plain logistic regression)
-- Integer fields are bucketed as floor(ln(x)^2) (the trick of the Criteo
-- winners), so that 1000 and 1003 share a value. A value hashed to the same
-- index twice in a row is summed, as vfl.sparse wants unique indices.
local vfl = require "vfl"
local criteo = {}

criteo.FIELDS = 39 -- I1..I13 then C1..C26
criteo.BITS = 20   -- the flat input's hashed space

--- The sample's train, dev and test files in folder; an error naming the
--- first one missing.
function criteo.files(folder, who)
  local files = {}
  for _, part in ipairs{"train", "dev", "test"} do
    files[part] = folder .. "/wide-resdnn_" .. part .. ".txt"
    local f = io.open(files[part], "rb")
    if not f then
      error(who .. ": data absent: " .. files[part] .. " (the Criteo sample is in ../shared/data/ctr-samples/criteo)")
    end
    f:close()
  end
  return files
end

local function bucket(v)
  local x = tonumber(v)
  if x and x > 2 then return "b" .. math.floor(math.log(x) ^ 2) end
  return v
end

--- A dataset of the file's rows, inputs `fields` (grouped) and `flat`.
function criteo.read(path)
  local rows = {}
  for line in io.lines(path) do
    local cols, j = {}, 0
    for v in (line .. "\t"):gmatch("([^\t]*)\t") do
      j = j + 1
      cols[j] = v
    end
    local grouped, flat = {}, {}
    for field = 1, criteo.FIELDS do
      local v = cols[field + 1]
      if v and v ~= "" then
        if field <= 13 then v = bucket(v) end
        local g = vfl.hash.group(field, vfl.hash.string(v, 24) - 1)
        grouped[g] = (grouped[g] or 0) + 1
        local h = vfl.hash.string(field .. "=" .. v, criteo.BITS)
        flat[h] = (flat[h] or 0) + 1
      end
    end
    rows[#rows + 1] = {label = tonumber(cols[1]), fields = vfl.sparse(grouped), flat = vfl.sparse(flat)}
  end
  return vfl.dataset(rows)
end

--- The rows of several datasets as one list, to build a dataset from them.
function criteo.rows_of(...)
  local rows = {}
  for _, ds in ipairs{...} do
    for i = 1, #ds do
      local r = ds[i]
      rows[#rows + 1] = {label = r.label, fields = r.fields:copy(), flat = r.flat:copy()}
    end
  end
  return rows
end

--- The field pairs {a, b} (a < b) whose fields both have at most `most`
--- distinct values in ds (a grouped index carries its field in its top 8
--- bits), and all pairs.
function criteo.pairs(ds, most)
  local distinct = {}
  for f = 1, criteo.FIELDS do distinct[f] = {n = 0} end
  for i = 1, #ds do
    for _, idx in ipairs(ds[i].fields:indices()) do
      local d = distinct[(idx - 1) // 2 ^ 24 + 1]
      if not d[idx] then d[idx], d.n = true, d.n + 1 end
    end
  end
  local frequent, all = {}, {}
  for a = 1, criteo.FIELDS do
    for b = a + 1, criteo.FIELDS do
      all[#all + 1] = {a, b}
      if distinct[a].n <= most and distinct[b].n <= most then frequent[#frequent + 1] = {a, b} end
    end
  end
  return frequent, all
end

return criteo
