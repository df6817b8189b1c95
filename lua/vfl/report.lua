-- vfl.report: the text of a vfl.metrics.report table (its __tostring), so
-- the REPL and print() show a readable report while scripts index a plain
-- table. Curves (roc, pr) are summarised here; vfl.plot draws them.
local report = {}

local function num(x, digits)
  if type(x) ~= "number" then return tostring(x) end
  if x ~= x then return "-" end
  if math.type and math.type(x) == "integer" then return tostring(x) end
  return string.format("%." .. (digits or 4) .. "f", x)
end

--- Rows of cells as aligned columns; numbers right-aligned.
function report.columns(rows, indent)
  local widths = {}
  for _, row in ipairs(rows) do
    for i, cell in ipairs(row) do
      local w = utf8 and utf8.len(cell) or #cell
      if w > (widths[i] or 0) then widths[i] = w end
    end
  end
  local out = {}
  for _, row in ipairs(rows) do
    local cells = {}
    for i, cell in ipairs(row) do
      local pad = string.rep(" ", widths[i] - (utf8 and utf8.len(cell) or #cell))
      cells[i] = (i == 1) and (cell .. pad) or (pad .. cell)
    end
    out[#out + 1] = (indent or "  ") .. table.concat(cells, "  ")
  end
  return table.concat(out, "\n")
end

local function figures(r, names)
  local rows = {}
  for _, k in ipairs(names) do
    if r[k] ~= nil then rows[#rows + 1] = { k, num(r[k]) } end
  end
  return report.columns(rows)
end

local function binary(r, out)
  out[#out + 1] = figures(r, { "accuracy", "auc", "logloss", "precision", "recall", "f1" })
  local c = r.counts
  out[#out + 1] = string.format("  at threshold %s: tp %d  fp %d  tn %d  fn %d", num(r.threshold, 3), c.tp, c.fp, c.tn, c.fn)
  if r.calibration then
    out[#out + 1] = "calibration:"
    local rows = { { "bin", "rows", "predicted", "positive" } }
    for _, b in ipairs(r.calibration) do
      rows[#rows + 1] = { num(b.from, 2) .. "-" .. num(b.to, 2), tostring(b.rows), num(b.mean_prediction, 3), num(b.positive, 3) }
    end
    out[#out + 1] = report.columns(rows)
  end
  out[#out + 1] = string.format("curves: roc and pr, %d points each (vfl.plot.roc(r), vfl.plot.pr(r))", #r.roc.fpr)
end

local function multiclass(r, out)
  local names = { "accuracy", "micro_f1", "macro_f1", "logloss" }
  out[#out + 1] = figures(r, names)
  local tops = {}
  for k, v in ipairs(r.top_k) do tops[#tops + 1] = "top-" .. k .. " " .. num(v) end
  out[#out + 1] = "  " .. table.concat(tops, "  ")
  local rows = { { "class", "precision", "recall", "f1", "support" } }
  for _, c in ipairs(r.per_class) do
    rows[#rows + 1] = { tostring(c.class), num(c.precision), num(c.recall), num(c.f1), tostring(c.support) }
  end
  out[#out + 1] = "per class:"
  out[#out + 1] = report.columns(rows)
  if r.n_classes <= 20 then
    out[#out + 1] = "confusion (rows: true class, columns: predicted):"
    local head = { "" }
    for j = 1, r.n_classes do head[j + 1] = tostring(j - 1) end
    local m = { head }
    for i, row in ipairs(r.confusion) do
      local cells = { tostring(r.classes[i]) }
      for j, v in ipairs(row) do cells[j + 1] = tostring(v) end
      m[#m + 1] = cells
    end
    out[#out + 1] = report.columns(m)
  else
    out[#out + 1] = string.format("confusion: %d x %d in r.confusion (vfl.plot.confusion(r))", r.n_classes, r.n_classes)
  end
end

--- The text of a report.
function report.format(r)
  local out = { string.format("%s report on %d rows", r.task, r.rows) }
  if r.task == "binary" then
    binary(r, out)
  elseif r.task == "multiclass" then
    multiclass(r, out)
  elseif r.task == "multilabel" then
    local rows = { { "k", "P@k", "R@k" } }
    for k = 1, r.k do rows[#rows + 1] = { tostring(k), num(r.p_at_k[k]), num(r.r_at_k[k]) } end
    out[#out + 1] = report.columns(rows, "  ")
  else
    out[#out + 1] = figures(r, { "rmse", "mae", "r2" })
  end
  return table.concat(out, "\n")
end

return report
