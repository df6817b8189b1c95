-- deploy_sizes.lua: file size and test accuracy of one model saved four ways
-- (full, weights-only, f16, q8: net:save(path, {weights_only =, quantize =}))
-- on 20 Newsgroups (fastText-format, the settings of docs/fasttext.md) and
-- a9a (logistic regression and a 16-unit MLP). Prints the table of docs/deploy.md.
--   vfl scripts/deploy_sizes.lua [data folder, default ../shared/data]
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

print("| model | full | weights-only | f16 | q8 |")
print("|---|---|---|---|---|")

-- 20 Newsgroups: the posts (group<TAB>id<TAB>text, gzip) written in fastText's format
local function fasttext_file(from)
  local to = os.tmpname()
  local out = assert(io.open(to, "w"))
  for line in vfl.io.lines(from) do
    local group, text = line:match("^([^\t]*)\t[^\t]*\t(.*)$")
    if group then out:write("__label__", group, " ", text, "\n") end
  end
  out:close()
  return to
end
local ng = data .. "/20newsgroups/20news-bydate-"
if io.open(ng .. "train.tsv.gz") then
  local train_txt, test_txt = fasttext_file(ng .. "train.tsv.gz"), fasttext_file(ng .. "test.tsv.gz")
  local opt = {bits = 18, ngrams = 2, lower = true}
  local train = vfl.read.fasttext(train_txt, opt)
  opt.classes = train.classes
  local test = vfl.read.fasttext(test_txt, opt)
  local net = vfl.net()
    :stack(vfl.layers.sparse(2 ^ 18))
    :stack(vfl.layers.linear(32, {intercept = false, mean = true}))
    :stack(vfl.layers.linear(#train.classes))
  net:init{seed = 1}
  net:learn(train, "multinomial", vfl.optim.adagrad{lr = 0.5, epochs = 5}, {cores = 2})
  net:set_featurizer(train.featurizer)
  row("20 Newsgroups, 2^18 x 32 + 32 x 20 (AdaGrad)", net, test)
  os.remove(train_txt)
  os.remove(test_txt)
else
  print("| 20 Newsgroups | absent: " .. ng .. "train.tsv.gz | | | |")
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
