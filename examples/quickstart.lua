-- quickstart.lua: logistic regression on a9a (UCI Adult, shipped in data/a9a).
--
--   vfl examples/quickstart.lua [folder with a9a and a9a.t]
--
-- Trains a sparse linear model with AdaGrad for 5 epochs and prints test
-- accuracy and AUC. Expect (measured) test accuracy 0.8497 (LIBLINEAR -s 0
-- with C = 1, chosen by its 5-fold search, reaches 0.8495) and AUC 0.9020,
-- in well under a second of training.
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
  error(string.format("quickstart: accuracy %.4f is below the expected 0.845", m.accuracy))
end
return m
