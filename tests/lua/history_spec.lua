-- net:learn's stats: the per-epoch history (loss, seconds, examples/s, and
-- validation figures), the same stats when a run is stopped, and attached
-- to the error raised when a callback or the loss fails.
local vfl = require "vfl"

local err = require("spec_util").err

-- A linearly separable problem: features 1..50 say yes, 51..100 say no.
local function data(n, seed) return require("spec_util").separable(n, 100, 6, seed) end

local function net_for()
  return vfl.net():stack(vfl.layers.sparse(100)):stack(vfl.layers.linear(1)):init{seed = 1}
end

describe("net:learn's history", function()
  local train, valid = data(3000, 11), data(1000, 99)

  it("has one entry per epoch: loss, seconds, examples/s", function()
    local stats = net_for():learn(train, "logistic", vfl.optim.sgd{lr = 0.02, epochs = 4}, {cores = 2})
    assert.are.equal(4, #stats.history)
    for i, h in ipairs(stats.history) do
      assert.are.equal(i, h.epoch)
      assert.is_true(h.seconds > 0 and h.seconds <= stats.seconds)
      assert.is_true(h.examples_per_s > 0)
      assert.is_nil(h.valid)
    end
    assert.is_true(stats.history[4].loss < stats.history[1].loss, "the loss falls")
    assert.are.equal(stats.loss, stats.history[4].loss)
  end)

  it("adds the validation figures asked for after every epoch", function()
    local net = net_for()
    local stats = net:learn(train, "logistic", vfl.optim.sgd{lr = 0.02, epochs = 3},
                            {cores = 2, valid = valid, metrics = {"auc", "accuracy"}})
    assert.are.equal(3, #stats.history)
    for _, h in ipairs(stats.history) do
      assert.is_number(h.valid.auc)
      assert.is_number(h.valid.accuracy)
    end
    assert.is_true(stats.history[3].valid.auc > 0.95, stats.history[3].valid.auc)
    -- the last figures are those of the net learn returns
    assert.are.equal(vfl.metrics.evaluate(net, valid, {"auc"}).auc, stats.history[3].valid.auc)
    -- without metrics, evaluate's own choice
    local s2 = net:learn(train, "logistic", vfl.optim.sgd{lr = 0.02, epochs = 1}, {valid = valid})
    assert.is_table(s2.history[1].valid)
  end)

  it("checks the validation options", function()
    local net = net_for()
    assert.are.equal("net:learn: option 'metrics' goes with 'valid' (a validation dataset)",
      err(net.learn, net, train, "logistic", nil, {metrics = {"auc"}}))
    assert.are.equal("net:learn: option 'valid' must be a vfl.dataset, got table",
      err(net.learn, net, train, "logistic", nil, {valid = {}}))
    assert.matches("^net:learn: validation failed: ",
      err(net.learn, net, train, "logistic", nil, {valid = valid, metrics = {"nope"}}))
  end)

  it("keeps the epochs done when a callback stops the run", function()
    local stats = net_for():learn(train, "logistic", vfl.optim.sgd{lr = 0.02, epochs = 10},
      {on_epoch = function(epoch) if epoch == 2 then return "stop" end end})
    assert.is_true(stats.stopped)
    assert.are.equal("callback", stats.reason)
    assert.are.equal(2, #stats.history)
  end)

  it("keeps them on vfl.request_stop", function()
    local stats = net_for():learn(train, "logistic", vfl.optim.sgd{lr = 0.02, epochs = 10},
      {on_epoch = function(epoch) if epoch == 3 then vfl.request_stop() end end})
    assert.is_true(stats.stopped)
    assert.are.equal("interrupted", stats.reason)
    assert.are.equal(3, #stats.history)
  end)

  it("attaches them to the error of a failing callback or loss", function()
    local net = net_for()
    local ok, e = pcall(net.learn, net, train, "logistic", vfl.optim.sgd{lr = 0.02, epochs = 5},
      {on_epoch = function(epoch) if epoch == 2 then error("oops", 0) end end})
    assert.is_false(ok)
    assert.are.equal("net:learn: on_epoch failed: oops", tostring(e))
    assert.are.equal("net:learn: on_epoch failed: oops", e.message)
    assert.is_true(e.stats.stopped)
    assert.are.equal("error", e.stats.reason)
    assert.are.equal(2, #e.stats.history)
    local function failing(out, row, grad)
      if row.id == 2500 then error("bad row", 0) end
      return vfl.losses.logistic(out, row, grad)
    end
    ok, e = pcall(net.learn, net, train, failing, vfl.optim.sgd{lr = 0.02, epochs = 3}, {shuffle = false})
    assert.is_false(ok)
    assert.matches("^net:learn: the loss function failed on row 2500: bad row", e.message)
    assert.is_true(e.stats.stopped)
    assert.are.equal(0, #e.stats.history)
  end)
end)
