-- Lua losses on every trainer thread: each worker runs the loss in a
-- lua_State of its own; the loss travels by name or as a copy of the
-- closure with its upvalues.
local vfl = require "vfl"

local err = require("spec_util").err

-- A linearly separable problem on 200 sparse features, 4000 rows.
local function data() return require("spec_util").separable(4000, 200, 8, 7) end

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

  it("names a bad sparse gradient with the row", function()
    local net = net_for(ds)
    local function too_far() return 0, {2}, {1} end
    assert.are.equal("net:learn: the loss function failed on row 1: gradient index 2 is out of range 1..1",
      err(net.learn, net, ds, too_far, nil, {shuffle = false}))
    local function uneven() return 0, {1}, {} end
    assert.are.equal("net:learn: the loss function failed on row 1: the sparse gradient has 1 indices but 0 values",
      err(net.learn, net, ds, uneven, nil, {shuffle = false}))
  end)
end)

-- Four outputs, one sparse input: each output's weights are one column.
local function four_outputs(seed)
  return vfl.net():stack(vfl.layers.sparse(200)):stack(vfl.layers.linear(4)):init{seed = seed}
end

local function column(net, k)
  local w, rows, cols = net:params("linear1")
  local c = {}
  for r = 0, rows - 1 do c[#c + 1] = w[r * cols + k] end
  c[#c + 1] = net:params("linear1", "bias")[k]
  return c
end

describe("a Lua loss with a sparse gradient", function()
  local ds = data()

  -- square loss on outputs 2 and 4 only, written three ways
  local function dense(out, row, grad)
    local e2, e4 = out[2] - row.label, out[4] + row.label
    grad[2], grad[4] = e2, e4
    return 0.5 * (e2 * e2 + e4 * e4)
  end
  local function lists(out, row)
    local e2, e4 = out[2] - row.label, out[4] + row.label
    return 0.5 * (e2 * e2 + e4 * e4), {2, 4}, {e2, e4}
  end
  local function sparse(out, row)
    local e2, e4 = out[2] - row.label, out[4] + row.label
    return 0.5 * (e2 * e2 + e4 * e4), vfl.sparse({2, 4}, {e2, e4})
  end

  it("matches the dense gradient, as lists or as a vfl.sparse", function()
    local opt = vfl.optim.sgd{lr = 0.05, epochs = 2}
    local a, b, c = four_outputs(4), four_outputs(4), four_outputs(4)
    local sa = a:learn(ds, dense, opt, {cores = 1})
    local sb = b:learn(ds, lists, opt, {cores = 1})
    local sc = c:learn(ds, sparse, opt, {cores = 1})
    assert.are.same(a:params("linear1"), b:params("linear1"))
    assert.are.same(a:params("linear1"), c:params("linear1"))
    assert.are.equal(sa.loss, sb.loss)
    assert.are.equal(sa.loss, sc.loss)
  end)

  it("moves only the outputs it names, on 2 cores", function()
    local net, before = four_outputs(6), four_outputs(6)
    -- grad[1] is written too: a sparse answer replaces the dense one
    local function only_two(out, row, grad)
      grad[1] = 1
      local e = out[2] - row.label
      return 0.5 * e * e, {2}, {e}
    end
    net:learn(ds, only_two, vfl.optim.sgd{lr = 0.05, epochs = 2}, {cores = 2})
    for _, k in ipairs{1, 3, 4} do assert.are.same(column(before, k), column(net, k), "output " .. k) end
    assert.are_not.same(column(before, 2), column(net, 2))
    assert.is_true(vfl.metrics.evaluate(net, ds, {"rmse"}).rmse > 0) -- still a working net
  end)
end)

describe("a Lua loss reading the net it trains", function()
  local ds = data()

  it("sees the weights the outputs come from, on 2 cores", function()
    local net = four_outputs(8)
    -- Recomputes every output from the weights (rows of the sparse input,
    -- and the bias) and raises if they differ. lr is so small that no
    -- float moves, so Hogwild's concurrent updates leave them exact.
    local function recompute(out, row, grad, model)
      local bias = model:params("linear1", "bias")
      local want = {bias[1], bias[2], bias[3], bias[4]}
      local idx, val = row.features:indices(), row.features:values()
      for j = 1, #idx do
        local w = model:row("linear1", idx[j])
        for k = 1, 4 do want[k] = want[k] + w[k] * val[j] end
      end
      for k = 1, 4 do
        if math.abs(want[k] - out[k]) > 1e-5 then error(("output %d is %g, the weights give %g"):format(k, out[k], want[k])) end
        grad[k] = 1
      end
      return 0
    end
    local stats = net:learn(ds, recompute, vfl.optim.sgd{lr = 1e-30, epochs = 1}, {cores = 2})
    assert.is_false(stats.stopped)
    -- and while the weights do move
    local function reads(out, row, grad, model)
      local w = model:row("linear1", 1)
      if #w ~= 4 or w[1] ~= w[1] then error("row 1 has " .. #w .. " weights") end
      return vfl.losses.logistic({out[1]}, row, grad)
    end
    assert.is_false(net:learn(ds, reads, vfl.optim.sgd{lr = 0.1, epochs = 1}, {cores = 2}).stopped)
    assert.matches("net:row: layer 'linear1': row 201 is out of range %(the block has 200 rows%)",
      err(net.learn, net, ds, function(_, _, _, model) model:row("linear1", 201) end, nil, {cores = 2}))
  end)
end)
