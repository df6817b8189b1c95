-- Model files and metrics: save/load round trips with identical
-- predictions; damaged files are clear errors.
local vfl = require "vfl"

local err = require("spec_util").err

local function tmpname()
  local name = os.tmpname()
  os.remove(name)
  return name .. ".vfl"
end

local function data()
  return vfl.dataset(function(emit)
    for i = 1, 200 do
      emit{label = (i % 3 == 0) and 1 or 0, features = vfl.sparse{[i % 7 + 1] = 1, [8 + i % 3] = 0.5}}
    end
  end)
end

describe("net:save and vfl.load", function()
  it("round-trip a trained net with identical predictions", function()
    local ds = data()
    local net = vfl.net():stack(vfl.layers.sparse(10)):stack(vfl.layers.linear(6)):stack(vfl.layers.relu())
      :stack(vfl.layers.linear(1, {prior = vfl.priors.l2(1e-3)}))
    net:learn(ds, "logistic", vfl.optim.adam{lr = 0.01, epochs = 5})
    local path = tmpname()
    assert.are.equal(net, net:save(path))
    local again = vfl.load(path)
    os.remove(path)
    assert.are.equal(getmetatable(net), getmetatable(again))
    assert.are.equal("sigmoid", again:link())
    assert.are.same(net:predict(ds), again:predict(ds))
    assert.are.same(net:params("linear1"), again:params("linear1"))
    assert.are.same(vfl.metrics.evaluate(net, ds), vfl.metrics.evaluate(again, ds))
    -- the printer asks the engine for priors: a loaded net shows them too
    local before, after = tostring(net), tostring(again)
    assert.truthy(after:find("  prior l2(0.001)", 1, true), after)
    assert.are.equal(before, after)
  end)

  it("refuses an uninitialised net and reports unreadable files", function()
    local net = vfl.net():stack(vfl.layers.sparse(3)):stack(vfl.layers.linear(1))
    assert.are.equal("net:save: the net is not initialised yet (call net:init{} or net:learn first)",
      err(net.save, net, "x.vfl"))
    local missing = err(vfl.load, "/nonexistent/model.vfl")
    assert.truthy(missing:find("^vfl.load: .*/nonexistent/model.vfl"), missing)
    local path = tmpname()
    local f = assert(io.open(path, "wb"))
    f:write("this is not a model")
    f:close()
    local msg = err(vfl.load, path)
    os.remove(path)
    assert.truthy(msg:find("^vfl.load: "), msg)
    assert.are.equal("vfl.load: bad argument #1 (file name expected, got nil)", err(vfl.load, nil))
  end)
end)

describe("vfl.metrics", function()
  it("evaluates a net on a dataset", function()
    local ds = data()
    local net = vfl.net():stack(vfl.layers.sparse(10)):stack(vfl.layers.linear(1))
    net:learn(ds, "logistic", vfl.optim.adagrad{lr = 0.5, epochs = 20})
    local m = vfl.metrics.evaluate(net, ds)
    assert.are.equal(1, m.accuracy)
    assert.are.equal(1, m.auc)
    assert.are.equal(200, m.rows)
    assert.is_true(m.logloss < 0.3)
    assert.are.same({"accuracy"}, (function()
      local keys = {}
      for k in pairs(vfl.metrics.evaluate(net, ds, {"accuracy"})) do keys[#keys + 1] = k end
      return keys
    end)())
    assert.are.equal(m.logloss, vfl.metrics.logloss(net, ds))
    assert.is_nil(m.rmse) -- not by default for a binary net; asked for, the root of the Brier score
    assert.are.equal(vfl.metrics.evaluate(net, ds, {"rmse"}).rmse, vfl.metrics.rmse(net, ds))
    assert.are.equal(m.auc, vfl.metrics.auc(net, ds))
  end)

  it("computes AUC of Lua lists", function()
    assert.are.equal(1, vfl.metrics.auc({0.1, 0.9, 0.8}, {0, 1, 1}))
    assert.are.equal(0.5, vfl.metrics.auc({0.5, 0.5}, {0, 1}))
    assert.are.equal("vfl.metrics.auc: 2 scores but 1 labels", err(vfl.metrics.auc, {1, 2}, {1}))
  end)

  it("checks its arguments", function()
    local net = vfl.net():stack(vfl.layers.sparse(3)):stack(vfl.layers.linear(1))
    assert.are.equal("vfl.metrics.evaluate: the net is not initialised yet (call net:init{} or net:learn first)",
      err(vfl.metrics.evaluate, net, data()))
    net:init{}
    assert.are.equal("vfl.metrics.evaluate: unknown metric 'f1' (logloss, accuracy, auc, rmse, rows)",
      err(vfl.metrics.evaluate, net, data(), {"f1"}))
    assert.are.equal("vfl.metrics.accuracy: bad argument #2 (vfl.dataset expected, got nil)",
      err(vfl.metrics.accuracy, net, nil))
  end)
end)
