-- localize_folder.lua - CAM boxes for every image in a folder, as CSV or JSON.
--
--   LUA_CPATH='build/?.so' lua5.4 examples/localize_folder.lua MODEL FOLDER [options]
local USAGE = [[
usage: lua5.4 examples/localize_folder.lua MODEL FOLDER [options]

For every image in FOLDER (jpg, jpeg, png, bmp, tga, gif, pnm, ppm, pgm;
sorted by name), predicts the top classes and cuts a box from each class's
activation map on the original image (paper rule by default: pixels >= 0.2 of
the map's max, box of the largest 8-connected component).

CSV columns (the first six as in the localization dataset format):
  image,label,x0,y0,x1,y1,score,prob,rank,name
boxes are inclusive integer pixels of the original image; image is relative
to FOLDER.

options:
  --format csv|json    output format (default csv)
  -o FILE              output file (default stdout)
  -k N                 boxes for the top N classes (default 1)
  --threshold T        fraction of the map's max (default 0.2)
  --mode max|range     threshold relative to max, or to min..max
  --connectivity 8|4   pixel connectivity (default 8)
  --all-components     a box per connected component, not only the largest
  --rectify none|relu|positive_weights
  --interp bilinear|bicubic|nearest
  --ilsvrc             the paper's five ILSVRC guesses instead (top-3 classes)
  --threads N          threads (default: all cores)
  --gt CSV             ground truth (image,label,x0,y0,x1,y1; images matched by
                       file name): adds an iou column (best IoU with a true box
                       of the predicted class) and prints top-1 and GT-known
                       localization accuracy (IoU >= 0.5) to stderr
  -h, --help           this text
]]

local function script_dir()
  local src = debug.getinfo(1, "S").source
  return src:match("^@(.*/)") or "./"
end
package.cpath = package.cpath .. ";" .. script_dir() .. "../build/?.so"
local cam = require "cam"

local function die(msg, code)
  io.stderr:write("localize_folder: error: ", tostring(msg), "\n")
  os.exit(code or 1)
end

local pos = {}
local opt = { format = "csv", k = "1", threshold = "0.2", mode = "max", connectivity = "8",
  rectify = "none", interp = "bilinear", threads = "0" }
do
  local takes = { ["--format"] = "format", ["-o"] = "o", ["-k"] = "k", ["--threshold"] = "threshold",
    ["--mode"] = "mode", ["--connectivity"] = "connectivity", ["--rectify"] = "rectify",
    ["--interp"] = "interp", ["--threads"] = "threads", ["--gt"] = "gt" }
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
    elseif a == "--all-components" then
      opt.all = true
    elseif a == "--ilsvrc" then
      opt.ilsvrc = true
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
if opt.format ~= "csv" and opt.format ~= "json" then die("--format must be csv or json", 2) end
local k = math.tointeger(tonumber(opt.k))
if not k or k < 1 then die("-k must be a positive integer", 2) end
local thr = tonumber(opt.threshold)
if not thr or thr <= 0 or thr > 1 then die("--threshold must be in (0, 1]", 2) end
local conn = math.tointeger(tonumber(opt.connectivity))
if conn ~= 4 and conn ~= 8 then die("--connectivity must be 4 or 8", 2) end
local threads = math.tointeger(tonumber(opt.threads))
if not threads or threads < 0 then die("--threads must be a non-negative integer", 2) end

-- Folder listing: LuaFileSystem when installed, else ls(1).
local function list_folder(dir)
  local names = {}
  local ok, lfs = pcall(require, "lfs")
  if ok then
    local iok, it, state = pcall(lfs.dir, dir)
    if not iok then die(it) end
    for name in it, state do names[#names + 1] = name end
  else
    local attr = io.open(dir, "r")
    if not attr then die(dir .. ": no such folder") end
    attr:close()
    local p = io.popen("ls -1A -- '" .. dir:gsub("'", "'\\''") .. "'")
    for name in p:lines() do names[#names + 1] = name end
    p:close()
  end
  local images = {}
  for _, n in ipairs(names) do
    local ext = n:match("%.([%w]+)$")
    ext = ext and ext:lower()
    if ext == "jpg" or ext == "jpeg" or ext == "png" or ext == "bmp" or ext == "tga" or ext == "gif" or
        ext == "pnm" or ext == "ppm" or ext == "pgm" then
      images[#images + 1] = n
    end
  end
  table.sort(images)
  return images
end

local folder = pos[2]:gsub("/+$", "")
if folder == "" then folder = "/" end
local files = list_folder(folder)
if #files == 0 then die(folder .. ": no images") end

local net <close>, msg = cam.load(pos[1], { threads = threads })
if not net then die(msg) end

local out = io.stdout
if opt.o and opt.o ~= "-" then
  local err
  out, err = io.open(opt.o, "w")
  if not out then die(err) end
end

local function csv_field(s)
  s = tostring(s)
  if s:find('[,"\n]') then return '"' .. s:gsub('"', '""') .. '"' end
  return s
end
local function json_str(s)
  return '"' .. tostring(s):gsub('[%c"\\]', function(c) return string.format("\\u%04x", c:byte()) end) .. '"'
end
local function json_num(x)
  if x ~= x or x == math.huge or x == -math.huge then return "null" end
  return math.type(x) == "integer" and tostring(x) or string.format("%.6g", x)
end

-- ground truth: file name -> list of {label, box}
local gt
if opt.gt then
  gt = {}
  local fh, err = io.open(opt.gt)
  if not fh then die(err) end
  local first = true
  for line in fh:lines() do
    if not first or not line:match("^%s*image%s*,") then
      local img_path, label, x0, y0, x1, y1 = line:match("^([^,]+),(%-?%d+),(%-?%d+),(%-?%d+),(%-?%d+),(%-?%d+)")
      if img_path then
        local name = img_path:match("([^/]+)$")
        gt[name] = gt[name] or {}
        table.insert(gt[name], { label = tonumber(label), box = { tonumber(x0), tonumber(y0), tonumber(x1), tonumber(y1) } })
      elseif line:match("%S") then
        die(opt.gt .. ": cannot read line: " .. line)
      end
    end
    first = false
  end
  fh:close()
end
-- best IoU of box with a true box of class c (nil: no true box of that class)
local function best_iou(file, c, box)
  local best
  for _, g in ipairs(gt and gt[file] or {}) do
    if g.label == c then best = math.max(best or 0, box and cam.box_iou(box, g.box) or 0) end
  end
  return best
end
local n_gt, top1_hits, known_hits = 0, 0, 0

local box_opt = { threshold = thr, mode = opt.mode, connectivity = conn, max = opt.all and 1000 or 1 }
local n_boxes, n_failed = 0, 0
if opt.format == "csv" then
  out:write("image,label,x0,y0,x1,y1,score,prob,rank,name" .. (gt and ",iou" or "") .. "\n")
else
  out:write("[\n")
end
for fi, file in ipairs(files) do
  local path = folder .. "/" .. file
  local img, ierr = cam.load_image(path)
  local records = {}
  if not img then
    n_failed = n_failed + 1
    io.stderr:write("localize_folder: skipping ", ierr, "\n")
  else
    local top = opt.ilsvrc and math.max(k, 3) or k
    local maps, classes, scores, tf = net:cam(img, { top = top, rectify = opt.rectify, interp = opt.interp })
    if not maps then die(path .. ": " .. classes) end
    if gt and gt[file] then
      -- top-1: right class and IoU >= 0.5; GT-known: the true class's map's box
      n_gt = n_gt + 1
      local b1 = maps:slice(1):boxes(box_opt)[1]
      local iou1 = best_iou(file, classes[1], b1)
      if iou1 and iou1 >= 0.5 then top1_hits = top1_hits + 1 end
      local label = gt[file][1].label
      if label >= 0 and label < net:head().n_classes then
        local m = net:maps { classes = { label }, transform = tf, rectify = opt.rectify, interp = opt.interp }
        local bk = m:slice(1):boxes(box_opt)[1]
        local iouk = best_iou(file, label, bk)
        if iouk and iouk >= 0.5 then known_hits = known_hits + 1 end
      end
    end
    local probs = net:scores():softmax()
    local function prob(c) return probs:get(c + 1) end
    if opt.ilsvrc then
      local three = maps:narrow(1, 1, math.min(3, #classes))
      for _, b in ipairs(cam.boxes_ilsvrc(three, { mode = opt.mode, connectivity = conn })) do
        records[#records + 1] = { class = classes[b.rank], score = scores[b.rank], rank = b.rank, box = b }
      end
    else
      for r = 1, #classes do
        local boxes = maps:slice(r):boxes(box_opt)
        for _, b in ipairs(boxes) do
          records[#records + 1] = { class = classes[r], score = scores[r], rank = r, box = b }
        end
      end
    end
    for _, rec in ipairs(records) do
      rec.prob = prob(rec.class)
      rec.name = net:label(rec.class) or ""
    end
  end
  if opt.format == "csv" then
    for _, rec in ipairs(records) do
      local b = rec.box
      local row = { csv_field(file), rec.class, b.x0, b.y0, b.x1, b.y1,
        string.format("%.6g", rec.score), string.format("%.6g", rec.prob), rec.rank, csv_field(rec.name) }
      if gt then
        local iou = best_iou(file, rec.class, b)
        row[#row + 1] = iou and string.format("%.4f", iou) or ""
      end
      out:write(table.concat(row, ","), "\n")
      n_boxes = n_boxes + 1
    end
  else
    local bs = {}
    for _, rec in ipairs(records) do
      local b = rec.box
      local iou = gt and best_iou(file, rec.class, b)
      bs[#bs + 1] = string.format('{"label":%d,"name":%s,"score":%s,"prob":%s,"rank":%d,"box":[%d,%d,%d,%d],"pixels":%d%s}',
        rec.class, json_str(rec.name), json_num(rec.score), json_num(rec.prob), rec.rank, b.x0, b.y0, b.x1, b.y1,
        b.pixels, iou and (',"iou":' .. json_num(iou)) or "")
      n_boxes = n_boxes + 1
    end
    local w, h = 0, 0
    if img then w, h = img:size() end
    local errfield = img and "" or ',"error":' .. json_str(ierr)
    out:write(string.format('  {"image":%s,"width":%d,"height":%d,"boxes":[%s]%s}%s\n', json_str(file), w, h,
      table.concat(bs, ","), errfield, fi < #files and "," or ""))
  end
end
if opt.format == "json" then out:write("]\n") end
if out ~= io.stdout then out:close() end
io.stderr:write(string.format("localize_folder: %d images, %d boxes, %d skipped\n", #files - n_failed, n_boxes,
  n_failed))
if gt then
  io.stderr:write(string.format("localize_folder: %d images with ground truth: top-1 localization %.4f, " ..
    "GT-known localization %.4f (IoU >= 0.5)\n", n_gt, n_gt > 0 and top1_hits / n_gt or 0,
    n_gt > 0 and known_hits / n_gt or 0))
end
os.exit(n_failed == #files and 1 or 0)
