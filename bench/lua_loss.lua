-- lua_loss.lua: the benchmark's job 1 (sparse logistic regression, AdaGrad,
-- per-example updates) with the logistic loss written in Lua against the
-- built-in one, on 1 thread and on every core, on the same data.
--   vfl bench/lua_loss.lua TRAIN.svm TEST.svm [EPOCHS] [CORES]
local train_path, test_path = arg[1], arg[2]
local epochs, cores = tonumber(arg[3] or 3), tonumber(arg[4] or 0)
if cores == 0 then
  local n = io.popen("nproc"):read("n")
  cores = math.tointeger(n) or 2
end

local train = vfl.read.libsvm(train_path, {dim = 2^20})
local test = vfl.read.libsvm(test_path, {dim = 2^20})

local exp, log = math.exp, math.log
local function logistic(out, row, grad)
  local z, y = out[1], row.label > 0 and 1 or 0
  local e = exp(-(z < 0 and -z or z))
  local p = z >= 0 and 1 / (1 + e) or e / (1 + e)
  grad[1] = p - y
  return (z > 0 and z or 0) + log(1 + e) - y * z
end

-- One warm-up epoch, then the timed ones; the fastest epoch counts.
local function run(loss, threads)
  local net = vfl.net():stack(vfl.layers.sparse(2^20)):stack(vfl.layers.linear(1)):init{seed = 1}
  local opt = vfl.optim.adagrad{lr = 0.1}
  local best = math.huge
  for e = 0, epochs do
    local s = net:learn(train, loss, opt, {cores = threads, seed = e + 1, keep_last_good = false})
    if e > 0 then best = math.min(best, s.seconds) end
  end
  net:set_link("sigmoid")
  return best, vfl.metrics.evaluate(net, test, {"auc"}).auc
end

local rows, nnz = #train, train.nnz
print(string.format("%d rows, %.1f non-zeros per row; fastest of %d epochs after a warm-up", rows, nnz / rows, epochs))
print("| job | loss | threads | examples/s | ns/nnz/epoch | test AUC | x built-in | speed-up |")
print("|---|---|--:|--:|--:|---|--:|--:|")
local base = {}
for _, threads in ipairs{1, cores} do
  for _, which in ipairs{"built-in", "Lua"} do
    local secs, auc = run(which == "Lua" and logistic or "logistic", threads)
    local key = which
    if threads == 1 then base[key] = secs end
    base[which .. threads] = secs
    print(string.format("| 1: logistic regression | %s | %d | %.3g | %.2f | AUC %.4f | %s | %.2fx |", which, threads,
      rows / secs, secs * 1e9 / nnz, auc,
      which == "Lua" and string.format("%.2f", secs / base["built-in" .. threads]) or "-", base[key] / secs))
  end
end
