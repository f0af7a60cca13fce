-- Runs each example pipeline in examples/*.lua on the shipped model and the
-- sample images and checks its output against the same computation done here
-- through the module.
-- Run: LUA_CPATH='build/?.so' lua5.4 tests/lua/test_examples.lua [MODEL [SAMPLES_DIR]]
local cam = require "cam"

local MODEL = arg[1] or "models/fmnist-gap.onnx"
local SAMPLES = arg[2] or "models/samples"
-- RUN_PREFIX (valgrind) runs the example scripts' interpreter too
local LUA = (os.getenv("RUN_PREFIX") or "") .. " " .. (os.getenv("LUA") or "lua5.4")

package.path = (arg[0]:match("^(.*)/") or ".") .. "/?.lua;" .. package.path
local T = require "testlib"
local check, test, finish, q, run = T.check, T.test, T.finish, T.q, T.run

-- Whether text parses as JSON (by Python's json module when it is there).
local function json_ok(text)
  local f = os.tmpname()
  local fh = io.open(f, "w")
  fh:write(text)
  fh:close()
  local ok = os.execute("env -u LD_PRELOAD /usr/bin/python3 -c 'import json,sys; json.load(open(sys.argv[1]))' " .. q(f) ..
    " 2>/dev/null")
  local have = os.execute("test -x /usr/bin/python3")
  os.remove(f)
  return ok or not have
end

local tmp = os.tmpname()
os.remove(tmp)
os.execute("mkdir -p " .. q(tmp))

local net = cam.load(MODEL, { threads = 1 })
check("model loads", net ~= nil, MODEL)
local images = {}
do
  local p = io.popen("ls " .. q(SAMPLES) .. " 2>/dev/null")
  for f in p:lines() do if f:match("%.png$") then images[#images + 1] = f end end
  p:close()
end
check("samples present", #images >= 2, SAMPLES)
if not net or #images < 2 then finish() end
local head = assert(net:head())

for _, ex in ipairs { "svm_features", "compare_maps", "localize_folder" } do
  test(ex .. " --help", function()
    local out, ok = run(LUA .. " examples/" .. ex .. ".lua --help")
    return ok and out:find("usage:", 1, true), out
  end)
  test(ex .. " bad option exits 2", function()
    local _, ok, rc = run(LUA .. " examples/" .. ex .. ".lua --no-such-option 2>/dev/null")
    return not ok and rc == 2, "exit " .. tostring(rc)
  end)
end

-- svm_features: one libsvm line per image of the sample CSV
local csv = SAMPLES .. "/samples.csv"
if io.open(csv) then
  local svm = tmp .. "/features.svm"
  local _, ok = run(string.format("%s examples/svm_features.lua %s %s %s --batch 3 2>%s/svm.err", LUA, q(MODEL),
    q(csv), q(svm), q(tmp)))
  check("svm_features runs", ok, "see " .. tmp .. "/svm.err")
  test("svm_features output", function()
    -- expected: labels and GAP features of each listed image, in order
    local rows, seen = {}, {}
    local first = true
    for line in io.lines(csv) do
      if not first and line:match("%S") then
        local p, label = line:match("^([^,]+),([^,]+)")
        if not seen[p] then
          seen[p] = true
          rows[#rows + 1] = { path = SAMPLES .. "/" .. p, label = tonumber(label) }
        end
      end
      first = false
    end
    local i = 0
    for line in io.lines(svm) do
      i = i + 1
      local r = rows[i]
      if not r then return false, "more lines than images" end
      local label = tonumber(line:match("^(%S+)"))
      if label ~= r.label then return false, "line " .. i .. " label " .. tostring(label) end
      net:run(assert(cam.load_image(r.path)))
      local f = net:features()
      local last = 0
      for idx, v in line:gmatch("(%d+):(%S+)") do
        idx, v = tonumber(idx), tonumber(v)
        if idx <= last or idx > head.n_channels then return false, "bad index " .. idx end
        if math.abs(f:get(1, idx) - v) > 1e-6 * math.max(1, math.abs(v)) then
          return false, string.format("line %d feature %d: %g vs %g", i, idx, v, f:get(1, idx))
        end
        last = idx
      end
    end
    return i == #rows, i .. " lines for " .. #rows .. " images"
  end)
  if os.execute("command -v liblinear-train >/dev/null 2>&1 || command -v train >/dev/null 2>&1") then
    test("liblinear accepts the features", function()
      local bin = os.execute("command -v liblinear-train >/dev/null 2>&1") and "liblinear-train" or "train"
      local _, ok = run(string.format("env -u LD_PRELOAD %s -s 2 -q %s %s/m.model 2>&1", bin, q(svm), q(tmp)))
      return ok and io.open(tmp .. "/m.model") ~= nil
    end)
  end
else
  check("samples.csv present", false, csv)
end

-- compare_maps: picture and table of pairwise correlation and IoU
do
  local image = SAMPLES .. "/" .. images[1]
  local png = tmp .. "/cmp.png"
  local out, ok = run(string.format("%s examples/compare_maps.lua %s %s -k 3 -o %s 2>/dev/null", LUA, q(MODEL),
    q(image), q(png)))
  check("compare_maps runs", ok, out)
  test("compare_maps table", function()
    local maps, classes = net:cam(assert(cam.load_image(image)), { top = 3 })
    local body = out:match("pearson[^\n]*\n(.*)$") or ""
    local rows = {}
    for line in body:gmatch("[^\n]+") do
      local corr, iou = line:match("%s(%-?[%d.]+)%s+([%d.]+)%s*$")
      if corr then rows[#rows + 1] = { tonumber(corr), tonumber(iou) } end
    end
    local want = { { 1, 2 }, { 1, 3 }, { 2, 3 } }
    for i, r in ipairs(rows) do
      local a, b = want[i][1], want[i][2]
      local rc, ri = maps:slice(a):corr(maps:slice(b)), maps:slice(a):iou(maps:slice(b), 0.2)
      if math.abs(r[1] - rc) > 1e-3 or math.abs(r[2] - ri) > 1e-3 then
        return false, string.format("pair %d/%d: %.3f %.3f vs %.3f %.3f", classes[a], classes[b], r[1], r[2], rc, ri)
      end
    end
    return #rows == 3, "found " .. #rows .. " pair rows in:\n" .. out
  end)
  test("compare_maps picture", function()
    local pic, m = cam.load_image(png)
    if not pic then return false, m end
    local w, h = pic:size()
    return w >= 224 and h >= 224, w .. "x" .. h
  end)
  test("compare_maps json and boxes", function()
    local js, ok2 = run(string.format("%s examples/compare_maps.lua %s %s -k 2 --json --boxes -o %s 2>/dev/null", LUA,
      q(MODEL), q(image), q(tmp .. "/cmp2.png")))
    return ok2 and js:match('^{"image":') and select(2, js:gsub('"corr":', "")) == 1 and io.open(tmp .. "/cmp2.png")
        and json_ok(js), js
  end)
end

-- localize_folder: CSV and JSON boxes for every image of the folder
do
  local out, ok = run(string.format("%s examples/localize_folder.lua %s %s 2>/dev/null", LUA, q(MODEL), q(SAMPLES)))
  check("localize_folder runs", ok, out)
  test("localize_folder csv", function()
    local lines = {}
    for l in out:gmatch("[^\n]+") do lines[#lines + 1] = l end
    if lines[1] ~= "image,label,x0,y0,x1,y1,score,prob,rank,name" then return false, "header " .. tostring(lines[1]) end
    if #lines - 1 > #images then return false, "too many rows" end
    for i = 2, #lines do
      local file, label, x0, y0, x1, y1 = lines[i]:match("^([^,]+),(%d+),(%d+),(%d+),(%d+),(%d+),")
      if not file then return false, "bad row " .. lines[i] end
      local maps, classes = net:cam(assert(cam.load_image(SAMPLES .. "/" .. file)), { top = 1 })
      local b = maps:slice(1):boxes()[1]
      if tonumber(label) ~= classes[1] or not b or b.x0 ~= tonumber(x0) or b.y0 ~= tonumber(y0) or
          b.x1 ~= tonumber(x1) or b.y1 ~= tonumber(y1) then
        return false, "row differs: " .. lines[i]
      end
    end
    return #lines >= 2
  end)
  test("localize_folder json", function()
    local js, ok2 = run(string.format("%s examples/localize_folder.lua %s %s --format json -k 2 2>/dev/null", LUA,
      q(MODEL), q(SAMPLES)))
    local n = select(2, js:gsub('"image":', ""))
    return ok2 and js:match("^%[") and js:match("%]%s*$") and n == #images and json_ok(js), n .. " images in JSON"
  end)
  test("localize_folder ilsvrc", function()
    local o, ok3 = run(string.format("%s examples/localize_folder.lua %s %s --ilsvrc 2>/dev/null", LUA, q(MODEL),
      q(SAMPLES)))
    local rows = select(2, o:gsub("\n", "")) - 1
    return ok3 and rows >= #images and rows <= 5 * #images, rows .. " rows"
  end)
  test("localize_folder missing folder", function()
    local _, ok4 = run(string.format("%s examples/localize_folder.lua %s /nonexistent 2>/dev/null", LUA, q(MODEL)))
    return not ok4
  end)
end

os.execute("rm -rf " .. q(tmp))
net:close()
finish()
