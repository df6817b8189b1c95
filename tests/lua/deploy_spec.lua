-- Smaller model files for deployment: net:save(path, {weights_only = true})
-- and {quantize = "f16" | "q8"}, net:storage() after vfl.load, training a
-- quantised model again, and (on ../shared/data/a9a, skipped loudly when
-- absent) q8's test accuracy within 0.005 of the full model's.
local vfl = require "vfl"

local err = require("spec_util").err

local function tmpname()
  local name = os.tmpname()
  os.remove(name)
  return name .. ".vfl"
end

local function size_of(path)
  local f = assert(io.open(path, "rb"))
  local n = f:seek("end")
  f:close()
  return n
end

local function data()
  return vfl.dataset(function(emit)
    for i = 1, 300 do
      local c = i % 3
      emit{label = c, features = vfl.sparse{[c * 80 + i % 80 + 1] = 1, [c * 80 + (i * 7) % 80 + 1] = 1, [250 + i % 6] = 1}}
    end
  end)
end

local function trained(ds)
  local net = vfl.net():stack(vfl.layers.sparse(256)):stack(vfl.layers.linear(16, {mean = true}))
    :stack(vfl.layers.linear(3))
  net:init{seed = 1}
  net:learn(ds, "multinomial", vfl.optim.adagrad{lr = 0.3, epochs = 3}, {cores = 1})
  return net
end

describe("net:save for deployment", function()
  local ds = data()
  local net = trained(ds)
  local full = net:predict(ds)

  it("writes each storage smaller than the last, and loads it back to floats", function()
    local sizes, paths = {}, {}
    for i, s in ipairs{{"full"}, {"weights", {weights_only = true}}, {"f16", {quantize = "f16"}}, {"q8", {quantize = "q8"}}} do
      paths[i] = tmpname()
      assert.are.equal(net, net:save(paths[i], s[2]))
      sizes[i] = size_of(paths[i])
      local back = vfl.load(paths[i])
      assert.are.equal(s[1], back:storage())
      local got, worst = back:predict(ds), 0
      for r = 1, #ds do
        for c = 1, 3 do worst = math.max(worst, math.abs(got[r][c] - full[r][c])) end
      end
      -- weights-only is exact; a half keeps 11 significant bits; q8 half a step of max|w|/127
      assert.is_true(worst <= ({0, 0, 1e-3, 0.03})[i], s[1] .. " moved a probability by " .. worst)
      os.remove(paths[i])
    end
    assert.is_true(sizes[1] > sizes[2] and sizes[2] > sizes[3] and sizes[3] > sizes[4])
    assert.is_true(sizes[4] < sizes[2] * 0.3, "q8 " .. sizes[4] .. " bytes, weights-only " .. sizes[2])
    assert.are.equal("full", net:storage()) -- built here: it was never loaded
  end)

  it("trains a quantised model again, the optimizer starting afresh", function()
    local path = tmpname()
    net:save(path, {quantize = "q8"})
    local back = vfl.load(path)
    os.remove(path)
    back:learn(ds, "multinomial", vfl.optim.adagrad{lr = 0.3, epochs = 1}, {cores = 1})
    assert.is_true(vfl.metrics.accuracy(back, ds) > 0.95)
  end)

  it("names bad options", function()
    local path = tmpname()
    assert.are.equal('net:save: option \'quantize\' must be "f16" or "q8", got "q4"',
      err(net.save, net, path, {quantize = "q4"}))
    assert.are.equal("net:save: unknown option 'weights' (known options: weights_only, quantize)",
      err(net.save, net, path, {weights = true}))
    assert.is_nil(io.open(path))
  end)

  it("refuses a weight beyond half precision", function()
    local big = vfl.net():stack(vfl.layers.sparse(2)):stack(vfl.layers.linear(1)):init{seed = 1}
    big:set_params("linear1", 1, {1e5, 0})
    local path = tmpname()
    assert.are.equal('net:save: save "' .. path .. '": layer \'linear1\' has a weight of 100000, beyond half '
      .. "precision's 65504 (save it as q8 or full)", err(big.save, big, path, {quantize = "f16"}))
    big:save(path, {quantize = "q8"})
    assert.is_true(math.abs(vfl.load(path):params("linear1")[1] - 1e5) < 1e5 / 254)
    os.remove(path)
  end)
end)

local dir = (os.getenv("VFL_DATA") or "../shared/data") .. "/a9a"
local f = io.open(dir .. "/a9a.t", "rb")
if f then f:close() end

describe("q8 on a9a", function()
  if not f then
    it("needs " .. dir .. "/a9a and a9a.t", function()
      pending("a9a absent: " .. dir .. " has no a9a / a9a.t; set VFL_DATA to the shared data folder")
    end)
    return
  end
  it("keeps the test accuracy within 0.005 of the full model's", function()
    local train = vfl.read.libsvm(dir .. "/a9a")
    local test = vfl.read.libsvm(dir .. "/a9a.t", {dim = train.dim})
    local net = vfl.net():stack(vfl.layers.sparse(train.dim)):stack(vfl.layers.linear(16)):stack(vfl.layers.relu())
      :stack(vfl.layers.linear(1))
    net:init{seed = 1}
    net:learn(train, "logistic", vfl.optim.adam{lr = 0.01, epochs = 3}, {cores = 1})
    local path = tmpname()
    net:save(path, {quantize = "q8"})
    local full, q8 = vfl.metrics.accuracy(net, test), vfl.metrics.accuracy(vfl.load(path), test)
    os.remove(path)
    assert.is_true(full > 0.84, "full model: accuracy " .. full)
    assert.is_true(math.abs(q8 - full) <= 0.005, string.format("full %.4f, q8 %.4f", full, q8))
  end)
end)
