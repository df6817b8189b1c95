-- movielens.lua: rating prediction on MovieLens-100k (ua split).
--
--   vfl examples/movielens.lua [folder with ua.base and ua.test]
--
-- Shows: two named sparse inputs (user, item: one-hot ids) feeding one
-- shared hidden layer, a small network on top, the square loss, RMSE on
-- ua.test (10 ratings per user held out), against a bias-only baseline:
-- global mean + user bias + item bias, computed in plain Lua and as a vfl
-- linear model with the two inputs and no hidden layer.
--
--   baseline  user, item -> linear(1)                       (intercept + biases)
--   network   user, item -> linear(64) -> selu -> dropout(0.3) -> linear(32)
--             -> selu -> linear(1), which also reads user and item directly
--             (the biases), so the hidden layers learn what the biases miss
--
-- Expect (measured; deterministic on one core): test RMSE 0.9665 for the
-- baseline in Lua, 0.9595 for the baseline in vfl, 0.9419 for the network
-- after 12 epochs (the example fails unless it is 0.01 below both); about
-- 5 s. For scale: biased matrix factorisation (20 factors, 25 epochs of
-- SGD, written in plain Lua) reaches 0.931 on this split; a user x item
-- product is not something a sum followed by SELUs builds easily from 90k
-- ratings.

local args = arg or {}
local here = (debug.getinfo(1, "S").source:match("^@(.*/)") or "./")
local ml = dofile(here .. "movielens_data.lua")
local folder = ml.folder(args, "movielens.lua")
local USERS, ITEMS = ml.USERS, ml.ITEMS

-- Each rating is a row with two one-hot inputs, user and item.
local train, test = ml.read(folder .. "/ua.base"), ml.read(folder .. "/ua.test")
print("train: " .. tostring(train))
print("test:  " .. tostring(test))

-- The baseline, twice. First in plain Lua, the classic way: the global
-- mean, then each item's mean offset and each user's mean offset from
-- mean + item bias, both shrunk towards 0 (by 25 and 10 pseudo-ratings).
local ratings = {}
for line in io.lines(folder .. "/ua.base") do
  local u, i, r = line:match("^(%d+)\t(%d+)\t(%d+)")
  ratings[#ratings + 1] = {tonumber(u), tonumber(i), tonumber(r)}
end
local mean = 0
for _, t in ipairs(ratings) do mean = mean + t[3] end
mean = mean / #ratings
local function offsets(key, minus, shrink)
  local sum, n, b = {}, {}, {}
  for _, t in ipairs(ratings) do
    local k = t[key]
    sum[k] = (sum[k] or 0) + t[3] - minus(t)
    n[k] = (n[k] or 0) + 1
  end
  for k, s in pairs(sum) do b[k] = s / (n[k] + shrink) end
  return b
end
local b_item = offsets(2, function() return mean end, 25)
local b_user = offsets(1, function(t) return mean + (b_item[t[2]] or 0) end, 10)
local se, n = 0, 0
for line in io.lines(folder .. "/ua.test") do
  local u, i, r = line:match("^(%d+)\t(%d+)\t(%d+)")
  local guess = mean + (b_user[tonumber(u)] or 0) + (b_item[tonumber(i)] or 0)
  se, n = se + (guess - tonumber(r)) ^ 2, n + 1
end
local lua_rmse = math.sqrt(se / n)
print(string.format("baseline in Lua (mean %.3f + user bias + item bias): test RMSE %.4f", mean, lua_rmse))

-- Then as a vfl model: one linear layer with both inputs as parents (their
-- weights are summed): rating ~ intercept + w_user + w_item.
local bias = vfl.net()
  :add("user", vfl.layers.sparse(USERS))
  :add("item", vfl.layers.sparse(ITEMS))
  :add("out", vfl.layers.linear(1, {prior = vfl.priors.l2(1e-2)}))
  :wire({"user", "item"}, "out")
bias:init{seed = 1, scale = 0}
bias:learn(train, "square", vfl.optim.adagrad{lr = 0.1, epochs = 8}, {cores = 1})
local base_rmse = vfl.metrics.rmse(bias, test)
print(string.format("baseline in vfl (linear, no hidden layer): test RMSE %.4f", base_rmse))

-- The network: the shared hidden layer sums a 64-wide embedding of the user
-- and one of the item.
local net = vfl.net()
  :add("user", vfl.layers.sparse(USERS))
  :add("item", vfl.layers.sparse(ITEMS))
  :add("hidden", vfl.layers.linear(64)):wire({"user", "item"}, "hidden")
  :stack(vfl.layers.selu())
  :stack(vfl.layers.dropout(0.3))
  :stack(vfl.layers.linear(32))
  :stack("top", vfl.layers.selu())
  :add("out", vfl.layers.linear(1)):wire({"top", "user", "item"}, "out")
net:init{seed = 1}
print(net)

local curve = {}
local stats = net:learn(train, "square", vfl.optim.adagrad{lr = 0.03, epochs = 12}, {
  cores = 1,
  on_epoch = function(epoch)
    curve[epoch] = vfl.metrics.rmse(net, test)
    print(string.format("epoch %2d: test RMSE %.4f", epoch, curve[epoch]))
  end,
})
local rmse = vfl.metrics.rmse(net, test)
print(string.format("network: test RMSE %.4f after %d epochs (%.1f s); baselines %.4f (vfl), %.4f (Lua)", rmse,
                    stats.epochs, stats.seconds, base_rmse, lua_rmse))
if rmse > math.min(base_rmse, lua_rmse) - 0.01 then
  error(string.format("movielens.lua: RMSE %.4f is not 0.01 below the baselines' %.4f", rmse, math.min(base_rmse, lua_rmse)))
end
return {rmse = rmse, baseline_rmse = base_rmse, lua_baseline_rmse = lua_rmse, curve = curve}
