-- Optimizers and outputs: learning-rate schedules, FTRL, the multilabel loss
-- and reader, class weights. Real-data parts read ../shared/data (a9a) and
-- skip, saying so, when it is absent; the multilabel set is generated
-- (tests/lua/multilabel_teacher.lua: a planted teacher, seeded).
local vfl = require "vfl"
local util = require "spec_util"

local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local dir = (os.getenv("VFL_DATA") or "../shared/data") .. "/a9a"
local a9a_present = util.exists(dir .. "/a9a") and util.exists(dir .. "/a9a.t")

local function logistic_net(dim)
  local net = vfl.net():stack(vfl.layers.sparse(dim)):stack(vfl.layers.linear(1))
  net:init{seed = 1}
  return net
end

describe("learning-rate schedules", function()
  it("are options of every optimizer, shown and read back", function()
    local o = vfl.optim.sgd{lr = 0.5, schedule = "linear", warmup = 0.1}
    assert.are.equal("linear", o.schedule)
    assert.is_true(math.abs(o.warmup - 0.1) < 1e-7)
    assert.are.equal('vfl.optim.sgd{lr=0.5, schedule="linear", warmup=0.1}', tostring(o))
    local s = vfl.optim.adam{schedule = "step", every = 2, factor = 0.5}
    assert.are.equal('vfl.optim.adam{lr=0.001, schedule="step", every=2, factor=0.5}', tostring(s))
    assert.are.equal("cosine", vfl.optim.adagrad{schedule = "cosine"}.schedule)
    assert.are.equal("constant", vfl.optim.ftrl{}.schedule)
  end)

  it("refuse bad values, naming the option", function()
    assert.truthy(util.err(vfl.optim.sgd, {schedule = "exp"}):find(
      'vfl.optim.sgd: option \'schedule\' must be "constant", "linear", "cosine" or "step", got "exp"', 1, true))
    assert.truthy(util.err(vfl.optim.adam, {warmup = 1.5}):find(
      "vfl.optim.adam: option 'warmup' is the fraction of the run to ramp up over, in [0, 1), got 1.5", 1, true))
    assert.truthy(util.err(vfl.optim.sgd, {every = 2}):find(
      "vfl.optim.sgd: option 'every' belongs to schedule = \"step\"", 1, true))
    assert.truthy(util.err(vfl.optim.sgd, {schedule = "step", factor = 2}):find(
      "vfl.optim.sgd: option 'factor' must be in (0, 1], got 2", 1, true))
    assert.truthy(util.err(vfl.optim.sgd, {schedule = "step", every = 0}):find(
      "vfl.optim.sgd: option 'every' (epochs between steps) must be above 0, got 0", 1, true))
  end)

  it("train with mini-batches and on several cores", function()
    local ds = util.separable(2000, 200, 10, 5)
    for _, cfg in ipairs{{batch = 16, cores = 1}, {batch = 1, cores = 2}} do
      local net = logistic_net(200)
      net:learn(ds, "logistic", vfl.optim.sgd{lr = 0.5, schedule = "cosine", warmup = 0.1, epochs = 5},
                {batch = cfg.batch, cores = cfg.cores})
      assert.is_true(vfl.metrics.accuracy(net, ds) > 0.95)
    end
  end)

  it("on a stream need its length (schedule_rows)", function()
    local ds = util.separable(500, 50, 5, 3)
    local function rows()
      local i = 0
      return function()
        i = i + 1
        return ds[i]
      end
    end
    local net = logistic_net(50)
    local msg = util.err(net.learn, net, rows(), "logistic", vfl.optim.sgd{schedule = "linear"})
    assert.truthy(msg:find("a learning-rate schedule on a stream needs the stream's length in examples", 1, true))
    net:learn(rows(), "logistic", vfl.optim.sgd{lr = 1, schedule = "linear"}, {schedule_rows = 500})
    assert.is_true(vfl.metrics.accuracy(net, ds) > 0.9)
  end)
end)

