-- The examples, run in-process on their real data to the results their
-- opening comments state (examples/*.lua; docs/examples.md). Runs inside
-- the vfl program (`vfl src/repl/busted_runner.lua tests/lua/examples_spec.lua`,
-- or ctest -R lua.vfl.examples) from the repository's root. Each example
-- reads its data from ../shared/data (VFL_DATA under ctest); an example
-- whose data is absent is skipped, saying "absent: " and what is missing.
-- About 20 s on 2 cores (newsgroups runs 2 epochs instead of 5), and about
-- 12 s more for the embedding pools on the newsgroups data.
local data = os.getenv("VFL_DATA") or "../shared/data"

local function exists(path)
  local f = io.open(path, "rb")
  if f then f:close() end
  return f ~= nil
end

-- Runs examples/<name>.lua with arg = args, its print output kept aside
-- (and shown if it fails); returns what the example returns. The example
-- runs in the real globals (_G), not in busted's environment for this file.
local G = _G
local function run(name, args)
  local saved_arg, saved_print = G.arg, G.print
  local out = {}
  G.arg = args
  G.print = function(...)
    local parts = table.pack(...)
    for i = 1, parts.n do parts[i] = tostring(parts[i]) end
    out[#out + 1] = table.concat(parts, "\t", 1, parts.n)
  end
  local ok, result = pcall(dofile, "examples/" .. name .. ".lua")
  G.arg, G.print = saved_arg, saved_print
  if not ok then error(string.format("examples/%s.lua failed: %s\n-- its output:\n%s", name, tostring(result),
                                     table.concat(out, "\n")), 0) end
  return result, table.concat(out, "\n")
end

-- Declares the example's tests, or one pending test naming the missing files.
local function example(name, files, body)
  describe("examples/" .. name .. ".lua", function()
    local missing = {}
    for _, f in ipairs(files) do
      if not exists(f) then missing[#missing + 1] = f end
    end
    if #missing > 0 then
      it("needs its data", function()
        pending(name .. ": data absent: " .. table.concat(missing, ", ") ..
                "; set VFL_DATA to the shared data folder (../shared/data beside the checkout)")
      end)
      return
    end
    body()
  end)
end

local function near(expected, got, tol, what)
  assert.is_true(math.abs(got - expected) <= tol,
                 string.format("%s: %.4f, stated %.4f (tolerance %.4f)", what, got, expected, tol))
end

example("quickstart", {"data/a9a/a9a", "data/a9a/a9a.t"}, function()
  it("reaches 0.849 test accuracy and AUC 0.90 on a9a", function()
    local m = run("quickstart", {"data/a9a"})
    near(0.8497, m.accuracy, 0.003, "accuracy")
    assert.is_true(m.auc >= 0.90, "AUC " .. m.auc)
  end)
end)

local ng = data .. "/20newsgroups"
example("newsgroups", {ng .. "/20news-bydate-train.tsv.gz", ng .. "/20news-bydate-test.tsv.gz"}, function()
  it("reaches 0.80 test accuracy on 20 Newsgroups in 2 epochs", function()
    local r = run("newsgroups", {ng, "epochs=2", "cores=2"})
    assert.are.equal(2, #r.curve)
    assert.is_true(r.curve[1] >= 0.79, "accuracy after epoch 1: " .. r.curve[1])
    assert.is_true(r.accuracy >= 0.80, "accuracy " .. r.accuracy)
    assert.are.equal(3252427, r.words)
    assert.is_true(r.words_per_s_thread > 0)
  end)

  -- The embedding bag in each pool mode, on the example's data (hashed
  -- unigrams and bigrams), one training thread so that the numbers repeat.
  -- Measured (bits 20, dim 16, 2 epochs of AdaGrad at the rates below, the
  -- best of a few tried): mean 0.8042, sum 0.7868, sqrtn 0.8120, max 0.4660
  -- (max pooling learns slowly here: 0.38 at lr 0.05, 0.44 at 0.5), wmean
  -- 0.8040 (0.7792 at lr 1); the floors sit just below.
  it("learns with every embedding pool to its measured test accuracy", function()
    local floors = {mean = 0.79, sum = 0.77, sqrtn = 0.80, max = 0.45, wmean = 0.79}
    local rates = {mean = 0.5, sum = 0.02, sqrtn = 0.1, max = 0.2, wmean = 0.5}
    local vfl = require "vfl"
    local adapter = dofile("examples/newsgroups_data.lua")
    local read, names = adapter.reader{bits = 20, lower = true}
    local train, test = read(ng .. "/20news-bydate-train.tsv.gz"), read(ng .. "/20news-bydate-test.tsv.gz")
    for _, pool in ipairs{"mean", "sum", "sqrtn", "max", "wmean"} do
      local net = vfl.net():stack(vfl.layers.sparse(2 ^ 20))
        :stack(vfl.layers.embedding(16, {pool = pool, bias = true})):stack(vfl.layers.linear(#names))
      net:init{seed = 1}
      net:learn(train, "multinomial", vfl.optim.adagrad{lr = rates[pool], epochs = 2}, {cores = 1})
      local acc = vfl.metrics.accuracy(net, test)
      io.stderr:write(string.format("20 Newsgroups, embedding(16, %s): test accuracy %.4f\n", pool, acc))
      assert.is_true(acc >= floors[pool], pool .. ": accuracy " .. acc)
    end
  end)
end)

example("newsgroups_sgd", {ng .. "/20news-bydate-train.tsv.gz", ng .. "/20news-bydate-test.tsv.gz"}, function()
  it("plain SGD with a linear decay reaches 0.80 test accuracy on 20 Newsgroups (measured 0.8157)", function()
    local r = run("newsgroups_sgd", {ng})
    assert.are.equal(10, #r.curve)
    assert.is_true(r.accuracy >= 0.80, "accuracy " .. r.accuracy)
  end)
end)

local criteo = data .. "/ctr-samples/criteo"
example("criteo_ctr", {criteo .. "/wide-resdnn_train.txt", criteo .. "/wide-resdnn_dev.txt",
                       criteo .. "/wide-resdnn_test.txt"}, function()
  it("gives the stated held-out AUCs, with and without crosses", function()
    local r = run("criteo_ctr", {criteo})
    assert.are.equal(66, r.frequent_pairs)
    near(0.7123, r.baseline.auc, 0.005, "baseline AUC")
    near(0.7183, r.frequent.auc, 0.005, "frequent crosses AUC")
    near(0.6843, r.all.auc, 0.01, "all pairs AUC")
    assert.is_true(r.all.auc < r.baseline.auc - 0.01, "all pairs overfit")
    assert.is_true(r.frequent.auc > r.baseline.auc - 0.01, "frequent crosses do not hurt")
  end)
end)

example("criteo_fm", {criteo .. "/wide-resdnn_train.txt", criteo .. "/wide-resdnn_dev.txt",
                      criteo .. "/wide-resdnn_test.txt"}, function()
  -- Measured: AUC / log-loss 0.7123 / 0.4819 (logistic), 0.7183 / 0.4799
  -- (crosses), 0.7111 / 0.4822 (fm), 0.7060 / 0.4856 (ffm), 0.7114 / 0.4801
  -- (deepfm: linear + fm + mlp summed by vfl.layers.add); the constant
  -- click rate: 0.5 / 0.5318. The floors: AUC 0.69 (0.19 above the
  -- constant's), log-loss 0.49 (0.04 below the constant's).
  it("gives the stated held-out AUC and log-loss for logistic, crosses, fm, ffm and deepfm, each above the floors", function()
    local r = run("criteo_fm", {criteo})
    near(0.5318, r.constant.logloss, 0.0005, "constant log-loss")
    local stated = {logistic = {0.7123, 0.4819}, crosses = {0.7183, 0.4799}, fm = {0.7111, 0.4822}, ffm = {0.7060, 0.4856},
                    deepfm = {0.7114, 0.4801}}
    for key, s in pairs(stated) do
      near(s[1], r[key].auc, 0.005, key .. " AUC")
      near(s[2], r[key].logloss, 0.003, key .. " log-loss")
      assert.is_true(r[key].auc >= 0.69, key .. " AUC " .. r[key].auc .. " below the floor 0.69")
      assert.is_true(r[key].logloss <= 0.49, key .. " log-loss " .. r[key].logloss .. " above the floor 0.49")
    end
  end)
end)

local ml = data .. "/movielens-100k"
example("movielens", {ml .. "/ua.base", ml .. "/ua.test"}, function()
  it("beats the bias-only baselines' RMSE on ua.test by 0.01", function()
    local r = run("movielens", {ml})
    near(0.9665, r.lua_baseline_rmse, 0.0005, "baseline in Lua")
    near(0.9595, r.baseline_rmse, 0.003, "baseline in vfl")
    near(0.9419, r.rmse, 0.005, "network")
    assert.is_true(r.rmse <= math.min(r.baseline_rmse, r.lua_baseline_rmse) - 0.01)
    assert.are.equal(12, #r.curve)
  end)
end)

example("movielens_fm", {ml .. "/ua.base", ml .. "/ua.test"}, function()
  it("reaches test RMSE 0.925 with a factorization machine (movielens: 0.9419 and 0.9595)", function()
    local r = run("movielens_fm", {ml})
    near(0.9247, r.rmse, 0.002, "fm(64)")
    assert.is_true(r.rmse <= 0.925, "RMSE " .. r.rmse)
    assert.are.equal(16, #r.curve)
    assert.is_true(r.curve[16] < r.curve[4] - 0.01, "the FM keeps learning after epoch 4")
  end)
end)

local sms = data .. "/sms-spam-collection/SMSSpamCollection"
example("sms_spam", {sms}, function()
  it("trains with a Lua adapter and a Lua loss to the stated figures", function()
    local r = run("sms_spam", {sms})
    near(0.9928, r.logistic.auc, 0.003, "logistic AUC")
    near(0.9915, r.focal.auc, 0.003, "focal AUC")
    assert.are.equal(119, r.focal.spam)
    assert.is_true(r.focal.caught >= r.logistic.caught, "the focal loss catches at least as many spams")
    assert.is_true(r.focal.recall >= 0.92, "focal recall " .. r.focal.recall)
    -- the text extra came through the split with its row: one text per false alarm
    assert.are.equal(r.focal.false_alarms, #r.focal.false_alarm_texts)
    for _, text in ipairs(r.focal.false_alarm_texts) do assert.is_true(#text > 0) end
  end)
end)

example("early_stopping", {ml .. "/ua.base", ml .. "/ua.test"}, function()
  it("stops early, and the reloaded best model gives the saved metric", function()
    local path = os.tmpname()
    local r = run("early_stopping", {ml, path})
    assert.is_false(exists(path), "the example removes its model file")
    assert.is_true(r.epochs < 30 and r.epochs == r.best_epoch + 3, "stopped 3 epochs after the best")
    assert.are.equal(4, r.best_epoch)
    assert.is_true(math.abs(r.reloaded_valid_rmse - r.valid_rmse) < 1e-6)
    assert.is_true(r.test_rmse < r.last_test_rmse, "the best model beats the last one on test")
  end)
end)
