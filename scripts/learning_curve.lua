-- scripts/learning_curve.lua VFL_TSV FASTTEXT_TSV EPOCHS THREADS OUT.png
-- docs/img/learning_curve.png for scripts/compare, drawn by vfl.plot (run
-- by the vfl program): vfl's test accuracy after each epoch of one run, and
-- fastText's test accuracy after runs of 1, 2, 5, ... epochs.
local vfl_tsv, ft_tsv, epochs, threads, out = ...

local function read(path)
  local x, y = {}, {}
  for line in assert(io.open(path)):lines() do
    local e, acc = line:match("^(%d+)\t([%d.]+)")
    if e then
      x[#x + 1] = tonumber(e)
      y[#y + 1] = tonumber(acc)
    end
  end
  return x, y
end

local vx, vy = read(vfl_tsv)
local fx, fy = read(ft_tsv)
print(vfl.plot.lines{
  file = out, width = 800, height = 480,
  title = string.format("20 Newsgroups: test accuracy after each epoch (%s thread%s, %s epochs)", threads,
                        tonumber(threads) == 1 and "" or "s", epochs),
  xlabel = "epochs", ylabel = "test accuracy", yrange = {0, 1}, xrange = {0.5, tonumber(epochs) + 0.5},
  series = {
    {name = "vfl (one run, evaluated after each epoch)", x = vx, y = vy},
    {name = "fastText (one run per point: its learning rate decays to 0 over the run)", x = fx, y = fy, points = true},
  },
})
