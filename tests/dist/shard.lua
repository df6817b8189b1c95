-- Sharded reading: every row exactly once over the ranks, and the shards'
-- row counts add up to the file's. Args: a CSV file written by rank 0 (ids
-- 1..N in column "id"), and the a9a folder (skipped, saying so, if absent).
local d = vfl.dist
local csv = arg[1]
local rows = 10007
if d.is_root then
  local f = assert(io.open(csv, "w"))
  f:write("id,x,y\n")
  for i = 1, rows do f:write(("%d,%g,%d\n"):format(i, i * 0.5, i % 2)) end
  f:close()
end
d.barrier()
local mine = vfl.read.csv(csv, {header = true, label = "y", extras = {"id"}, shard = "rank"})
local seen = {}
for i = 1, rows do seen[i] = 0 end
for i = 1, #mine do
  local id = math.tointeger(tonumber(mine[i].id))
  seen[id] = seen[id] + 1
end
local all = d.allreduce(seen)
for i = 1, rows do assert(all[i] == 1, ("row id %d read %d times over the ranks"):format(i, all[i])) end
assert(d.allreduce(#mine) == rows)
-- a rank's share is about 1/size of the file
assert(math.abs(#mine - rows / d.size) < rows / d.size * 0.1 + 2, "shard of " .. #mine .. " rows")

local a9a = arg[2] .. "/a9a"
local f = io.open(a9a, "rb")
if f then
  f:close()
  local whole = vfl.read.libsvm(a9a, {dim = 123})
  local part = vfl.read.libsvm(a9a, {dim = 123, shard = "rank"})
  assert(d.allreduce(#part) == #whole, "a9a: the shards' rows do not add up")
  assert(d.allreduce(part.nnz) == whole.nnz, "a9a: the shards' non-zeros do not add up")
elseif d.is_root then
  print("SKIPPED the a9a part: " .. a9a .. " is absent (set VFL_DATA to the shared data folder)")
end
d.barrier()
if d.is_root then os.remove(csv) print(("sharded reading: %d ranks ok"):format(d.size)) end
