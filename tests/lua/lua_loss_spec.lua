-- Lua losses on every trainer thread: each worker runs the loss in a
-- lua_State of its own; the loss travels by name or as a copy of the
-- closure with its upvalues.
local vfl = require "vfl"

local err = require("spec_util").err

-- A linearly separable problem on 200 sparse features, 4000 rows.
local function data()
  local seed = 7
  local function rand(n)
    seed = (seed * 1103515245 + 12345) % 2147483648
    return seed % n
  end
  return vfl.dataset(function(emit)
    for _ = 1, 4000 do
      local idx, score = {}, 0
      for _ = 1, 8 do
        local f = rand(200) + 1
        if not idx[f] then
          idx[f] = 1
          score = score + (f <= 100 and 1 or -1)
        end
      end
      emit{label = score > 0 and 1 or 0, features = vfl.sparse(idx)}
    end
  end)
end

local function net_for(ds)
  return vfl.net():stack(vfl.layers.sparse(ds.dim)):stack(vfl.layers.linear(1)):init{seed = 3}
end

-- The logistic loss written in Lua, with a helper function, a library
-- function and a table as upvalues: all of them travel.
local exp, log = math.exp, math.log
local cfg = {eps = 1e-12, positive = {1}}
local function sigmoid(z) return 1 / (1 + exp(-z)) end
local function logistic(out, row, grad)
  local y = row.label == cfg.positive[1] and 1 or 0
  local p = sigmoid(out[1])
  grad[1] = p - y
  return -(y * log(p + cfg.eps) + (1 - y) * log(1 - p + cfg.eps))
end

describe("a Lua loss on several cores", function()
  local ds = data()

  it("learns like the built-in loss, on 2 cores", function()
    local builtin, lua = net_for(ds), net_for(ds)
    local opt = vfl.optim.adagrad{lr = 0.1, epochs = 3}
    local a = builtin:learn(ds, "logistic", opt, {cores = 2})
    local b = lua:learn(ds, logistic, opt, {cores = 2})
    local acc_a = vfl.metrics.evaluate(builtin, ds, {"accuracy"}).accuracy
    local acc_b = vfl.metrics.evaluate(lua, ds, {"accuracy"}).accuracy
    assert.is_true(acc_b > 0.95, "accuracy " .. acc_b)
    assert.is_true(math.abs(acc_a - acc_b) < 0.01)
    assert.is_true(math.abs(a.loss - b.loss) < 0.01, a.loss .. " vs " .. b.loss)
  end)

  it("matches the built-in loss exactly on one core", function()
    local builtin, lua = net_for(ds), net_for(ds)
    local opt = vfl.optim.sgd{lr = 0.05, epochs = 1}
    local a = builtin:learn(ds, "logistic", opt, {cores = 1})
    local b = lua:learn(ds, logistic, opt, {cores = 1})
    assert.is_true(math.abs(a.loss - b.loss) < 1e-6)
    -- raw outputs: the built-in loss also sets a sigmoid link for predict, a Lua loss does not
    local p, q = builtin:forward(vfl.sparse{[5] = 1}), lua:forward(vfl.sparse{[5] = 1})
    assert.is_true(math.abs(p[1] - q[1]) < 1e-5)
  end)

  it("travels by name as \"module.function\"", function()
    package.path = "tests/lua/fixtures/?.lua;" .. package.path
    local net = net_for(ds)
    local stats = net:learn(ds, "myloss.logistic", vfl.optim.adagrad{lr = 0.1, epochs = 2}, {cores = 2})
    assert.is_false(stats.stopped)
    assert.is_true(vfl.metrics.evaluate(net, ds, {"accuracy"}).accuracy > 0.95)
    assert.are.equal("net:learn: bad argument #2 (loss 'myloss.nothing': the module has no function 'nothing')",
      err(net.learn, net, ds, "myloss.nothing", nil, {cores = 2}))
  end)

  it("names the upvalue that cannot travel", function()
    local x = vfl.sparse{[1] = 1}
    local function uses_vector(out, row, grad) grad[1] = #x - 1; return 0 end
    local net = net_for(ds)
    assert.are.equal("net:learn: the loss cannot run on the trainer threads: upvalue 'x' is a vfl.sparse, which cannot "
      .. "travel to another thread (use numbers, strings, booleans, tables of those, Lua functions and library "
      .. "functions; make other values inside the loss)", err(net.learn, net, ds, uses_vector, nil, {cores = 2}))
    local deep = {inner = {co = coroutine.create(print)}}
    local function uses_deep(out, row, grad) grad[1] = deep and 0; return 0 end
    assert.matches("upvalue 'deep' > field 'inner' > field 'co' is a thread", err(net.learn, net, ds, uses_deep, nil, {cores = 2}), 1, true)
    -- one path on every core count: one core refuses the same loss
    assert.matches("upvalue 'x' is a vfl.sparse", err(net.learn, net, ds, uses_vector, nil, {cores = 1}), 1, true)
  end)

  it("takes loaded modules (vfl itself) by name, inside tables too", function()
    local lib = {vfl = vfl, exp = math.exp}
    local function wraps(out, row, grad) return lib.vfl.losses.logistic(out, row, grad) + 0 * lib.exp(0) end
    local a, b = net_for(ds), net_for(ds)
    local opt = vfl.optim.sgd{lr = 0.05, epochs = 1}
    a:learn(ds, "logistic", opt, {cores = 1})
    b:learn(ds, wraps, opt, {cores = 1})
    assert.are.same(a:params("linear1"), b:params("linear1"))
  end)

  it("reports an error once, with its message and traceback", function()
    local net = net_for(ds)
    local function failing(out, row, grad)
      if row.label == 1 then error("no positives please") end
      grad[1] = 0
      return 0
    end
    local msg = err(net.learn, net, ds, failing, vfl.optim.sgd{lr = 0.1, epochs = 3}, {cores = 2})
    assert.matches("^net:learn: the loss function failed on row %d+: .-no positives please\nstack traceback:", msg)
    local _, count = msg:gsub("no positives please", "")
    assert.are.equal(1, count)
    -- the net is usable afterwards
    assert.is_false(net:learn(ds, "logistic", nil, {cores = 2}).stopped)
  end)
end)
