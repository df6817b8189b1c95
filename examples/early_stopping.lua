-- early_stopping.lua: a training loop in Lua that stops when the validation
-- metric stops improving, keeps the best model on disk and reloads it.
--
--   vfl examples/early_stopping.lua [folder with ua.base and ua.test] [model path]
--
-- Shows: on_epoch as the body of a training loop (evaluate, save, decide),
-- vfl.metrics on a validation split carved out of the training data with
-- ds:split, net:save of the best epoch so far, "stop" after `patience`
-- epochs without improvement, and vfl.load to get the best model back,
-- checked to give the very same validation RMSE.
--
-- The data: MovieLens-100k ratings (ua.base: 90,570, of which 10% become
-- the validation split; ua.test: 9,430). The model is the user/item network
-- of movielens.lua without dropout, and a larger step, so that it overfits
-- within a few epochs: early stopping is its only regulariser.
--
-- Expect (measured; deterministic on one core): validation RMSE best at
-- epoch 4 (0.9322), no better in the 3 epochs after, so training stops
-- after epoch 7 of at most 30; the reloaded model gives 0.9322 again; test
-- RMSE 0.9598 for it against 0.9707 for the last epoch's model. (Without
-- dropout this network only matches the bias baseline of movielens.lua,
-- 0.9595; early stopping is what keeps it from falling 0.011 behind.)
-- About 2 s.

local args = arg or {}
local here = (debug.getinfo(1, "S").source:match("^@(.*/)") or "./")
local ml = dofile(here .. "movielens_data.lua")
local folder = ml.folder(args, "early_stopping.lua")
local model_path = args[2] or os.tmpname()
local USERS, ITEMS = ml.USERS, ml.ITEMS
local read = ml.read
local train, valid = read(folder .. "/ua.base"):split(0.9, {shuffle = true, seed = 1})
local test = read(folder .. "/ua.test")
print(string.format("train %d, validation %d, test %d ratings", #train, #valid, #test))

local net = vfl.net()
  :add("user", vfl.layers.sparse(USERS))
  :add("item", vfl.layers.sparse(ITEMS))
  :add("hidden", vfl.layers.linear(64)):wire({"user", "item"}, "hidden")
  :stack(vfl.layers.relu())
  :stack(vfl.layers.linear(32))
  :stack("top", vfl.layers.relu())
  :add("out", vfl.layers.linear(1)):wire({"top", "user", "item"}, "out")
net:init{seed = 1}

local MAX_EPOCHS, PATIENCE = 30, 3
local best = {rmse = math.huge, epoch = 0}
local stats = net:learn(train, "square", vfl.optim.adagrad{lr = 0.05, epochs = MAX_EPOCHS}, {
  cores = 1,
  on_epoch = function(epoch, s)
    local rmse = vfl.metrics.rmse(net, valid)
    local note = ""
    if rmse < best.rmse then
      best.rmse, best.epoch = rmse, epoch
      net:save(model_path) -- atomic: a crash mid-save keeps the previous best
      note = "  best so far, saved"
    end
    print(string.format("epoch %2d: training loss %.4f, validation RMSE %.4f%s", epoch, s.loss, rmse, note))
    if epoch - best.epoch >= PATIENCE then
      print(string.format("no better for %d epochs: stopping", PATIENCE))
      return "stop"
    end
  end,
})

local last_test = vfl.metrics.rmse(net, test)
local reloaded = vfl.load(model_path)
local again = vfl.metrics.rmse(reloaded, valid)
local test_rmse = vfl.metrics.rmse(reloaded, test)
os.remove(model_path)
print(string.format("stopped after epoch %d of %d (stats.stopped = %s); best epoch %d", stats.epochs, MAX_EPOCHS,
                    tostring(stats.stopped), best.epoch))
print(string.format("reloaded best model: validation RMSE %.4f (saved at %.4f); test RMSE %.4f, last epoch's %.4f",
                    again, best.rmse, test_rmse, last_test))
if math.abs(again - best.rmse) > 1e-6 then
  error(string.format("early_stopping.lua: the reloaded model gives %.6f, not the saved %.6f", again, best.rmse))
end
return {best_epoch = best.epoch, epochs = stats.epochs, valid_rmse = best.rmse, reloaded_valid_rmse = again,
        test_rmse = test_rmse, last_test_rmse = last_test}
