-- stream_check.lua: trains from a Lua iterator over a libsvm file (parsed in
-- Lua, line by line) and reports the peak resident memory against a cap.
--   vfl scripts/stream_check.lua TRAIN.svm TEST.svm CAP_MB [CHUNK]
local train_path, test_path, cap_mb, chunk = arg[1], arg[2], tonumber(arg[3]), tonumber(arg[4] or 8192)

local function peak_rss_mb()
  for line in io.lines("/proc/self/status") do
    local kb = line:match("^VmHWM:%s+(%d+)")
    if kb then return tonumber(kb) / 1024 end
  end
end

local function rows(path)
  local lines = io.lines(path)
  local idx, one = {}, 1
  return function()
    local line = lines()
    if not line then return nil end
    local label, rest = line:match("^(%S+)%s*(.*)$")
    local n = 0
    for i in rest:gmatch("(%d+):") do
      n = n + 1
      idx[n] = tonumber(i)
    end
    for k = n + 1, #idx do idx[k] = nil end
    return {label = tonumber(label) > 0 and 1 or 0, features = vfl.sparse(idx, one)}
  end
end

local size_mb = io.open(train_path):seek("end") / 2^20
local test = vfl.read.libsvm(test_path, {dim = 2^20})
local net = vfl.net():stack(vfl.layers.sparse(2^20)):stack(vfl.layers.linear(1)):init{seed = 1}
collectgarbage()
local before = peak_rss_mb()
local stats = net:learn(rows(train_path), "logistic", vfl.optim.adagrad{lr = 0.1}, {cores = 0, chunk = chunk})
local m = vfl.metrics.evaluate(net, test, {"accuracy", "auc"})
local peak = peak_rss_mb()
print(string.format("file %.0f MB (%.1fx the cap), %d rows in %.1f s (%.0f rows/s), chunk %d", size_mb, size_mb / cap_mb,
  stats.rows, stats.seconds, stats.rows / stats.seconds, chunk))
print(string.format("peak RSS %.1f MB (%.1f MB before training, which includes the test set and the 2^20 weights); cap %d MB",
  peak, before, cap_mb))
print(string.format("test accuracy %.4f, AUC %.4f", m.accuracy, m.auc))
if peak > cap_mb then
  print("FAIL: peak RSS above the cap")
  os.exit(1)
end
print("OK: peak RSS stayed under the cap")
