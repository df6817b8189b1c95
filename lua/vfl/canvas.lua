-- vfl.canvas: line charts drawn with Unicode braille characters (2 x 4 dots
-- per character), plain text that works over ssh and in tmux. vfl.plot
-- builds its terminal charts on it.
--
--   local c = canvas.new(cols, rows)   c:line(x0, y0, x1, y1) in dots, origin bottom left
--   canvas.chart{series = {{x = {...}, y = {...}, dotted = bool, points = bool}, ...},
--                width = 60, height = 12, xrange = {lo, hi}, yrange = {lo, hi},
--                title =, xlabel = }                      --> text
-- Runs under Lua 5.4 and LuaJIT (no utf8 library, no integer division).
local canvas = {}
local Canvas = {}
Canvas.__index = Canvas

local floor = math.floor
-- braille dot bits by (column 0..1, row 0..3 from the top)
local BITS = { [0] = { [0] = 0x01, 0x02, 0x04, 0x40 }, [1] = { [0] = 0x08, 0x10, 0x20, 0x80 } }

--- UTF-8 bytes of a code point below 0x10000.
function canvas.char(cp)
  if cp < 0x80 then return string.char(cp) end
  if cp < 0x800 then return string.char(0xC0 + floor(cp / 64), 0x80 + cp % 64) end
  return string.char(0xE0 + floor(cp / 4096), 0x80 + floor(cp / 64) % 64, 0x80 + cp % 64)
end

function canvas.new(cols, rows)
  local cells = {}
  for i = 1, cols * rows do cells[i] = 0 end
  return setmetatable({ cols = cols, rows = rows, w = cols * 2, h = rows * 4, cells = cells }, Canvas)
end

--- Sets the dot at (x, y), 0-based from the bottom left; outside is ignored.
function Canvas:set(x, y)
  x, y = floor(x + 0.5), floor(y + 0.5)
  if x < 0 or y < 0 or x >= self.w or y >= self.h then return end
  local top = self.h - 1 - y
  local i = floor(top / 4) * self.cols + floor(x / 2) + 1
  local bit = BITS[x % 2][top % 4]
  if floor(self.cells[i] / bit) % 2 == 0 then self.cells[i] = self.cells[i] + bit end
end

--- A straight line of dots; dotted leaves gaps.
function Canvas:line(x0, y0, x1, y1, dotted)
  local n = math.max(math.abs(x1 - x0), math.abs(y1 - y0), 1)
  n = math.ceil(n)
  for k = 0, n do
    if not dotted or k % 3 == 0 then self:set(x0 + (x1 - x0) * k / n, y0 + (y1 - y0) * k / n) end
  end
end

function Canvas:lines()
  local out = {}
  for r = 0, self.rows - 1 do
    local row = {}
    for c = 1, self.cols do row[c] = canvas.char(0x2800 + self.cells[r * self.cols + c]) end
    out[r + 1] = table.concat(row)
  end
  return out
end

--- A number short enough for an axis label.
function canvas.label(x)
  if x == floor(x) and math.abs(x) < 1e6 then return string.format("%d", x) end
  return (string.format("%.4g", x))
end

local function range(series, key, given)
  if given then return given[1], given[2] end
  local lo, hi = math.huge, -math.huge
  for _, s in ipairs(series) do
    for _, v in ipairs(s[key]) do
      if v == v and v > -math.huge and v < math.huge then
        if v < lo then lo = v end
        if v > hi then hi = v end
      end
    end
  end
  if lo > hi then lo, hi = 0, 1 end
  if lo == hi then lo, hi = lo - 0.5, hi + 0.5 end
  return lo, hi
end

--- A chart of one or more series, with its axes, as text.
function canvas.chart(o)
  local width, height = o.width or 60, o.height or 12
  local c = canvas.new(width, height)
  local x0, x1 = range(o.series, "x", o.xrange)
  local y0, y1 = range(o.series, "y", o.yrange)
  local function px(x) return (x - x0) / (x1 - x0) * (c.w - 1) end
  local function py(y) return (y - y0) / (y1 - y0) * (c.h - 1) end
  for _, s in ipairs(o.series) do
    local lx, ly
    for i = 1, #s.x do
      local x, y = s.x[i], s.y[i]
      if y == y and x == x then
        if lx and #s.x > 1 and not s.points then c:line(px(lx), py(ly), px(x), py(y), s.dotted) else c:set(px(x), py(y)) end
        lx, ly = x, y
      end
    end
  end
  local top, bottom = canvas.label(y1), canvas.label(y0)
  local margin = math.max(#top, #bottom)
  local out = {}
  if o.title then out[1] = string.rep(" ", margin + 1) .. o.title end
  for r, line in ipairs(c:lines()) do
    local lab = r == 1 and top or (r == height and bottom or "")
    out[#out + 1] = string.rep(" ", margin - #lab) .. lab .. canvas.char(0x2502) .. line
  end
  local left, right = canvas.label(x0), canvas.label(x1)
  local axis = string.rep(" ", margin) .. canvas.char(0x2514) .. string.rep(canvas.char(0x2500), width)
  out[#out + 1] = axis
  local gap = math.max(1, width - #left - #right)
  local xl = o.xlabel and ("  " .. o.xlabel) or ""
  out[#out + 1] = string.rep(" ", margin + 1) .. left .. string.rep(" ", gap) .. right .. xl
  return table.concat(out, "\n")
end

return canvas
