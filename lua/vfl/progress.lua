-- vfl.progress: what net:learn(ds, loss, optim, {progress = true}) shows.
--
-- net:learn calls, on the caller's thread:
--   progress.new{tty=, epochs=, rows=}   once; the object's `every` field sets
--                                        the seconds between updates
--   bar:update(p)                        while an epoch runs
--   bar:epoch(p)                         when an epoch ends
--   bar:finish(p, stopped)               at the end, even when stopped
-- where p = {epoch=, epochs=, done=, total=, seconds=, examples_per_s=,
--            features_per_s=, loss=}.
--
-- On a terminal it redraws one line in place (percent of the whole run and
-- a bar, epoch k/n, loss, examples/s, ETA of the run); elsewhere (a log
-- file, a pipe) it writes a plain line now and then, so logs stay readable.
-- Nothing is drawn before the first report interval has figures.
-- net:learn turns it on by default when stderr is a terminal.
local progress = {}

local Bar = {}
Bar.__index = Bar

--- Compact rate: 950, 12.3k, 4.56M.
function progress.rate(x)
  if x >= 1e9 then return string.format("%.2fG", x / 1e9) end
  if x >= 1e6 then return string.format("%.2fM", x / 1e6) end
  if x >= 1e4 then return string.format("%.1fk", x / 1e3) end
  return string.format("%.0f", x)
end

--- Durations: 42s, 3:07, 1:02:03.
function progress.duration(s)
  if s ~= s or s == math.huge then return "?" end
  s = math.floor(s + 0.5)
  if s < 60 then return s .. "s" end
  local floor = math.floor -- not //: this file also runs under LuaJIT
  if s < 3600 then return string.format("%d:%02d", floor(s / 60), s % 60) end
  return string.format("%d:%02d:%02d", floor(s / 3600), floor((s % 3600) / 60), s % 60)
end

--- Fraction of the whole run done (all epochs), or nil when the size of an
--- epoch is unknown (a stream).
function progress.fraction(p)
  if not p.total or p.total <= 0 then return nil end
  local f = ((p.epoch - 1) * p.total + p.done) / (p.epochs * p.total)
  return f > 1 and 1 or f
end

--- Seconds left, from the overall rate: the rest of this epoch and the
--- epochs after it.
function progress.eta(p)
  if not p.examples_per_s or p.examples_per_s <= 0 or not progress.fraction(p) then return math.huge end
  local left = (p.total - p.done) + (p.epochs - p.epoch) * p.total
  return left / p.examples_per_s
end

--- Whether p has figures worth showing: some examples done at a known rate
--- (the engine's first call of an epoch has none, and would read
--- "0 ex/s loss 0.0000").
function progress.ready(p)
  return (p.done or 0) > 0 and (p.examples_per_s or 0) > 0
end

--- The text of one report: whole-run percent and bar (without a bar when
--- width is 0), epoch k/n, loss, examples/s, ETA of the whole run.
function progress.line(p, width)
  local frac = progress.fraction(p)
  local head
  if frac then
    local bar = ""
    if width and width > 0 then
      local full = math.floor(frac * width + 0.5)
      bar = " [" .. string.rep("=", full) .. string.rep(" ", width - full) .. "]"
    end
    head = string.format("%3d%%%s  epoch %d/%d", math.floor(frac * 100 + 0.5), bar, p.epoch, p.epochs)
  else
    head = string.format("epoch %d/%d  %s rows", p.epoch, p.epochs, progress.rate(p.done or 0))
  end
  local tail = frac and ("  ETA " .. progress.duration(progress.eta(p))) or ""
  return string.format("%s  loss %.4f  %s ex/s%s", head, p.loss or 0, progress.rate(p.examples_per_s or 0), tail)
end

--- progress.new{tty=, epochs=, rows=, stream=io.stderr, width=30, every=}
function progress.new(opts)
  opts = opts or {}
  local self = setmetatable({
    tty = opts.tty and true or false,
    out = opts.stream or io.stderr,
    width = opts.width or 30,
    shown = 0,          -- length of the line on screen (tty)
    open = false,       -- a line is on screen without its newline
  }, Bar)
  -- A terminal gets a lively bar; a log gets a line every 10 seconds.
  self.every = opts.every or (self.tty and 0.2 or 10)
  return self
end

function Bar:write_line(text, final)
  if self.tty then
    local pad = self.shown > #text and string.rep(" ", self.shown - #text) or ""
    self.out:write("\r", text, pad, final and "\n" or "")
    self.shown = final and 0 or #text
    self.open = not final
  else
    self.out:write(text, "\n")
  end
  self.out:flush()
end

function Bar:update(p)
  if not progress.ready(p) then return end
  self:write_line(progress.line(p, self.tty and self.width or 0), false)
end

-- An epoch that lasted a second or more keeps its own line (its loss stays
-- on screen or in the log); shorter ones are redrawn in place on a terminal
-- and skipped in a log, so 200 quick epochs do not flood either.
function Bar:epoch(p)
  local last = self.epoch_mark or 0
  local long = (p.seconds or 0) - last >= 1
  self.epoch_mark = p.seconds or 0
  if long or p.epoch == p.epochs then
    self:write_line(progress.line(p, self.tty and self.width or 0), true)
  elseif self.tty then
    self:write_line(progress.line(p, self.width), false)
  end
end

-- Ends an open line. Stopping is reported by learn's result (stats.stopped),
-- and by the REPL for Ctrl-C, so nothing more is written here.
function Bar:finish()
  if self.open then
    self.out:write("\n")
    self.out:flush()
  end
  self.open = false
end

return progress
