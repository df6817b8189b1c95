-- quickstart.lua: logistic regression on a9a (UCI Adult, shipped in data/a9a).
--
--   vfl examples/quickstart.lua [folder with a9a and a9a.t]
--
-- Trains a sparse linear model with AdaGrad for 5 epochs and prints test
-- accuracy and AUC. Expect accuracy near 0.849 (LIBLINEAR reaches 0.8495)
-- and AUC near 0.90, in well under a second of training.
local folder = arg and arg[1] or "data/a9a"

local train = vfl.read.libsvm(folder .. "/a9a")
local test = vfl.read.libsvm(folder .. "/a9a.t", {dim = train.dim})
print(train)
print(test)

local net = vfl.net()
  :stack(vfl.layers.sparse(train.dim))
  :stack(vfl.layers.linear(1))
net:init{seed = 42}
print(net)

local stats = net:learn(train, "logistic", vfl.optim.adagrad{lr = 0.1, epochs = 5}, {cores = 1})
local m = vfl.metrics.evaluate(net, test, {"accuracy", "auc", "logloss"})
print(string.format("trained %d epochs in %.2f s: test accuracy %.4f, AUC %.4f, log-loss %.4f",
                    stats.epochs, stats.seconds, m.accuracy, m.auc, m.logloss))
if m.accuracy < 0.845 then
  io.stderr:write("quickstart: accuracy below the expected 0.845\n")
  os.exit(1)
end
