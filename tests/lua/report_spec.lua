-- vfl.metrics.report: figures that follow the task (binary, margin,
-- multiclass, regression), and evaluate's defaults that never report a
-- meaningless figure. a9a parts skip loudly without ../shared/data.
local vfl = require "vfl"
local err = require("spec_util").err

-- Three classes told apart by one feature each, with a fourth feature as noise.
local function three_classes()
  return vfl.dataset(function(emit)
    for i = 1, 300 do
      local c = i % 3
      emit{label = c, features = vfl.sparse{[c + 1] = 1, [4] = (i % 7) / 7}}
    end
  end)
end

local function trained(ds, loss, outputs, epochs)
  local net = vfl.net():stack(vfl.layers.sparse(ds.dim)):stack(vfl.layers.linear(outputs))
  net:init{seed = 1}
  net:learn(ds, loss, vfl.optim.adagrad{lr = 0.5, epochs = epochs or 10})
  return net
end

describe("vfl.metrics.report", function()
  it("reports a multiclass net: accuracy, top-k, F1, per class with names, confusion", function()
    local ds = three_classes()
    local net = trained(ds, "multinomial", 3)
    local r = vfl.metrics.report(net, ds, {classes = {"red", "green", "blue"}, k = 2})
    assert.are.equal("multiclass", r.task)
    assert.are.equal(300, r.rows)
    assert.are.equal(1, r.accuracy)
    assert.are.same({1, 1}, r.top_k)
    assert.are.equal(1, r.macro_f1)
    assert.are.equal(r.accuracy, r.micro_f1)
    assert.are.same({{100, 0, 0}, {0, 100, 0}, {0, 0, 100}}, r.confusion)
    assert.are.same({"red", "green", "blue"}, r.classes)
    assert.are.same({id = 1, class = "green", support = 100, precision = 1, recall = 1, f1 = 1}, r.per_class[2])
    assert.is_nil(r.auc)
    local text = tostring(r)
    assert.truthy(text:find("multiclass report on 300 rows", 1, true), text)
    assert.truthy(text:find("green", 1, true), text)
    assert.truthy(text:find("top-2 1.0000", 1, true), text)
    -- no names: class ids
    assert.are.same({0, 1, 2}, vfl.metrics.report(net, ds).classes)
  end)

  it("counts a confusion that is not diagonal", function()
    -- untrained net (all weights 0): every row gets 1/3, argmax class 0
    local ds = three_classes()
    local net = vfl.net():stack(vfl.layers.sparse(ds.dim)):stack(vfl.layers.linear(3))
    net:init{scale = 0}
    net:set_link("softmax")
    local r = vfl.metrics.report(net, ds)
    assert.are.same({{100, 0, 0}, {100, 0, 0}, {100, 0, 0}}, r.confusion)
    assert.is_true(math.abs(r.accuracy - 1 / 3) < 1e-12)
    assert.is_true(math.abs(r.logloss - math.log(3)) < 1e-6)
    assert.are.same({1, 1, 1}, r.top_k) -- ties count in the row's favour
  end)

  it("reports regression: RMSE, MAE, R^2", function()
    local ds = vfl.dataset(function(emit)
      for i = 1, 200 do emit{label = 2 * (i % 5) + 1, features = vfl.sparse{[i % 5 + 1] = 1}} end
    end)
    local net = trained(ds, "square", 1, 30)
    local r = vfl.metrics.report(net, ds)
    assert.are.equal("regression", r.task)
    assert.is_true(r.rmse < 0.1 and r.mae <= r.rmse and r.r2 > 0.99, tostring(r))
    assert.are.same({"rmse", "rows"}, (function()
      local keys = {}
      for k in pairs(vfl.metrics.evaluate(net, ds)) do keys[#keys + 1] = k end
      table.sort(keys)
      return keys
    end)())
    assert.truthy(tostring(r):find("^regression report on 200 rows"))
  end)

  it("reports a hinge net on -1/+1 labels as binary margins (threshold 0, no log-loss)", function()
    local ds = vfl.dataset(function(emit)
      for i = 1, 200 do emit{label = i % 2 == 0 and 1 or -1, features = vfl.sparse{[i % 2 + 1] = 1}} end
    end)
    local net = trained(ds, "hinge", 1)
    local r = vfl.metrics.report(net, ds)
    assert.are.equal("binary", r.task)
    assert.are.equal(0, r.threshold)
    assert.are.equal(1, r.accuracy)
    assert.are.equal(1, r.auc)
    assert.is_nil(r.logloss)
    assert.is_nil(r.calibration)
  end)

  it("gives P@k and R@k for one sigmoid per class on k-hot labels", function()
    -- 3 classes; a row's features name its classes (feature c + 1 for
    -- class c), so a trained net ranks them first
    local rows = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}, {1, 1, 0}, {0, 1, 1}, {1, 0, 1}}
    local ds = vfl.dataset(function(emit)
      for rep = 1, 40 do
        for _, y in ipairs(rows) do
          local idx = {[4 + rep % 5] = 1}
          for c = 1, 3 do if y[c] == 1 then idx[c] = 1 end end
          emit{labels = y, features = vfl.sparse(idx)}
        end
      end
    end)
    local net = vfl.net():stack(vfl.layers.sparse(9)):stack(vfl.layers.linear(3))
    net:init{seed = 1}
    local function ova(out, row, grad)
      local total = 0
      for i = 1, #out do
        local p = 1 / (1 + math.exp(-out[i]))
        grad[i] = p - row.labels[i]
        total = total - (row.labels[i] == 1 and math.log(p) or math.log(1 - p))
      end
      return total
    end
    net:learn(ds, ova, vfl.optim.adagrad{lr = 0.5, epochs = 20}, {progress = false})
    net:set_link("sigmoid")
    local r = vfl.metrics.report(net, ds, {k = 3})
    assert.are.equal("multilabel", r.task)
    assert.are.equal(3, r.k)
    -- 9 relevant labels per 6 rows: P@1 = 1, P@2 = 9/12, P@3 = 9/18; R@2 = R@3 = 1; R@1 = 6/9
    assert.are.same({1, 0.75, 0.5}, r.p_at_k)
    assert.are.equal(1, r.r_at_k[3])
    assert.are.equal(1, r.r_at_k[2])
    assert.is_true(math.abs(r.r_at_k[1] - 6 / 9) < 1e-12)
    assert.truthy(tostring(r):find("P@k", 1, true))
  end)

  it("says what it cannot do, and checks its options", function()
    local ds = three_classes()
    local net = trained(ds, "multinomial", 3, 1)
    assert.are.equal("vfl.metrics.evaluate: 'auc' means nothing for a multiclass net (its figures: see vfl.metrics.report)",
      err(vfl.metrics.evaluate, net, ds, {"auc"}))
    assert.are.equal("vfl.metrics.auc: 'auc' means nothing for a multiclass net (its figures: see vfl.metrics.report)",
      err(vfl.metrics.auc, net, ds))
    local m = vfl.metrics.evaluate(net, ds)
    assert.is_nil(m.auc)
    assert.is_nil(m.rmse)
    assert.is_number(m.accuracy)
    assert.are.equal("vfl.metrics.report: a multilabel report needs one 0/1 label per output: the net has 3 outputs, the dataset 1 labels",
      err(vfl.metrics.report, net, ds, {task = "multilabel"}))
    assert.are.equal("vfl.metrics.report: option 'task' must be binary, multiclass, regression or multilabel, got 'ranking'",
      err(vfl.metrics.report, net, ds, {task = "ranking"}))
    assert.truthy(err(vfl.metrics.report, net, ds, {treshold = 1}):find("unknown option 'treshold'", 1, true))
    assert.are.equal("vfl.metrics.report: a binary report needs a net with 1 output, this one has 3",
      err(vfl.metrics.report, net, ds, {task = "binary"}))
    assert.are.equal("vfl.metrics.report: the dataset has no rows", err(vfl.metrics.report, net, vfl.dataset()))
  end)
