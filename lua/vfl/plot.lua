-- vfl.plot: learning curves, ROC and PR curves, a confusion heat map and a
-- histogram of predictions. Without a file they draw in the terminal with
-- Unicode braille and block characters (vfl.canvas): the result is a figure
-- that prints itself, so `vfl.plot(stats)` in the REPL just shows it and a
-- script writes print(vfl.plot(stats)). With {file = "x.png"} or "x.svg"
-- gnuplot draws the file (vfl.gnuplot) and the path is returned.
local canvas = require "vfl.canvas"
local gnuplot = require "vfl.gnuplot"

local plot = {}

local Figure = { __name = "vfl.figure" }
Figure.__index = Figure
Figure.__tostring = function(f) return f.text end

local function figure(kind, text) return setmetatable({ kind = kind, text = text }, Figure) end

local function nan_to_missing(v) return v ~= v and "NaN" or v end

local function check_opts(opts, fname)
  if opts ~= nil and type(opts) ~= "table" then
    error(fname .. ": options must be a table, got " .. type(opts), 0)
  end
  return opts or {}
end

local function size(opts) return { width = opts.width, height = opts.height, title = opts.title } end

-- Learning curves ---------------------------------------------------------------

-- Fields of a per-epoch entry that are bookkeeping, not curves.
local NOT_CURVES = { epoch = true, epochs = true, done = true, total = true, seconds = true,
  examples_per_s = true, features_per_s = true, examples = true, stopped = true }

