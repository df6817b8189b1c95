-- A real dataset: a9a (UCI Adult, libsvm format) from ../shared/data, read
-- in C, learned by a linear model and by a small MLP. Skipped, saying so,
-- when the data is absent.
local vfl = require "vfl"

local dir = (os.getenv("VFL_DATA") or "../shared/data") .. "/a9a"
local function exists(path)
  local f = io.open(path, "rb")
  if f then f:close() end
  return f ~= nil
end
local present = exists(dir .. "/a9a") and exists(dir .. "/a9a.t")

describe("a9a", function()
  if not present then
    it("needs " .. dir .. "/a9a and a9a.t", function()
      pending("a9a absent: " .. dir .. " has no a9a / a9a.t; set VFL_DATA to the shared data folder")
    end)
    return
  end

  local train = vfl.read.libsvm(dir .. "/a9a")
  local test = vfl.read.libsvm(dir .. "/a9a.t", {dim = train.dim})

  it("reads the same rows on two cores (the file cut in two at a line end)", function()
    local two = vfl.read.libsvm(dir .. "/a9a", {cores = 2})
    assert.are.equal(#train, #two)
    assert.are.equal(train.nnz, two.nnz)
    for _, i in ipairs{1, 16280, 16281, 16282, 32561} do
      assert.are.equal(train[i].label, two[i].label)
      assert.are.same(train[i].features:totable(), two[i].features:totable())
    end
  end)

  it("reads the files in full", function()
    assert.are.equal(32561, #train)
    assert.are.equal(16281, #test)
    assert.are.equal(123, train.dim)
    assert.are.equal(451592, train.nnz)
    assert.truthy(tostring(train):find("^dataset: 32561 rows, 123 features, 451592 non%-zeros %("))
  end)

  it("learns logistic regression to at least 0.845 test accuracy", function()
    local net = vfl.net():stack(vfl.layers.sparse(train.dim)):stack(vfl.layers.linear(1))
    net:init{seed = 1}
    local stats = net:learn(train, "logistic", vfl.optim.adagrad{lr = 0.1, epochs = 5})
    local m = vfl.metrics.evaluate(net, test)
    assert.is_true(m.accuracy >= 0.845, "accuracy " .. m.accuracy)
    assert.is_true(m.auc >= 0.89, "auc " .. m.auc)
    assert.are.equal(16281, m.rows)
    assert.are.equal(5, stats.epochs)
    assert.are.equal(m.accuracy, vfl.metrics.accuracy(net, test))
    -- AUC from the net's predictions in Lua agrees with the C figure
    local scores, labels = net:predict(test), {}
    for i = 1, #test do labels[i] = test[i].label end
    assert.is_true(math.abs(vfl.metrics.auc(scores, labels) - m.auc) < 1e-9)
  end)

  it("learns a small MLP on two cores to at least 0.845", function()
    local net = vfl.net():stack(vfl.layers.sparse(train.dim)):stack(vfl.layers.linear(16))
      :stack(vfl.layers.relu()):stack(vfl.layers.linear(1))
    net:init{seed = 2}
    net:learn(train, "logistic", vfl.optim.adagrad{lr = 0.05, epochs = 4, batch = 4}, {cores = 2})
    local acc = vfl.metrics.accuracy(net, test)
    assert.is_true(acc >= 0.845, "accuracy " .. acc)
  end)
end)
