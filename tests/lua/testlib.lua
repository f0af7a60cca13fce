-- The harness shared by tests/lua/test_*.lua: one line per check, `ok NAME`
-- or `not ok NAME: why`, then `# N passed, N failed` and the exit status that
-- tests/run_tests.sh counts. Each test loads it relative to its own path:
--   package.path = (arg[0]:match("^(.*)/") or ".") .. "/?.lua;" .. package.path
--   local T = require "testlib"
local T = {}

local passed, failed = 0, 0

function T.check(name, ok, why)
  if ok then
    passed = passed + 1
    print("ok " .. name)
  else
    failed = failed + 1
    print("not ok " .. name .. ": " .. tostring(why or "check failed"))
  end
end

-- Runs f; a Lua error inside counts as a failure of that check. f returns
-- whether the check holds and, when it does not, why.
function T.test(name, f)
  local ok, res, why = pcall(f)
  if not ok then
    T.check(name, false, "raised: " .. tostring(res))
  else
    T.check(name, res, why)
  end
end

-- Expects f(...) to raise an error whose message contains pattern (plain text).
function T.raises(name, pattern, f, ...)
  local ok, err = pcall(f, ...)
  if ok then
    T.check(name, false, "did not raise")
  else
    T.check(name, tostring(err):find(pattern, 1, true) ~= nil, "message was: " .. tostring(err))
  end
end

-- Prints the summary and exits; closing the state makes every __gc run, so
-- leaks and double frees show under valgrind and the sanitizers.
function T.finish()
  print(string.format("# %d passed, %d failed", passed, failed))
  os.exit(failed == 0 and 0 or 1, true)
end

-- Largest absolute difference between two tensors of the same length.
function T.max_diff(a, b)
  local m = 0
  for i = 1, #a do m = math.max(m, math.abs(a:get(i) - b:get(i))) end
  return m
end

-- Whether a and b agree to tol (default 1e-6) relative to their size, or absolutely near 0.
function T.near(a, b, tol)
  return math.abs(a - b) <= (tol or 1e-6) * math.max(1, math.abs(a), math.abs(b))
end

-- Quotes s for the shell.
function T.q(s) return "'" .. tostring(s):gsub("'", "'\\''") .. "'" end

-- Runs a shell command; returns its stdout, whether it exited 0, and the exit code.
function T.run(cmd)
  local p = io.popen(cmd)
  local out = p:read("a")
  local ok, _, rc = p:close()
  return out, ok, rc
end

return T
