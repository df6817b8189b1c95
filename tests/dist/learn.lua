-- Data-parallel learning against one process on the same data.
-- Args: train file, test file, dim, epochs, sync, model path.
-- Every rank trains the one-process reference on the whole file (same
-- seed, so the same model everywhere), then the data-parallel model on its
-- shard; the data-parallel test AUC must reach the one-process AUC less
-- 0.005 (averaging may also do better: it regularises, see docs/distributed.md). Distributed evaluation must
-- equal the single-process evaluation of the same net, and net:save writes
-- one file that every rank can load.
local d = vfl.dist
local train_path, test_path = arg[1], arg[2]
local dim, epochs, sync, model = tonumber(arg[3]), tonumber(arg[4]), tonumber(arg[5]), arg[6]
local f = io.open(train_path, "rb")
if not f then
  if d.is_root then print("SKIPPED: " .. train_path .. " is absent (set VFL_DATA to the shared data folder)") end
  os.exit(77)
end
f:close()

local function new_net()
  local net = vfl.net():stack(vfl.layers.sparse(dim)):stack(vfl.layers.linear(1))
  net:init{seed = 1}
  return net
end
local optim = vfl.optim.adagrad{lr = 0.1, epochs = epochs}
local test = vfl.read.libsvm(test_path, {dim = dim})

local one = new_net()
one:learn(vfl.read.libsvm(train_path, {dim = dim}), "logistic", optim, {shuffle = true})
local auc_one = vfl.metrics.auc(one, test)

local shard = vfl.read.libsvm(train_path, {dim = dim, shard = "rank"})
local net = vfl.net():stack(vfl.layers.sparse(dim)):stack(vfl.layers.linear(1))
net:init{seed = 100 + d.rank} -- different on every rank: the first sync must make them equal
local stats = net:learn(shard, "logistic", optim, {dist = true, sync = sync})
local auc_dist = vfl.metrics.auc(net, test)
assert(stats.epochs == epochs and stats.dist and stats.dist.ranks == d.size)
assert(stats.dist.syncs >= epochs, "syncs " .. stats.dist.syncs)
-- every rank ends with the same model
assert(d.allreduce(auc_dist, "max") == d.allreduce(auc_dist, "min"), "the ranks' models differ after learn")
assert(auc_dist >= auc_one - 0.005, ("AUC %.5f on %d ranks against %.5f on one process"):format(auc_dist, d.size, auc_one))

-- distributed evaluation = single-process evaluation of the same net
local whole = vfl.metrics.evaluate(net, test)
local part = vfl.metrics.evaluate(net, vfl.read.libsvm(test_path, {dim = dim, shard = "rank"}), {dist = true})
assert(part.rows == whole.rows, part.rows .. " rows against " .. whole.rows)
assert(part.auc == whole.auc, ("dist AUC %.17g against %.17g"):format(part.auc, whole.auc))
for _, k in ipairs{"logloss", "accuracy"} do -- evaluate's figures for a binary net
  assert(math.abs(part[k] - whole[k]) <= 1e-12 * math.max(1, math.abs(whole[k])), k .. ": " .. part[k] .. " against " .. whole[k])
end

-- net:save: rank 0 writes; every rank then reads the same model
net:save(model)
local back = vfl.load(model)
assert(vfl.metrics.auc(back, test) == auc_dist)
d.barrier()
if d.is_root then
  os.remove(model)
  print(("learn on %d ranks: AUC %.5f (one process %.5f), %d syncs, %.0f bytes and %.2g s per sync, %.0f rows mixed per sync")
    :format(d.size, auc_dist, auc_one, stats.dist.syncs, stats.dist.bytes_per_sync, stats.dist.seconds_per_sync,
      stats.dist.rows_mixed_per_sync))
end
