-- svm_features.lua - GAP features of a labelled image list in libsvm format,
-- ready for liblinear's `train` (the paper's generic localization, section 4:
-- a linear SVM on the GAP layer's output).
--
--   LUA_CPATH='build/?.so' lua5.4 examples/svm_features.lua MODEL LIST [OUT] [options]
--   train -s 2 OUT model.svm
local USAGE = [[
usage: lua5.4 examples/svm_features.lua MODEL LIST [OUT] [options]

Writes one libsvm line per image: "LABEL 1:f1 2:f2 ..." where f are the
pooled features of the model's CAM feature tensor (the GAP layer's output).
Zero features are left out (sparse format). Progress goes to stderr.

  MODEL          ONNX model with a CAM head (e.g. models/fmnist-gap.onnx)
  LIST           labelled image list, one image per line, either
                   "path label" / "path,label" (paths relative to the list), or
                   a localization CSV with header image,label,x0,y0,x1,y1
                   (one line per image is written, boxes are ignored)
  OUT            output file (default: stdout)

options:
  --pool avg|max   pooling of the feature maps (default avg = GAP)
  --batch N        images per forward pass (default 8)
  --threads N      threads (default: all cores)
  --labels FILE    write the label-name -> number mapping here when labels
                   are names (default: stderr)
  -h, --help       this text
]]

local function script_dir()
  local src = debug.getinfo(1, "S").source
  return src:match("^@(.*/)") or "./"
end
-- LUA_CPATH wins; the repository's build folder is only a fallback.
package.cpath = package.cpath .. ";" .. script_dir() .. "../build/?.so"
local cam = require "cam"

local function die(msg, code)
  io.stderr:write("svm_features: error: ", msg, "\n")
  os.exit(code or 1)
end

-- arguments
local pos, opt = {}, { pool = "avg", batch = 8, threads = 0 }
do
  local i = 1
  while i <= #arg do
    local a = arg[i]
    if a == "-h" or a == "--help" then
      io.stdout:write(USAGE)
      os.exit(0)
    elseif a == "--pool" or a == "--batch" or a == "--threads" or a == "--labels" then
      i = i + 1
      if not arg[i] then die(a .. " needs a value", 2) end
      opt[a:sub(3)] = arg[i]
    elseif a:sub(1, 1) == "-" and a ~= "-" then
      die("unknown option " .. a .. " (try --help)", 2)
    else
      pos[#pos + 1] = a
    end
    i = i + 1
  end
end
if #pos < 2 or #pos > 3 then
  io.stderr:write(USAGE)
  os.exit(2)
end
if opt.pool ~= "avg" and opt.pool ~= "max" then die("--pool must be avg or max", 2) end
local batch = math.tointeger(tonumber(opt.batch))
if not batch or batch < 1 then die("--batch must be a positive integer", 2) end
local threads = math.tointeger(tonumber(opt.threads))
if not threads or threads < 0 then die("--threads must be a non-negative integer", 2) end

-- the list
local function read_list(path)
  local f, err = io.open(path, "r")
  if not f then die(err) end
  local dir = path:match("^(.*/)") or ""
  local items, seen, first = {}, {}, true
  local csv = false
  for line in f:lines() do
    line = line:gsub("\r$", "")
    if first and line:match("^%s*image%s*,%s*label") then
      csv = true
    elseif line:match("%S") and not line:match("^%s*#") then
      local p, label
      if csv then
        p, label = line:match("^%s*([^,]-)%s*,%s*([^,]-)%s*,")
        if not p then p, label = line:match("^%s*([^,]-)%s*,%s*([^,]-)%s*$") end
      else
        p, label = line:match("^%s*(.-)%s*[,%s]%s*([^,%s]+)%s*$")
      end
      if not p or p == "" then die(path .. ": cannot read line: " .. line) end
      if not p:match("^/") then p = dir .. p end
      -- a localization CSV has one row per box: one feature line per image
      if not (csv and seen[p]) then
        seen[p] = true
        items[#items + 1] = { path = p, label = label }
      end
    end
    first = false
  end
  f:close()
  return items
end

local items = read_list(pos[2])
if #items == 0 then die(pos[2] .. ": no images listed") end

local net, msg = cam.load(pos[1], { threads = threads })
if not net then die(msg) end
local head, hmsg = net:head()
if not head then die(pos[1] .. ": " .. hmsg) end

-- Labels: integers stay; names become the class id the model gives them
-- (cam.labels), else numbers in order of first appearance.
local label_ids, next_id, named = {}, 0, false
do
  local names = net:labels() or {}
  local by_name = {}
  for i, n in ipairs(names) do by_name[n] = i - 1 end
  for _, it in ipairs(items) do
    local n = math.tointeger(tonumber(it.label))
    if n then
      it.id = n
    else
      named = true
      if not label_ids[it.label] then
        label_ids[it.label] = by_name[it.label] or next_id
        next_id = math.max(next_id, label_ids[it.label]) + 1
      end
      it.id = label_ids[it.label]
    end
  end
end
if named then
  local lf = io.stderr
  if opt.labels then
    lf = io.open(opt.labels, "w") or die("cannot write " .. opt.labels)
  end
  local keys = {}
  for k in pairs(label_ids) do keys[#keys + 1] = k end
  table.sort(keys, function(a, b) return label_ids[a] < label_ids[b] end)
  for _, k in ipairs(keys) do lf:write(label_ids[k], "\t", k, "\n") end
  if lf ~= io.stderr then lf:close() end
end

local out = io.stdout
if pos[3] and pos[3] ~= "-" then
  local err
  out, err = io.open(pos[3], "w")
  if not out then die(err) end
end

local failed, done, t0 = 0, 0, os.clock()
local i = 1
while i <= #items do
  local imgs, its = {}, {}
  for j = i, math.min(i + batch - 1, #items) do
    local img, m = cam.load_image(items[j].path)
    if img then
      imgs[#imgs + 1] = img
      its[#its + 1] = items[j]
    else
      failed = failed + 1
      io.stderr:write("\nsvm_features: skipping ", m, "\n")
    end
  end
  if #imgs > 0 then
    local ok, m = net:run(imgs)
    if not ok then die(m) end
    local f = net:features(opt.pool)
    local k = f:dims()
    for b = 1, #its do
      local row = f:slice(b):flat()
      local parts = { tostring(its[b].id) }
      for c = 1, #row do
        if row[c] ~= 0 then parts[#parts + 1] = string.format("%d:%.8g", c, row[c]) end
      end
      out:write(table.concat(parts, " "), "\n")
    end
    done = done + #its
    assert(k == #its)
  end
  i = i + batch
  io.stderr:write(string.format("\r[%d/%d] %s", math.min(i - 1, #items), #items,
    (items[math.min(i - 1, #items)].path):sub(-50)))
end
io.stderr:write(string.format("\nsvm_features: %d images, %d features each, %d skipped, %.1f s\n",
  done, head.n_channels, failed, os.clock() - t0))
if out ~= io.stdout then out:close() end
net:close()
os.exit(failed > 0 and done == 0 and 1 or 0)
