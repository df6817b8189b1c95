-- deploy_sizes.lua: file size and test accuracy of one model saved four ways
-- (full, weights-only, f16, q8: net:save(path, {weights_only =, quantize =}))
-- on a9a (logistic regression and a 16-unit MLP): rows of the table in
-- docs/deploy.md. scripts/deploy-sizes runs it after the 20 Newsgroups row.
--   vfl scripts/deploy_sizes.lua [data folder, default ../shared/data] [--no-header]
local data = arg and arg[1] or os.getenv("VFL_DATA") or "../shared/data"
local tmp = os.tmpname()

local storages = {
  {"full", nil}, {"weights-only", {weights_only = true}}, {"f16", {quantize = "f16"}}, {"q8", {quantize = "q8"}},
}

local function size_of(path)
  local f = assert(io.open(path, "rb"))
  local n = f:seek("end")
  f:close()
  return n
end

local function row(name, net, test)
  local cells = {}
  for _, s in ipairs(storages) do
    net:save(tmp, s[2])
    local back = vfl.load(tmp)
    cells[#cells + 1] = string.format("%d / %.4f", size_of(tmp), vfl.metrics.accuracy(back, test))
  end
  print(string.format("| %s | %s |", name, table.concat(cells, " | ")))
  io.stdout:flush()
end

if not (arg and arg[2] == "--no-header") then
  print("| model | full | weights-only | f16 | q8 |")
  print("|---|---|---|---|---|")
end

local a9a = data .. "/a9a/a9a"
if io.open(a9a) then
  local train = vfl.read.libsvm(a9a)
  local test = vfl.read.libsvm(a9a .. ".t", {dim = train.dim})
  local lr = vfl.net():stack(vfl.layers.sparse(train.dim)):stack(vfl.layers.linear(1))
  lr:init{seed = 1}
  lr:learn(train, "logistic", vfl.optim.adagrad{lr = 0.1, epochs = 5})
  row("a9a, logistic regression 123 x 1 (AdaGrad)", lr, test)
  local mlp = vfl.net():stack(vfl.layers.sparse(train.dim)):stack(vfl.layers.linear(16)):stack(vfl.layers.relu())
    :stack(vfl.layers.linear(1))
  mlp:init{seed = 1}
  mlp:learn(train, "logistic", vfl.optim.adam{lr = 0.01, epochs = 5}, {cores = 1})
  row("a9a, MLP 123 x 16 x 1 (Adam)", mlp, test)
else
  print("| a9a | absent: " .. a9a .. " | | | |")
end
os.remove(tmp)