describe("FTRL-Proximal", function()
  it("has its own options and refuses bad ones", function()
    local o = vfl.optim.ftrl{alpha = 0.2, beta = 1, l1 = 0.5, l2 = 1}
    assert.are.equal("ftrl", o.kind)
    assert.are.equal(0.5, o.l1)
    assert.are.equal("vfl.optim.ftrl{alpha=0.2, beta=1, l1=0.5, l2=1}", tostring(o))
    assert.truthy(util.err(vfl.optim.ftrl, {l1 = -1}):find("vfl.optim.ftrl: option 'l1' must be >= 0, got -1", 1, true))
    assert.truthy(util.err(vfl.optim.ftrl, {lr = 1}):find("lr", 1, true))
  end)

  it("keeps its state (z, n) and l1, l2 through save and load", function()
    local ds = util.separable(1000, 100, 8, 9)
    local net = vfl.net():stack(vfl.layers.sparse(100))
      :stack(vfl.layers.linear(1, {optim = vfl.optim.ftrl{alpha = 0.3, l1 = 2, l2 = 0.5}}))
    net:init{seed = 1}
    net:learn(ds, "logistic", nil, {epochs = 2})
    local path = os.tmpname()
    net:save(path)
    local back = vfl.load(path)
    os.remove(path)
    assert.are.equal(net:predict(ds[1].features)[1], back:predict(ds[1].features)[1])
    assert.are.equal(net:sparsity(), back:sparsity())
    -- the same next epoch from the same state: identical weights
    net:learn(ds, "logistic", nil, {shuffle = false})
    back:learn(ds, "logistic", nil, {shuffle = false})
    assert.are.same(net:params("linear1", 1), back:params("linear1", 1))
  end)

  if not a9a_present then
    it("learns a9a", function() pending("a9a absent: " .. dir .. " has no a9a / a9a.t; set VFL_DATA") end)
    return
  end
  local train = vfl.read.libsvm(dir .. "/a9a")
  local test = vfl.read.libsvm(dir .. "/a9a.t", {dim = train.dim})

  -- measured: AUC 0.9023 with 0 zeros (l1 = 0) and 0.9023 with 13.0% zeros (l1 = 3)
  it("learns a9a to AUC 0.90 and leaves zeros with l1 > 0, none without", function()
    local zeros = {}
    for _, l1 in ipairs{0, 3} do
      local net = logistic_net(train.dim)
      net:learn(train, "logistic", vfl.optim.ftrl{alpha = 0.1, beta = 1, l1 = l1, l2 = 1, epochs = 3})
      local m = vfl.metrics.evaluate(net, test, {"auc"})
      assert.is_true(m.auc > 0.90, "auc " .. m.auc)
      zeros[l1] = net:sparsity()
    end
    assert.are.equal(0, zeros[0])
    assert.is_true(zeros[3] > 0.10, "zeros " .. zeros[3])
  end)

  it("learns a9a with mini-batches", function()
    local net = logistic_net(train.dim)
    net:learn(train, "logistic", vfl.optim.ftrl{alpha = 0.1, l1 = 1, l2 = 1, epochs = 3, batch = 8})
    assert.is_true(vfl.metrics.evaluate(net, test, {"auc"}).auc > 0.90)
    assert.is_true(net:sparsity() > 0)
  end)
end)

