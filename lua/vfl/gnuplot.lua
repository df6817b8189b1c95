-- vfl.gnuplot: PNG and SVG files for vfl.plot, drawn by gnuplot (Debian's
-- gnuplot-nox; scripts/setup installs it). The data goes inline as gnuplot
-- datablocks, so one script file is all gnuplot reads.
--
--   gnuplot.draw(path, {width = 800, height = 500, title =},
--                {name = {{x, y, ...}, ...}, ...}, {"plot $name using 1:2 ...", ...})
local gnuplot = {}

gnuplot.program = "gnuplot"

local TERMINALS = {
  png = "pngcairo enhanced font 'sans,10' size %d,%d",
  svg = "svg enhanced font 'sans,10' size %d,%d",
}

--- A gnuplot string literal: single quotes, '' for a quote.
function gnuplot.quote(s)
  return "'" .. tostring(s):gsub("'", "''") .. "'"
end

local function succeeded(a, b, c)
  if type(a) == "number" then return a == 0 end -- LuaJIT / Lua 5.1
  return a == true and b == "exit" and c == 0
end

local function read_all(path)
  local f = io.open(path, "rb")
  if not f then return "" end
  local s = f:read("*a")
  f:close()
  return s
end

--- Writes path (its extension picks PNG or SVG); raises with gnuplot's own
--- message when it fails.
function gnuplot.draw(path, opts, data, commands, fname)
  fname = fname or "vfl.plot"
  local ext = tostring(path):match("%.(%w+)$")
  ext = ext and ext:lower()
  if not TERMINALS[ext] then
    error(string.format("%s: file %q: the name must end in .png or .svg", fname, tostring(path)), 0)
  end
  local lines = {
    "set terminal " .. string.format(TERMINALS[ext], opts.width or 800, opts.height or 500),
    "set output " .. gnuplot.quote(path),
    "set grid", "set key top right", "set style fill solid 0.8 border -1",
  }
  if opts.title then lines[#lines + 1] = "set title " .. gnuplot.quote(opts.title) end
  for name, rows in pairs(data) do
    lines[#lines + 1] = "$" .. name .. " << EOD"
    for _, row in ipairs(rows) do
      local cells = {}
      for i, v in ipairs(row) do cells[i] = type(v) ~= "number" and nil or (v ~= v and "NaN" or string.format("%.17g", v))
        cells[i] = cells[i] or ('"' .. tostring(v) .. '"') end
      lines[#lines + 1] = table.concat(cells, " ")
    end
    lines[#lines + 1] = "EOD"
  end
  for _, c in ipairs(commands) do lines[#lines + 1] = c end
  lines[#lines + 1] = "set output"
  local script, errors = os.tmpname(), os.tmpname()
  local f = assert(io.open(script, "w"))
  f:write(table.concat(lines, "\n"), "\n")
  f:close()
  local ok = succeeded(os.execute(gnuplot.program .. " " .. script .. " 2>" .. errors))
  local message = read_all(errors)
  os.remove(script)
  os.remove(errors)
  if not ok then
    if message == "" or message:find("not found", 1, true) then
      error(fname .. ": writing PNG and SVG files needs gnuplot (apt-get install gnuplot-nox)", 0)
    end
    error(fname .. ": gnuplot failed: " .. message, 0)
  end
  return path
end

return gnuplot
