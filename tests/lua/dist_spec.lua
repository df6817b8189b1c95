-- vfl.dist with one process (no mpirun, or a build without MPI): size 1,
-- and the distributed options work as their one-process counterparts.
-- The several-rank behaviour is tested under mpirun (tests/dist).
local vfl = require "vfl"
local err = require("spec_util").err

local readers = "tests/data/readers/"

local function toy()
  local ds = vfl.dataset{dim = 8}
  for i = 1, 200 do ds:append{features = {[i % 8 + 1] = 1, [(i * 3) % 8 + 1] = 1}, label = (i % 8 < 4) and 1 or 0} end
  return ds
end

describe("vfl.dist alone", function()
  it("is one rank of one", function()
    assert.are.equal(0, vfl.dist.rank)
    assert.are.equal(1, vfl.dist.size)
    assert.is_true(vfl.dist.is_root)
    assert.are.equal(6, vfl.dist.allreduce(6))
    assert.are.same({1, 2}, vfl.dist.allreduce({1, 2}, "max"))
    assert.are.same({a = {1}}, vfl.dist.broadcast({a = {1}}))
    vfl.dist.barrier()
  end)

  it("refuses bad arguments with clear messages", function()
    assert.truthy(err(vfl.dist.allreduce, "x"):find("vfl.dist.allreduce: bad argument #1 (number or list of numbers expected, got string)", 1, true))
    assert.truthy(err(vfl.dist.allreduce, 1, "avg"):find("unknown operation 'avg' (sum, min, max)", 1, true))
    assert.truthy(err(vfl.dist.allreduce, {1, "a"}):find("entry 2 is not a number", 1, true))
    assert.truthy(err(vfl.dist.broadcast, 1, 1):find("root must be an integer from 0 to 0", 1, true))
    assert.truthy(err(vfl.dist.timeout, -1):find("seconds must be above 0", 1, true))
  end)

  it("reads a shard: the shards' rows add up to the file's, in order", function()
    for _, f in ipairs{"small.svm", "small.vw"} do
      local read = f:find("svm") and vfl.read.libsvm or vfl.read.vw
      local whole = read(readers .. f)
      local labels, total = {}, 0
      for r = 0, 2 do
        local part = read(readers .. f, {shard = {rank = r, size = 3}})
        for i = 1, #part do labels[#labels + 1] = part[i].label end
        total = total + #part
      end
      assert.are.equal(#whole, total, f)
      for i = 1, #whole do assert.are.equal(whole[i].label, labels[i], f .. " row " .. i) end
    end
    assert.are.equal(#vfl.read.libsvm(readers .. "small.svm"), #vfl.read.libsvm(readers .. "small.svm", {shard = "rank"}))
  end)

  it("refuses shards it cannot cut, naming why", function()
    assert.truthy(err(vfl.read.libsvm, readers .. "small.svm.gz", {shard = {rank = 0, size = 2}})
      :find("small.svm.gz: a gzip file cannot be cut into shards", 1, true))
    assert.truthy(err(vfl.read.libsvm, readers .. "small.svm", {shard = {rank = 2, size = 2}})
      :find("option 'shard.rank' (0-based, as vfl.dist.rank) must be an integer from 0 to 1", 1, true))
    assert.truthy(err(vfl.read.libsvm, readers .. "small.svm", {shard = "all"})
      :find("option 'shard' must be \"rank\" or {rank = r, size = n}, got string", 1, true))
    assert.truthy(err(vfl.read.libsvm_text, "1 1:1\n", {shard = {rank = 0, size = 2}})
      :find("option 'shard' is for files", 1, true))
    assert.truthy(err(vfl.read.libsvm, "no/such.svm", {shard = {rank = 0, size = 2}})
      :find("no/such.svm: No such file or directory", 1, true))
  end)

  it("learns with dist = true as without it, and checks the options", function()
    local ds = toy()
    local function net()
      local n = vfl.net():stack(vfl.layers.sparse(8)):stack(vfl.layers.linear(1))
      n:init{seed = 3}
      return n
    end
    local a, b = net(), net()
    a:learn(ds, "logistic", vfl.optim.sgd{lr = 0.1, epochs = 3})
    local st = b:learn(ds, "logistic", vfl.optim.sgd{lr = 0.1, epochs = 3}, {dist = true, sync = 50})
    assert.are.same(a:predict(ds), b:predict(ds))
    assert.are.equal(1, st.dist.ranks)
    assert.are.equal(0, st.dist.syncs)
    assert.truthy(err(b.learn, b, ds, "logistic", nil, {sync = 10}):find("option 'sync' goes with dist = true", 1, true))
    assert.truthy(err(b.learn, b, ds, "logistic", nil, {dist = true, sync = 0}):find("option 'sync'", 1, true))
    assert.truthy(err(b.learn, b, ds, "logistic", nil, {dist = "yes"}):find("option 'dist'", 1, true))
    local rows = {{features = {[1] = 1}, label = 1}}
    local it = function() return table.remove(rows) end
    assert.truthy(err(b.learn, b, it, "logistic", nil, {dist = true}):find("dist = true needs a dataset", 1, true))
  end)

  it("evaluates with dist = true as without it", function()
    local ds = toy()
    local n = vfl.net():stack(vfl.layers.sparse(8)):stack(vfl.layers.linear(1))
    n:init{seed = 1}
    n:learn(ds, "logistic", vfl.optim.sgd{lr = 0.1})
    assert.are.same(vfl.metrics.evaluate(n, ds), vfl.metrics.evaluate(n, ds, {dist = true}))
    assert.are.same(vfl.metrics.evaluate(n, ds, {"auc"}), vfl.metrics.evaluate(n, ds, {"auc", dist = true}))
  end)
end)