end)

local dir = (os.getenv("VFL_DATA") or "../shared/data") .. "/a9a"
local f = io.open(dir .. "/a9a.t", "rb")
if f then f:close() end

describe("vfl.metrics.report on a9a", function()
  if not f then
    it("needs " .. dir .. "/a9a.t", function() pending("a9a absent: set VFL_DATA to the shared data folder") end)
    return
  end
  local test = vfl.read.libsvm(dir .. "/a9a.t", {dim = 123})
  local net = trained(test, "logistic", 1, 3)

  it("agrees with evaluate and with its own counts; curves run from (0,0) to (1,1)", function()
    local r = vfl.metrics.report(net, test)
    local m = vfl.metrics.evaluate(net, test)
    assert.are.equal("binary", r.task)
    assert.is_true(r.accuracy >= 0.845, "accuracy " .. r.accuracy)
    assert.is_true(math.abs(r.accuracy - m.accuracy) < 1e-12)
    assert.is_true(math.abs(r.auc - m.auc) < 1e-12)
    assert.is_true(math.abs(r.logloss - m.logloss) < 1e-6)
    local c = r.counts
    assert.are.equal(#test, c.tp + c.fp + c.tn + c.fn)
    assert.is_true(math.abs(r.precision - c.tp / (c.tp + c.fp)) < 1e-12)
    assert.is_true(math.abs(r.recall - c.tp / (c.tp + c.fn)) < 1e-12)
    assert.are.equal(101, #r.roc.fpr)
    assert.are.same({0, 0}, {r.roc.fpr[1], r.roc.tpr[1]})
    assert.are.same({1, 1}, {r.roc.fpr[101], r.roc.tpr[101]})
    -- trapezoids under the thinned ROC come close to the exact AUC
    local area = 0
    for i = 2, 101 do
      area = area + (r.roc.fpr[i] - r.roc.fpr[i - 1]) * (r.roc.tpr[i] + r.roc.tpr[i - 1]) / 2
    end
    assert.is_true(math.abs(area - r.auc) < 0.005, area .. " vs " .. r.auc)
    -- a well calibrated logistic model: each filled bin's positives near its predictions
    local rows = 0
    for _, b in ipairs(r.calibration) do
      rows = rows + b.rows
      if b.rows > 300 then assert.is_true(math.abs(b.positive - b.mean_prediction) < 0.06) end
    end
    assert.are.equal(#test, rows)
    assert.is_nil(m.rmse)
  end)

  it("moves along the precision-recall trade-off with the threshold", function()
    local low = vfl.metrics.report(net, test, {threshold = 0.2})
    local high = vfl.metrics.report(net, test, {threshold = 0.8})
    assert.is_true(low.recall > high.recall and low.precision < high.precision)
  end)
end)