describe("multilabel", function()
  local gen = dofile(here .. "multilabel_teacher.lua")
  local tmp = os.tmpname()
  local function read_text(text, opts)
    util.write(tmp, text)
    return vfl.read.libsvm(tmp, opts)
  end

  it("reads libsvm label lists as k-hot rows", function()
    local ds = read_text("3,1 1:0.5 4:1\n2:1\n0 3:2\n", {multilabel = true, classes = 4})
    assert.are.equal(3, #ds)
    assert.are.same({0, 1, 0, 1}, ds[1].labels)
    assert.are.same({0, 0, 0, 0}, ds[2].labels) -- a line that starts with a feature: no labels
    assert.are.same({1, 0, 0, 0}, ds[3].labels)
  end)

  it("refuses bad label lists, naming file and line", function()
    local msg = util.err(read_text, "1 1:1\n1,7 2:1\n", {multilabel = true, classes = 4})
    assert.truthy(msg:find(tmp .. ":2:3: label 7 is not a class id (multilabel with 4 classes: 0 to 3)", 1, true), msg)
    msg = util.err(read_text, "1.5 1:1\n", {multilabel = true, classes = 4})
    assert.truthy(msg:find(":1:1: label 1.5 is not a class id", 1, true), msg)
    msg = util.err(vfl.read.libsvm, tmp, {multilabel = true})
    assert.truthy(msg:find("multilabel = true needs classes = K", 1, true), msg)
    msg = util.err(vfl.read.libsvm, tmp, {classes = 3})
    assert.truthy(msg:find("option 'classes' belongs to multilabel = true", 1, true), msg)
  end)

  -- measured: P@1 0.896, P@5 0.431
  it("learns a planted multilabel teacher: P@1 >= 0.85, P@5 >= 0.39", function()
    local opts = {rows = 4000, dim = 300, classes = 20, per_row = 12, seed = 7, row_seed = 1}
    gen.write(tmp, opts)
    local train = vfl.read.libsvm(tmp, {multilabel = true, classes = 20, dim = 300})
    opts.rows, opts.row_seed = 1000, 2
    gen.write(tmp, opts)
    local test = vfl.read.libsvm(tmp, {multilabel = true, classes = 20, dim = 300})
    local net = vfl.net():stack(vfl.layers.sparse(300)):stack(vfl.layers.linear(20))
    net:init{seed = 1}
    net:learn(train, "multilabel", vfl.optim.adagrad{lr = 0.2, epochs = 10})
    assert.are.equal("sigmoid", net:link())
    local p = net:predict(test[1].features)
    assert.are.equal(20, #p)
    for _, v in ipairs(p) do assert.is_true(v > 0 and v < 1) end
    local r = vfl.metrics.report(net, test)
    assert.are.equal("multilabel", r.task)
    print(string.format("multilabel teacher: P@1 %.3f, P@5 %.3f", r.p_at_k[1], r.p_at_k[5]))
    assert.is_true(r.p_at_k[1] >= 0.85, "P@1 " .. r.p_at_k[1])
    assert.is_true(r.p_at_k[5] >= 0.39, "P@5 " .. r.p_at_k[5])
  end)

  it("is a sum of logistic losses (vfl.losses.multilabel)", function()
    local g = {0, 0, 0}
    local function s(z) return 1 / (1 + math.exp(-z)) end
    local loss = vfl.losses.multilabel({0.5, -1, 2}, {labels = {1, 0, 1}}, g)
    assert.is_true(math.abs(loss - (-math.log(s(0.5)) - math.log(1 - s(-1)) - math.log(s(2)))) < 1e-6)
    assert.is_true(math.abs(g[2] - s(-1)) < 1e-6)
  end)

  it("needs one label per output", function()
    local ds = read_text("1 1:1\n", {multilabel = true, classes = 4})
    local net = vfl.net():stack(vfl.layers.sparse(4)):stack(vfl.layers.linear(3))
    net:init{seed = 1}
    local msg = util.err(net.learn, net, ds, "multilabel")
    assert.truthy(msg:find("multilabel loss: the net has 3 outputs but rows have 4 labels", 1, true), msg)
    os.remove(tmp)
  end)
end)

describe("class weights", function()
  it("refuse bad values", function()
    local ds = util.separable(100, 20, 4, 1)
    local net = logistic_net(20)
    assert.truthy(util.err(net.learn, net, ds, "logistic", nil, {class_weights = {1, 2, 3}}):find(
      "net:learn: option 'class_weights' must have 2 weights (one per class, 1-based: class id + 1), got 3", 1, true))
    assert.truthy(util.err(net.learn, net, ds, "logistic", nil, {class_weights = {1, -2}}):find(
      "net:learn: class_weights[2] must be a number >= 0", 1, true))
    assert.truthy(util.err(net.learn, net, ds, "logistic", nil, {class_weights = "even"}):find(
      "option 'class_weights' must be a table of weights or \"balanced\", got string", 1, true))
    assert.truthy(util.err(net.learn, net, ds, "square", nil, {class_weights = {1, 1}}):find(
      "option 'class_weights' needs the multinomial, logistic or hinge loss", 1, true))
  end)

  if not a9a_present then
    it("raise the minority's recall on a9a", function() pending("a9a absent: " .. dir .. "; set VFL_DATA") end)
    return
  end
  -- a9a: 24% positives. measured: recall 0.564 unweighted, 0.823 balanced
  it("\"balanced\" raises the minority class's recall on a9a (0.56 -> 0.80 or more)", function()
    local train = vfl.read.libsvm(dir .. "/a9a")
    local test = vfl.read.libsvm(dir .. "/a9a.t", {dim = train.dim})
    local recall = {}
    for _, w in ipairs{"none", "balanced"} do
      local net = logistic_net(train.dim)
      net:learn(train, "logistic", vfl.optim.adagrad{lr = 0.1, epochs = 3},
                {class_weights = w == "balanced" and "balanced" or nil})
      recall[w] = vfl.metrics.report(net, test).recall
    end
    assert.is_true(recall.none < 0.6, "unweighted recall " .. recall.none)
    assert.is_true(recall.balanced > 0.8, "balanced recall " .. recall.balanced)
  end)
end)
