-- The Lua binding gives the C library's own results: compares with the
-- `cam` command-line tool (run, classify, map, features) on the same model
-- and images. The tool is built from the same cam.h, so outputs written as
-- .npy must be bit-identical; numbers printed as text agree to their digits.
-- Run: LUA_CPATH='build/?.so' CAM_BIN=build/cam lua5.4 tests/lua/test_parity.lua [MODEL [SAMPLES_DIR]]
local cam = require "cam"

local MODEL = arg[1] or "models/fmnist-gap.onnx"
local SAMPLES = arg[2] or "models/samples"
local CAM_BIN = os.getenv("CAM_BIN") or "build/cam"

package.path = (arg[0]:match("^(.*)/") or ".") .. "/?.lua;" .. package.path
local T = require "testlib"
local check, test, finish, q, run, max_diff = T.check, T.test, T.finish, T.q, T.run, T.max_diff
-- printed with %g (6 significant digits)
local function close6(printed, v) return math.abs(printed - v) <= 1e-5 * math.max(1, math.abs(v)) end

check("cam tool built", io.open(CAM_BIN) ~= nil, CAM_BIN .. " is missing")
local net, msg = cam.load(MODEL, { threads = 1 })
check("model loads", net ~= nil, msg)
local images = {}
do
  local p = io.popen("ls " .. q(SAMPLES) .. "/*.png 2>/dev/null")
  for f in p:lines() do images[#images + 1] = f end
  p:close()
end
check("samples present", #images >= 2, SAMPLES)
if not net or #images < 2 or not io.open(CAM_BIN) then finish() end
local head = assert(net:head())

local tmp = os.tmpname()
os.remove(tmp)
os.execute("mkdir -p " .. q(tmp))
-- RUN_PREFIX (valgrind, qemu) runs the tool the way the checking builds run programs
local BIN = (os.getenv("RUN_PREFIX") or "") .. " " .. q(CAM_BIN) .. " "
local M = q(MODEL) .. " "

test("forward equals cam run", function()
  local shape = net:inputs()[1].shape
  local x = cam.zeros(table.unpack(shape))
  for i = 1, #x do x:set(i, math.cos(i * 0.11)) end
  assert(x:save(tmp .. "/in.npy"))
  local outs = net:outputs()
  local ours = { net:forward(x) }
  local args = {}
  for i, o in ipairs(outs) do args[#args + 1] = string.format("--output %s=%s/out%d.npy", q(o.name), tmp, i) end
  local _, ok = run(BIN .. "run " .. M .. "--threads 1 --input " .. q(tmp .. "/in.npy") .. " " .. table.concat(args, " ")
    .. " 2>&1")
  if not ok then return false, "cam run failed" end
  for i = 1, #outs do
    local t, m = cam.load_npy(string.format("%s/out%d.npy", tmp, i))
    if not t then return false, m end
    if t ~= ours[i] then return false, outs[i].name .. " differs by " .. max_diff(t, ours[i]) end
  end
  return #outs >= 1
end)

test("classify equals cam classify", function()
  local out, ok = run(BIN .. "classify " .. M .. "--threads 1 --top 3 --json " .. q(images[1]) .. " " .. q(images[2]))
  if not ok then return false, "cam classify failed" end
  local n = 0
  for image, top in out:gmatch('"image":%s*"([^"]*)".-"top":%s*(%b[])') do
    n = n + 1
    local ours = assert(net:classify(assert(cam.load_image(image)), 3))
    local r = 0
    for class, prob, score in top:gmatch('"class":%s*(%d+).-"prob":%s*([-%deE.+]+).-"score":%s*([-%deE.+]+)') do
      r = r + 1
      local o = ours[r]
      if tonumber(class) ~= o.class or not close6(tonumber(prob), o.prob) or not close6(tonumber(score), o.score) then
        return false, string.format("%s rank %d: %s %s %s vs %d %g %g", image, r, class, prob, score, o.class, o.prob,
          o.score)
      end
    end
    if r ~= 3 then return false, image .. ": " .. r .. " classes parsed" end
  end
  return n == 2, n .. " images parsed from:\n" .. out
end)

test("maps and boxes equal cam map", function()
  local npy = tmp .. "/maps.npy"
  local out, ok = run(BIN .. "map " .. M .. "--threads 1 --top 3 --json --save-maps " .. q(npy) .. " " .. q(images[1]))
  if not ok then return false, "cam map failed" end
  local saved, m = cam.load_npy(npy)
  if not saved then return false, m end
  local img = assert(cam.load_image(images[1]))
  net:run(img)
  local maps, classes = net:maps { top = 3, target = "feature" }
  if saved:reshape(#saved) ~= maps:reshape(#maps) then
    return false, "raw maps differ by " .. max_diff(saved:reshape(#saved), maps:reshape(#maps))
  end
  local on_image = net:cam(img, { top = 3 })
  local r = 0
  for class, box in out:gmatch('"class":%s*(%d+).-"box":%s*(%b[])') do
    r = r + 1
    local b = on_image:slice(r):boxes()[1]
    local want = b and string.format("[%d, %d, %d, %d]", b.x0, b.y0, b.x1, b.y1) or "null"
    if tonumber(class) ~= classes[r] or box:gsub("%s", "") ~= want:gsub("%s", "") then
      return false, string.format("rank %d: class %s box %s vs %d %s", r, class, box, classes[r], want)
    end
  end
  return r == 3, r .. " classes parsed"
end)

test("features equal cam features", function()
  local list = tmp .. "/list.txt"
  local fh = io.open(list, "w")
  local abs = {}
  for i = 1, math.min(#images, 4) do
    abs[i] = images[i]:sub(1, 1) == "/" and images[i] or (os.getenv("PWD") .. "/" .. images[i])
    fh:write(abs[i], "\n")
  end
  fh:close()
  local npy = tmp .. "/feat.npy"
  local _, ok = run(BIN .. "features " .. M .. "--threads 1 --format npy --batch 2 --out " .. q(npy) .. " " .. q(list)
    .. " 2>&1")
  if not ok then return false, "cam features failed" end
  local theirs, m = cam.load_npy(npy)
  if not theirs then return false, m end
  local imgs = {}
  for i = 1, #abs do imgs[i] = assert(cam.load_image(abs[i])) end
  net:run(imgs)
  local ours = net:features()
  return theirs == ours and ours:shape()[2] == head.n_channels, "differ by " .. max_diff(theirs, ours)
end)

-- examples/localize_folder.lua --gt scores a folder as `cam eval` does:
-- top-1 localization (right class, IoU >= 0.5) and GT-known localization.
-- Uses 80 images of the generated test split when it is there (make
-- models-data), else the samples.
test("localize_folder --gt equals cam eval", function()
  local src = io.open("models/data/test.csv") and "models/data/test.csv" or (SAMPLES .. "/samples.csv")
  local srcdir = src:match("^(.*)/")
  local dir = tmp .. "/gt"
  os.execute("mkdir -p " .. q(dir))
  local csv = io.open(dir .. "/gt.csv", "w")
  csv:write("image,label,x0,y0,x1,y1\n")
  local seen, n, first = {}, 0, true
  for line in io.lines(src) do
    if not first then
      local img, rest = line:match("^([^,]+),(.*)$")
      local name = img and img:match("([^/]+)$")
      if name and (seen[name] or n < 80) then
        if not seen[name] then
          n = n + 1
          seen[name] = true
          os.execute("ln -sf " .. q(os.getenv("PWD") .. "/" .. srcdir .. "/" .. img) .. " " .. q(dir .. "/" .. name))
        end
        csv:write(name, ",", rest, "\n")
      end
    end
    first = false
  end
  csv:close()
  local js, ok = run(BIN .. "eval " .. M .. "--threads 1 --quiet --json " .. q(dir .. "/gt.csv"))
  if not ok then return false, "cam eval failed" end
  local top1_loc = tonumber(js:match('"top1_loc":%s*([-%d.eE+]+)'))
  local known = tonumber(js:match('"gt_known_loc":%s*([-%d.eE+]+)'))
  local lua_cmd = string.format("%s %s examples/localize_folder.lua %s %s --threads 1 --gt %s 2>&1 >/dev/null",
    os.getenv("RUN_PREFIX") or "", os.getenv("LUA") or "lua5.4", q(MODEL), q(dir), q(dir .. "/gt.csv"))
  local err = run(lua_cmd)
  local a, b = err:match("top%-1 localization ([%d.]+), GT%-known localization ([%d.]+)")
  if not a or not top1_loc then return false, "no numbers in:\n" .. err .. "\n" .. js end
  print(string.format("# localize_folder --gt: top-1 loc %s, GT-known %s on %d images", a, b, n))
  return math.abs(tonumber(a) - (1 - top1_loc)) < 1e-4 and math.abs(tonumber(b) - known) < 1e-4,
      string.format("lua %s %s vs cam eval %.4f %.4f (%d images)", a, b, 1 - top1_loc, known, n)
end)

os.execute("rm -rf " .. q(tmp))
net:close()
finish()
