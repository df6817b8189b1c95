-- The cost of one parameter mix in net:learn{dist = true}: bytes and
-- seconds per sync against the rows touched, for several sync intervals.
--   mpirun -np 2 vfl bench/dist_sync.lua train.svm [dim] [sync,sync,...]
-- (scripts/bench-dist generates the job-1 data and runs 2 and 4 ranks).
-- Bytes are what this rank hands to the collectives per sync (ids gathered
-- plus the mixed rows' floats; the largest over the ranks); seconds are
-- the wall time of a mix, waiting for the slowest rank included.
local d = vfl.dist
local path, dim = arg[1], tonumber(arg[2] or 2 ^ 20)
local syncs = {}
for s in (arg[3] or "1000,10000,100000"):gmatch("%d+") do syncs[#syncs + 1] = tonumber(s) end
local shard = vfl.read.libsvm(path, {dim = dim, shard = "rank"})
local rows = d.allreduce(#shard)
if d.is_root then
  print(("| ranks | sync (examples/rank) | syncs | rows touched/rank | rows mixed (union) | bytes/sync | s/sync | params |"))
  print("|---|---|---|---|---|---|---|---|")
end
for _, sync in ipairs(syncs) do
  local net = vfl.net():stack(vfl.layers.sparse(dim)):stack(vfl.layers.linear(1))
  net:init{seed = 1}
  local st = net:learn(shard, "logistic", vfl.optim.adagrad{lr = 0.1, epochs = 1}, {dist = true, sync = sync})
  local s = st.dist
  local bytes = d.allreduce(s.bytes_per_sync, "max")
  local secs = d.allreduce(s.seconds_per_sync, "max")
  local touched = d.allreduce(s.rows_touched_per_sync) / d.size
  if d.is_root then
    print(("| %d | %d | %d | %.0f | %.0f | %.0f | %.4f | %d |"):format(d.size, sync, s.syncs, touched,
      s.rows_mixed_per_sync, bytes, secs, dim + 1))
  end
end
if d.is_root then print(("(%d rows over %d ranks)"):format(rows, d.size)) end
