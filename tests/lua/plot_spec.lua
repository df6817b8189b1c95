-- vfl.plot in the terminal: each chart against a stored screen
-- (tests/lua/fixtures/plot/*.txt), made from fixed figures so that the
-- screen cannot drift; and the errors. Files (PNG, SVG) are checked by
-- tests/plot/test_plot_files.py.
local vfl = require "vfl"
local err = require("spec_util").err

local function screen(name)
  local f = assert(io.open("tests/lua/fixtures/plot/" .. name .. ".txt", "rb"))
  local s = f:read("*a")
  f:close()
  return (s:gsub("\n$", ""))
end

-- what net:learn's stats.history holds: loss falling, validation accuracy rising
local stats = {history = {}}
for e = 1, 8 do
  stats.history[e] = {epoch = e, loss = 0.7 / e + 0.2, seconds = e * 0.5, examples_per_s = 1e6,
                      valid = {accuracy = 0.9 - 0.3 / e}}
end

-- a binary report's curves: a classifier better than chance
local binary = {task = "binary", auc = 0.875,
  roc = {fpr = {0, 0, 0.25, 0.5, 1}, tpr = {0, 0.5, 0.75, 1, 1}, threshold = {1 / 0, 0.9, 0.6, 0.4, 0.1}},
  pr = {recall = {0, 0.5, 0.75, 1, 1}, precision = {1, 1, 0.75, 0.67, 0.5}, threshold = {1 / 0, 0.9, 0.6, 0.4, 0.1}}}

local multiclass = {task = "multiclass", classes = {"cat", "dog", "bird"},
  confusion = {{8, 2, 0}, {1, 9, 0}, {0, 5, 5}}}

describe("vfl.plot in the terminal", function()
  it("draws learning curves, one panel per figure", function()
    local fig = vfl.plot(stats)
    assert.are.equal("learning", fig.kind)
    assert.are.equal(screen("learning"), tostring(fig))
    -- the same from a list of per-epoch tables, as on_epoch builds it
    assert.are.equal(tostring(fig), tostring(vfl.plot(stats.history)))
    assert.are.same({"loss", "valid accuracy"}, vfl.plot.curves(stats).names)
  end)

  it("draws ROC with the chance line, and precision-recall", function()
    assert.are.equal(screen("roc"), tostring(vfl.plot(binary)))
    assert.are.equal(screen("pr"), tostring(vfl.plot.pr(binary)))
  end)

  it("draws a confusion heat map shaded by share of the true class", function()
    assert.are.equal(screen("confusion"), tostring(vfl.plot(multiclass)))
  end)

  it("draws a histogram of numbers and of a net's predictions", function()
    local v = {}
    for i = 1, 100 do v[i] = ((i * 37) % 100) / 100 * ((i % 3) + 1) / 3 end
    assert.are.equal(screen("histogram"), tostring(vfl.plot(v, {bins = 10})))
    local ds = vfl.dataset(function(emit)
      for i = 1, 50 do emit{label = i % 2, features = vfl.sparse{[i % 2 + 1] = 1}} end
    end)
    local net = vfl.net():stack(vfl.layers.sparse(2)):stack(vfl.layers.linear(1))
    net:learn(ds, "logistic", vfl.optim.adagrad{lr = 0.5, epochs = 20})
    local text = tostring(vfl.plot(net, ds, {bins = 4}))
    -- two groups of 25 rows, one near 0 and one near 1
    assert.truthy(text:find("predictions of 50 rows", 1, true), text)
    local counts = {}
    for n in text:gmatch(" (%d+)\n") do counts[#counts + 1] = tonumber(n) end
    counts[#counts + 1] = tonumber(text:match(" (%d+)$"))
    assert.are.same({25, 0, 0, 25}, counts)
  end)

  it("says what it expected", function()
    assert.are.equal("vfl.plot: expected learning stats, a vfl.metrics.report, a list of numbers or a net and a dataset, got string",
      err(vfl.plot, "loss"))
    assert.are.equal("vfl.plot.roc: expected a binary vfl.metrics.report (it has roc and pr points), got a multiclass report",
      err(vfl.plot.roc, multiclass))
    assert.are.equal("vfl.plot.learning: expected stats with a history (net:learn's result) or a list of per-epoch tables, got a table without per-epoch entries",
      err(vfl.plot.learning, {loss = 1}))
    assert.are.equal("vfl.plot.learning: file \"curve.pdf\": the name must end in .png or .svg",
      err(vfl.plot.learning, stats, {file = "curve.pdf"}))
  end)
end)