--- The curves in stats.history, or in a list of per-epoch tables (as an
--- on_epoch callback builds them): {epochs = {...}, names = {...}, values = {name = {...}}}.
function plot.curves(stats, fname)
  fname = fname or "vfl.plot.learning"
  local list = type(stats) == "table" and (stats.history or stats) or nil
  if type(list) ~= "table" or type(list[1]) ~= "table" then
    error(fname .. ": expected stats with a history (net:learn's result) or a list of per-epoch tables, got " ..
      (type(list) == "table" and "a table without per-epoch entries" or type(stats)), 0)
  end
  local c = { epochs = {}, names = {}, values = {} }
  local function add(name, i, v)
    if type(v) ~= "number" then return end
    if not c.values[name] then
      c.values[name] = {}
      c.names[#c.names + 1] = name
    end
    c.values[name][i] = v
  end
  for i, e in ipairs(list) do
    c.epochs[i] = e.epoch or i
    add("loss", i, e.loss)
    local keys = {}
    for k in pairs(e) do if type(k) == "string" and k ~= "loss" and not NOT_CURVES[k] then keys[#keys + 1] = k end end
    table.sort(keys)
    for _, k in ipairs(keys) do add(k, i, e[k]) end
    if type(e.valid) == "table" then
      local vk = {}
      for k in pairs(e.valid) do vk[#vk + 1] = k end
      table.sort(vk)
      for _, k in ipairs(vk) do add("valid " .. k, i, e.valid[k]) end
    end
  end
  for _, name in ipairs(c.names) do
    for i = 1, #c.epochs do if c.values[name][i] == nil then c.values[name][i] = 0 / 0 end end
  end
  return c
end

--- plot.learning(stats [, {file=, width=, height=, title=}])
function plot.learning(stats, opts)
  opts = check_opts(opts, "vfl.plot.learning")
  local c = plot.curves(stats)
  if opts.file then
    local rows, cols = {}, { "set xlabel 'epoch'", "set ylabel 'training loss'", "set y2tics", "set ytics nomirror",
      "set y2label 'validation'" }
    for i, e in ipairs(c.epochs) do
      local row = { e }
      for _, name in ipairs(c.names) do row[#row + 1] = nan_to_missing(c.values[name][i]) end
      rows[i] = row
    end
    local parts = {}
    for j, name in ipairs(c.names) do
      local axes = name == "loss" and "" or " axes x1y2"
      parts[j] = string.format("$curves using 1:%d%s with linespoints lw 2 title %s", j + 1, axes, gnuplot.quote(name))
    end
    cols[#cols + 1] = "set datafile missing 'NaN'"
    cols[#cols + 1] = "plot " .. table.concat(parts, ", ")
    local o = size(opts)
    o.title = o.title or "learning curve"
    return gnuplot.draw(opts.file, o, { curves = rows }, cols, "vfl.plot.learning")
  end
  local panels = {}
  for _, name in ipairs(c.names) do
    panels[#panels + 1] = canvas.chart { series = { { x = c.epochs, y = c.values[name] } }, title = name,
      width = opts.width or 60, height = opts.height or 8, xlabel = "epoch" }
  end
  return figure("learning", table.concat(panels, "\n\n"))
end

-- Any lines ------------------------------------------------------------------

--- plot.lines{series = {{name=, x = {...}, y = {...}, points = bool}, ...},
---            title=, xlabel=, ylabel=, xrange = {lo, hi}, yrange = {lo, hi}, file=, width=, height=}
--- Several series on one chart (points: markers only, no line).
function plot.lines(o)
  local fname = "vfl.plot.lines"
  if type(o) ~= "table" or type(o.series) ~= "table" or #o.series == 0 then
    error(fname .. ": expected {series = {{name=, x = {...}, y = {...}}, ...}}", 0)
  end
  for i, sr in ipairs(o.series) do
    if type(sr.x) ~= "table" or type(sr.y) ~= "table" or #sr.x ~= #sr.y then
      error(string.format("%s: series %d needs lists x and y of one length", fname, i), 0)
    end
  end
  if o.file then
    local data, parts = {}, {}
    for i, sr in ipairs(o.series) do
      local rows = {}
      for j = 1, #sr.x do rows[j] = { sr.x[j], nan_to_missing(sr.y[j]) } end
      data["s" .. i] = rows
      local style = sr.points and "points pt 5 ps 1.5" or "linespoints lw 2 pt 7"
      parts[i] = string.format("$s%d using 1:2 with %s title %s", i, style, gnuplot.quote(sr.name or ("series " .. i)))
    end
    local cmds = { "set datafile missing 'NaN'", "set key bottom right" }
    if o.xlabel then cmds[#cmds + 1] = "set xlabel " .. gnuplot.quote(o.xlabel) end
    if o.ylabel then cmds[#cmds + 1] = "set ylabel " .. gnuplot.quote(o.ylabel) end
    if o.yrange then cmds[#cmds + 1] = string.format("set yrange [%.17g:%.17g]", o.yrange[1], o.yrange[2]) end
    if o.xrange then cmds[#cmds + 1] = string.format("set xrange [%.17g:%.17g]", o.xrange[1], o.xrange[2]) end
    cmds[#cmds + 1] = "plot " .. table.concat(parts, ", ")
    return gnuplot.draw(o.file, size(o), data, cmds, fname)
  end
  local names = {}
  for i, sr in ipairs(o.series) do names[i] = sr.name or ("series " .. i) end
  return figure("lines", canvas.chart { series = o.series, xrange = o.xrange, yrange = o.yrange, width = o.width or 60, height = o.height or 12,
    title = (o.title and (o.title .. ": ") or "") .. table.concat(names, ", "), xlabel = o.xlabel })
end

-- ROC and precision-recall ---------------------------------------------------------

local function binary_report(r, fname)
  if type(r) ~= "table" or type(r.roc) ~= "table" then
    error(fname .. ": expected a binary vfl.metrics.report (it has roc and pr points), got " ..
      (type(r) == "table" and (r.task and ("a " .. r.task .. " report") or "a table") or type(r)), 0)
  end
  return r
end

local function curve(r, opts, kind)
  local fname = "vfl.plot." .. kind
  opts = check_opts(opts, fname)
  binary_report(r, fname)
  local xs, ys, title, xl, yl
  if kind == "roc" then
    xs, ys = r.roc.fpr, r.roc.tpr
    title, xl, yl = string.format("ROC, AUC %.4f", r.auc), "false positive rate", "true positive rate"
  else
    xs, ys = r.pr.recall, r.pr.precision
    title, xl, yl = "precision-recall", "recall", "precision"
  end
  if opts.file then
    local rows = {}
    for i = 1, #xs do rows[i] = { xs[i], ys[i] } end
    local cmds = { "set xlabel " .. gnuplot.quote(xl), "set ylabel " .. gnuplot.quote(yl),
      "set xrange [0:1]", "set yrange [0:1.02]", "set size ratio -1" }
    local diag = kind == "roc" and ", x with lines dt 2 lc rgb 'gray' title 'chance'" or ""
    cmds[#cmds + 1] = "plot $curve using 1:2 with lines lw 2 title " .. gnuplot.quote(kind == "roc" and "ROC" or "PR") .. diag
    local o = size(opts)
    o.title = o.title or title
    return gnuplot.draw(opts.file, o, { curve = rows }, cmds, fname)
  end
  local series = { { x = xs, y = ys } }
  if kind == "roc" then series[2] = { x = { 0, 1 }, y = { 0, 1 }, dotted = true } end
  return figure(kind, canvas.chart { series = series, xrange = { 0, 1 }, yrange = { 0, 1 }, title = title .. "  (y: " .. yl .. ")",
    width = opts.width or 40, height = opts.height or 12, xlabel = xl })
end

--- plot.roc(report [, opts]): the ROC curve of a binary report.
function plot.roc(r, opts) return curve(r, opts, "roc") end
--- plot.pr(report [, opts]): its precision-recall curve.
function plot.pr(r, opts) return curve(r, opts, "pr") end

-- Confusion heat map -------------------------------------------------------------

local SHADES = { " ", canvas.char(0x2591), canvas.char(0x2592), canvas.char(0x2593), canvas.char(0x2588) }

--- plot.confusion(report [, opts]): each cell shaded by its share of the row
--- (the true class), so the diagonal reads as recall.
function plot.confusion(r, opts)
  local fname = "vfl.plot.confusion"
  opts = check_opts(opts, fname)
  if type(r) ~= "table" or type(r.confusion) ~= "table" then
    error(fname .. ": expected a multiclass vfl.metrics.report (it has a confusion matrix), got " ..
      (type(r) == "table" and (r.task and ("a " .. r.task .. " report") or "a table") or type(r)), 0)
  end
  local k = #r.confusion
  local share = {}
  for i, row in ipairs(r.confusion) do
    local sum = 0
    for _, v in ipairs(row) do sum = sum + v end
    share[i] = {}
    for j, v in ipairs(row) do share[i][j] = sum > 0 and v / sum or 0 end
  end
  if opts.file then
    local rows = {}
    for i = 1, k do
      for j = 1, k do rows[#rows + 1] = { j - 1, i - 1, share[i][j] } end
      rows[#rows + 1] = {}
    end
    local ticks = {}
    for i = 1, k do ticks[i] = gnuplot.quote(tostring(r.classes[i])) .. " " .. (i - 1) end
    local cmds = { "set xlabel 'predicted'", "set ylabel 'true class'", "set yrange [] reverse",
      "set xtics (" .. table.concat(ticks, ", ") .. ") rotate by 45 right", "set ytics (" .. table.concat(ticks, ", ") .. ")",
      "set cbrange [0:1]", "set cblabel 'share of the true class'", "set palette defined (0 'white', 1 '#08306b')",
      "unset grid", "set size ratio -1", "plot $m using 1:2:3 with image notitle" }
    local o = size(opts)
    o.title = o.title or "confusion"
    return gnuplot.draw(opts.file, o, { m = rows }, cmds, fname)
  end
  local names, w = {}, 0
  for i = 1, k do
    names[i] = tostring(r.classes and r.classes[i] or (i - 1)):sub(1, opts.label_width or 16)
    if #names[i] > w then w = #names[i] end
  end
  local out = { string.rep(" ", w) .. "  predicted 0.." .. (k - 1) .. " (shade: share of the true class)" }
  for i = 1, k do
    local cells = {}
    for j = 1, k do
      local s = share[i][j]
      local level = s <= 0 and 1 or math.min(5, 2 + math.floor(s * 4))
      cells[j] = SHADES[level] .. SHADES[level]
    end
    out[#out + 1] = string.rep(" ", w - #names[i]) .. names[i] .. " " .. canvas.char(0x2502) .. table.concat(cells) ..
      canvas.char(0x2502) .. string.format(" %3.0f%%", 100 * share[i][i])
  end
  return figure("confusion", table.concat(out, "\n"))
end

-- Histogram of predictions ----------------------------------------------------------

local EIGHTHS = { "", canvas.char(0x258F), canvas.char(0x258E), canvas.char(0x258D), canvas.char(0x258C),
  canvas.char(0x258B), canvas.char(0x258A), canvas.char(0x2589) }

local function predictions(x, ds, fname)
  if type(x) == "table" and getmetatable(x) == nil then return x end
  if ds == nil then error(fname .. ": expected a list of numbers, or a net and a dataset", 0) end
  local p = x:predict(ds)
  if type(p[1]) == "table" then -- several outputs: the probability of the predicted class
    local best = {}
    for i, row in ipairs(p) do best[i] = math.max(table.unpack and table.unpack(row) or unpack(row)) end
    return best
  end
  return p
end

--- plot.histogram(values | net, ds [, {bins = 20, file=, ...}])
function plot.histogram(x, ds, opts)
  local fname = "vfl.plot.histogram"
  if type(x) == "table" and getmetatable(x) == nil then ds, opts = nil, ds end
  opts = check_opts(opts, fname)
  local v = predictions(x, ds, fname)
  if #v == 0 then error(fname .. ": no values to count", 0) end
  local lo, hi = math.huge, -math.huge
  for i, y in ipairs(v) do
    if type(y) ~= "number" then error(string.format("%s: value %d is a %s, not a number", fname, i, type(y)), 0) end
    if y < lo then lo = y end
    if y > hi then hi = y end
  end
  if lo >= 0 and hi <= 1 then lo, hi = 0, 1 end -- probabilities: the whole [0, 1]
  if lo == hi then lo, hi = lo - 0.5, hi + 0.5 end
  local bins = opts.bins or 20
  local count = {}
  for b = 1, bins do count[b] = 0 end
  for _, y in ipairs(v) do
    local b = math.floor((y - lo) / (hi - lo) * bins) + 1
    if b > bins then b = bins end
    count[b] = count[b] + 1
  end
  local step = (hi - lo) / bins
  if opts.file then
    local rows = {}
    for b = 1, bins do rows[b] = { lo + (b - 0.5) * step, count[b] } end
    local cmds = { "set xlabel 'prediction'", "set ylabel 'rows'", string.format("set boxwidth %.17g", step * 0.9),
      "plot $h using 1:2 with boxes lc rgb '#4472c4' notitle" }
    local o = size(opts)
    o.title = o.title or ("predictions of " .. #v .. " rows")
    return gnuplot.draw(opts.file, o, { h = rows }, cmds, fname)
  end
  local top = 0
  for b = 1, bins do if count[b] > top then top = count[b] end end
  local width = opts.width or 50
  local out = { string.format("predictions of %d rows", #v) }
  for b = 1, bins do
    local eighths = top > 0 and math.floor(count[b] / top * width * 8 + 0.5) or 0
    local bar = string.rep(canvas.char(0x2588), math.floor(eighths / 8)) .. EIGHTHS[eighths % 8 + 1]
    out[#out + 1] = string.format("%8s-%-8s %s%s %d", canvas.label(lo + (b - 1) * step), canvas.label(lo + b * step),
      canvas.char(0x2502), bar, count[b])
  end
  return figure("histogram", table.concat(out, "\n"))
end

-- vfl.plot(x, ...) --------------------------------------------------------------

--- Picks the chart for x: stats or a per-epoch list -> learning curves; a
--- binary report -> ROC; a multiclass report -> confusion; numbers or a net
--- and a dataset -> histogram.
local function dispatch(_, x, a, b)
  if type(x) == "table" and getmetatable(x) == nil and x.history == nil and type(x[1]) == "number" then
    return plot.histogram(x, a)
  end
  if type(x) == "table" and (x.history or type(x[1]) == "table") then return plot.learning(x, a) end
  if type(x) == "table" and x.task == "binary" then return plot.roc(x, a) end
  if type(x) == "table" and x.task == "multiclass" then return plot.confusion(x, a) end
  if type(x) == "userdata" then return plot.histogram(x, a, b) end
  error("vfl.plot: expected learning stats, a vfl.metrics.report, a list of numbers or a net and a dataset, got " ..
    (type(x) == "table" and "a table with none of history, task or numbers" or type(x)), 0)
end
setmetatable(plot, { __call = dispatch })

local ok, help = pcall(require, "vfl.help")
if ok and type(help) == "table" and help.register then
  help.register(plot, "vfl.plot(x [, opts])", [[
Draws x in the terminal (Unicode braille and block characters; works over
ssh and in tmux), or with {file = "name.png" | "name.svg"} writes the file
through gnuplot (apt-get install gnuplot-nox) and returns its path.
  vfl.plot(stats)          learning curves from net:learn's stats.history,
                           or from a list of per-epoch tables (on_epoch)
  vfl.plot(report)         ROC of a binary report, confusion of a multiclass one
  vfl.plot(net, ds)        histogram of the net's predictions on ds
  vfl.plot({0.1, 0.7})     histogram of numbers
opts: file, width, height (characters, or pixels for files: 800 x 500),
title. In a script: print(vfl.plot(stats)).]])
  help.register(plot.learning, "vfl.plot.learning(stats [, opts])", [[
Learning curves: one panel per figure (training loss, each validation
figure in history[i].valid, other numbers of the per-epoch tables) against
the epoch. In a file: loss on the left axis, validation on the right.]])
  help.register(plot.curves, "vfl.plot.curves(stats)",
    "The curves vfl.plot.learning draws: {epochs = {...}, names = {...}, values = {name = {...}}}.")
  help.register(plot.lines, "vfl.plot.lines{series = {{name=, x=, y=, points=}, ...}, title=, xlabel=, ylabel=, xrange=, yrange=, file=}", [[
Any series on one chart (points = true: markers without a line), e.g. the
accuracy of two tools per epoch. In the terminal the series share one style.]])
  help.register(plot.roc, "vfl.plot.roc(report [, opts])", "The ROC curve of a binary vfl.metrics.report, with the chance line.")
  help.register(plot.pr, "vfl.plot.pr(report [, opts])", "The precision-recall curve of a binary vfl.metrics.report.")
  help.register(plot.confusion, "vfl.plot.confusion(report [, opts])", [[
The confusion matrix of a multiclass vfl.metrics.report as a heat map: each
cell shaded by its share of the true class (the diagonal reads as recall).]])
  help.register(plot.histogram, "vfl.plot.histogram(values | net, ds [, {bins = 20, ...}])", [[
A histogram of numbers, or of a net's predictions on a dataset (for several
outputs, the probability of the predicted class).]])
end

return plot
