-- compare_maps.lua - the class activation maps of an image's top-k classes
-- side by side in one picture, with how much they agree: the Pearson
-- correlation of each pair of maps and the IoU of their thresholded regions.
--
--   LUA_CPATH='build/?.so' lua5.4 examples/compare_maps.lua MODEL IMAGE [options]
local USAGE = [[
usage: lua5.4 examples/compare_maps.lua MODEL IMAGE [options]

Computes the CAMs of the top-k classes of IMAGE on the original image, writes
them as one picture (a grid of heat-map overlays captioned "class label
score") and prints a table with, for every pair of maps, their Pearson
correlation and the IoU of the regions kept by the box threshold.

options:
  -k N                 number of top classes (default 3)
  -o FILE              picture to write (default compare_maps.png; "-" for none)
  --classes a,b,...    compare these class ids instead of the top-k
  --threshold T        region threshold, fraction of each map's max (default 0.2)
  --mode max|range     threshold relative to max (paper) or to min..max
  --rectify none|relu|positive_weights      map rectification (default none)
  --interp bilinear|bicubic|nearest         map upsampling (default bilinear)
  --display N          shorter side of the picture cells, upscaled from small
                       images (default 224; 0 = original size)
  --boxes              draw each map's box on its cell
  --json               print the table as JSON instead
  -h, --help           this text
]]

local function script_dir()
  local src = debug.getinfo(1, "S").source
  return src:match("^@(.*/)") or "./"
end
package.cpath = package.cpath .. ";" .. script_dir() .. "../build/?.so"
local cam = require "cam"

local function die(msg, code)
  io.stderr:write("compare_maps: error: ", tostring(msg), "\n")
  os.exit(code or 1)
end

local pos = {}
local opt = { k = "3", o = "compare_maps.png", threshold = "0.2", mode = "max", rectify = "none",
  interp = "bilinear", display = "224" }
do
  local takes = { ["-k"] = "k", ["-o"] = "o", ["--classes"] = "classes", ["--threshold"] = "threshold",
    ["--mode"] = "mode", ["--rectify"] = "rectify", ["--interp"] = "interp", ["--display"] = "display" }
  local i = 1
  while i <= #arg do
    local a = arg[i]
    if a == "-h" or a == "--help" then
      io.stdout:write(USAGE)
      os.exit(0)
    elseif takes[a] then
      i = i + 1
      if not arg[i] then die(a .. " needs a value", 2) end
      opt[takes[a]] = arg[i]
    elseif a == "--boxes" or a == "--json" then
      opt[a:sub(3)] = true
    elseif a:sub(1, 1) == "-" then
      die("unknown option " .. a .. " (try --help)", 2)
    else
      pos[#pos + 1] = a
    end
    i = i + 1
  end
end
if #pos ~= 2 then
  io.stderr:write(USAGE)
  os.exit(2)
end
local k = math.tointeger(tonumber(opt.k))
if not k or k < 1 then die("-k must be a positive integer", 2) end
local thr = tonumber(opt.threshold)
if not thr or thr < 0 or thr > 1 then die("--threshold must be in 0..1", 2) end
local display = math.tointeger(tonumber(opt.display))
if not display or display < 0 then die("--display must be a non-negative integer", 2) end
if opt.mode ~= "max" and opt.mode ~= "range" then die("--mode must be max or range", 2) end

local net <close>, msg = cam.load(pos[1])
if not net then die(msg) end
local img, imsg = cam.load_image(pos[2])
if not img then die(imsg) end

local mopt = { rectify = opt.rectify, interp = opt.interp }
if opt.classes then
  local ids = {}
  for c in opt.classes:gmatch("[^,%s]+") do
    ids[#ids + 1] = math.tointeger(tonumber(c)) or die("--classes: not a class id: " .. c, 2)
  end
  mopt.classes = ids
else
  mopt.top = k
end
local ok, maps, classes, scores = pcall(net.cam, net, img, mopt)
if not ok then die(maps, 2) end -- misuse, e.g. a class id out of range
if not maps then die(classes) end
local n = #classes

-- names for the captions and the table
local names = {}
for i = 1, n do
  local label = net:label(classes[i])
  names[i] = label and string.format("%d %s", classes[i], label) or tostring(classes[i])
end

-- pairwise agreement
local rows = {}
for a = 1, n do
  for b = a + 1, n do
    local ma, mb = maps:slice(a), maps:slice(b)
    rows[#rows + 1] = { a = a, b = b, corr = ma:corr(mb), iou = ma:iou(mb, thr, opt.mode == "range" and "range" or "max") }
  end
end

-- picture
if opt.o ~= "-" then
  local w, h = img:size()
  local pic = img
  if display > 0 and math.min(w, h) ~= display then
    local s = display / math.min(w, h)
    pic = img:resize(math.max(1, math.floor(w * s + 0.5)), math.max(1, math.floor(h * s + 0.5)))
  end
  local pw, ph = pic:size()
  local shown = maps:resize(pw, ph, opt.interp)
  local captions = {}
  for i = 1, n do captions[i] = string.format("%s %.2f", names[i], scores[i]) end
  local cells = {}
  local grid
  if opt.boxes then
    -- draw each cell separately so that every overlay carries its own box
    for i = 1, n do
      local map = shown:slice(i)
      local cell = pic:overlay(map, 0.5)
      local boxes = map:boxes({ threshold = thr, mode = opt.mode })
      if boxes[1] then cell:box(boxes[1], { 255, 255, 255 }, math.max(1, pw // 224)) end
      cell:text(2, 2, captions[i], { 255, 255, 255 }, math.max(1, pw // 224))
      cells[i] = cell
    end
    local cols = math.min(n, math.ceil(math.sqrt(n)))
    local rowsn = math.ceil(n / cols)
    grid = cam.image(cols * pw, rowsn * ph)
    for i = 1, n do
      grid:paste(cells[i], ((i - 1) % cols) * pw, ((i - 1) // cols) * ph)
    end
  else
    local gerr
    grid, gerr = pic:grid(shown, { captions = captions, alpha = 0.5, cell = math.max(pw, ph) })
    if not grid then die(gerr) end
  end
  local sok, serr = grid:save(opt.o)
  if not sok then die(serr) end
  io.stderr:write("compare_maps: wrote ", opt.o, "\n")
end

-- table
if opt.json then
  local function q(s) return '"' .. tostring(s):gsub('[%c"\\]', function(c)
      return string.format("\\u%04x", c:byte()) end) .. '"' end
  local function num(x) return (x ~= x) and "null" or string.format("%.6g", x) end
  local parts = {}
  for _, r in ipairs(rows) do
    parts[#parts + 1] = string.format('{"a":%d,"b":%d,"name_a":%s,"name_b":%s,"corr":%s,"iou":%s}',
      classes[r.a], classes[r.b], q(names[r.a]), q(names[r.b]), num(r.corr), num(r.iou))
  end
  local cls = {}
  for i = 1, n do cls[i] = string.format('{"class":%d,"name":%s,"score":%s}', classes[i], q(names[i]), num(scores[i])) end
  print(string.format('{"image":%s,"threshold":%s,"classes":[%s],"pairs":[%s]}', q(pos[2]), num(thr),
    table.concat(cls, ","), table.concat(parts, ",")))
else
  print(string.format("%-4s %-22s %8s", "rank", "class", "score"))
  for i = 1, n do print(string.format("%-4d %-22s %8.3f", i, names[i], scores[i])) end
  print()
  print(string.format("%-22s %-22s %8s %8s", "map A", "map B", "pearson", string.format("IoU@%.2g", thr)))
  for _, r in ipairs(rows) do
    print(string.format("%-22s %-22s %8.3f %8.3f", names[r.a], names[r.b], r.corr, r.iou))
  end
  if #rows == 0 then print("(one map: nothing to compare)") end
end
