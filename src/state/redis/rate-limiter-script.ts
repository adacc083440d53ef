/**
 * The shared pacing state of every replica in one Redis hash, changed only by this script so each step
 * is atomic. It mirrors MemoryRateLimiter and TokenBucket (src/llm): RPM and TPM buckets refilled evenly
 * over a minute and taken on credit, the cool-down after a 429, and the quotas learned from response
 * headers. Times are the callers' clock milliseconds (replicas are expected to run NTP).
 *
 * Operations (ARGV[1]) and their arguments after `now` (ARGV[2]):
 * - acquire tokens rpmCap tpmCap -> minus the request's sequence number when it may go now (budgets
 *   taken), else ms to wait
 * - adjust delta tpmCap          -> gives back (delta > 0) or takes (delta < 0) tokens after the fact
 * - cooldown until               -> ms the shared cool-down was extended by this call
 * - observe (name limit remaining resetAt) twice, for 'requests' and 'tokens'; name '' = not reported,
 *   limit '' = unknown; then the reported request's sequence number ('' = unknown)
 *
 * A window the headers described that has ended starts a fresh one counted down from the limit, whose
 * end the next response reports, as in MemoryRateLimiter.
 */
export const rateLimiterScript = `
local key = KEYS[1]
local op = ARGV[1]
local now = tonumber(ARGV[2])
local period = 60000
local state = {}
local raw = redis.call('HGETALL', key)
for i = 1, #raw, 2 do state[raw[i]] = tonumber(raw[i + 1]) end

local function save()
  redis.call('DEL', key)
  local args = {}
  local keep = period * 2
  for field, value in pairs(state) do
    table.insert(args, field)
    table.insert(args, string.format('%.17g', value))
    if field == 'cooldown' or string.sub(field, -6) == ':reset' then
      keep = math.max(keep, value - now + period)
    end
  end
  if #args > 0 then
    redis.call('HSET', key, unpack(args))
    redis.call('PEXPIRE', key, math.ceil(keep))
  end
end

local function refill(name, cap)
  local level = state[name .. ':level']
  local at = state[name .. ':at']
  if level == nil or at == nil then
    level = cap
    at = now
  end
  level = math.min(cap, level + math.max(0, now - at) * cap / period)
  state[name .. ':level'] = level
  state[name .. ':at'] = now
  return level
end

local function bucketWait(name, cap, amount)
  if cap <= 0 then return 0 end
  local needed = math.min(amount, cap) - refill(name, cap)
  if needed <= 0 then return 0 end
  return math.ceil(needed * period / cap)
end

local function forget(name)
  state[name .. ':limit'] = nil
  state[name .. ':remaining'] = nil
  state[name .. ':reset'] = nil
  state[name .. ':fresh'] = nil
end

-- A window whose end is known waits for it. A fresh window (the last one ended, the next response
-- will tell when this one ends) counts down from the limit and, used up, is polled for a minute.
local function learnedWait(name, amount)
  local remaining = state[name .. ':remaining']
  if remaining == nil then return 0 end
  local reset = state[name .. ':reset']
  if reset ~= nil and now >= reset then return 0 end
  local limit = state[name .. ':limit']
  local needed = amount
  if limit ~= nil then needed = math.min(amount, limit) end
  if remaining >= needed then return 0 end
  if reset ~= nil then return reset - now end
  local fresh = state[name .. ':fresh']
  if fresh == nil or now - fresh > 60000 then return 0 end
  return 50
end

local function spend(name, amount)
  local reset = state[name .. ':reset']
  if reset ~= nil and now >= reset then
    local limit = state[name .. ':limit']
    if limit == nil then
      forget(name)
      return
    end
    state[name .. ':reset'] = nil
    state[name .. ':fresh'] = now
    state[name .. ':remaining'] = limit
  elseif reset == nil and state[name .. ':fresh'] == nil then
    return
  end
  state[name .. ':remaining'] = state[name .. ':remaining'] - amount
end

local function merge(name, limit, remaining, reset)
  local currentReset = state[name .. ':reset']
  local currentRemaining = state[name .. ':remaining']
  -- A slow response can describe a window that is already over, or older than the one we know.
  if reset <= now then return end
  if currentReset ~= nil and reset < currentReset - 1000 then return end
  if currentReset ~= nil and currentRemaining ~= nil and math.abs(reset - currentReset) < 1000 then
    if limit == nil then limit = state[name .. ':limit'] end
    remaining = math.min(currentRemaining, remaining)
    reset = math.max(currentReset, reset)
  end
  state[name .. ':limit'] = limit
  state[name .. ':remaining'] = remaining
  state[name .. ':reset'] = reset
  state[name .. ':fresh'] = nil
end

if op == 'acquire' then
  local tokens = tonumber(ARGV[3])
  local rpm = tonumber(ARGV[4])
  local tpm = tonumber(ARGV[5])
  local wait = 0
  if state['cooldown'] ~= nil then wait = state['cooldown'] - now end
  wait = math.max(wait, bucketWait('rpm', rpm, 1), bucketWait('tpm', tpm, tokens))
  wait = math.max(wait, learnedWait('requests', 1), learnedWait('tokens', tokens))
  if wait > 0 then return math.ceil(wait) end
  if rpm > 0 then state['rpm:level'] = state['rpm:level'] - 1 end
  if tpm > 0 then state['tpm:level'] = state['tpm:level'] - tokens end
  spend('requests', 1)
  spend('tokens', tokens)
  -- Every replica's requests in one sequence, so a report can be corrected for those sent after it.
  state['sent'] = (state['sent'] or 0) + 1
  save()
  return -state['sent']
elseif op == 'adjust' then
  local delta = tonumber(ARGV[3])
  local tpm = tonumber(ARGV[4])
  if tpm <= 0 or delta == 0 then return 0 end
  local level = refill('tpm', tpm)
  if delta > 0 then
    state['tpm:level'] = math.min(tpm, level + delta)
  else
    state['tpm:level'] = level + delta
  end
  save()
  return 0
elseif op == 'cooldown' then
  local untilMs = tonumber(ARGV[3])
  local current = state['cooldown'] or 0
  if untilMs <= current then return 0 end
  local added = untilMs - math.max(now, current)
  state['cooldown'] = untilMs
  -- A 429 says the learned window was wrong: it ends at the cool-down's end.
  for _, name in ipairs({'requests', 'tokens'}) do
    local reset = state[name .. ':reset']
    local fresh = state[name .. ':fresh'] ~= nil
    if (reset ~= nil and reset < untilMs) or (reset == nil and fresh) then
      state[name .. ':fresh'] = nil
      state[name .. ':reset'] = untilMs
      state[name .. ':remaining'] = math.min(state[name .. ':remaining'] or 0, 0)
    end
  end
  save()
  return math.ceil(math.max(0, added))
elseif op == 'observe' then
  -- ARGV[11]: the reported request's sequence; requests sent after it are not in the report yet.
  local sequence = tonumber(ARGV[11])
  local sentAfter = 0
  if sequence ~= nil then sentAfter = math.max(0, (state['sent'] or 0) - sequence) end
  for offset = 3, 7, 4 do
    if ARGV[offset + 0] ~= '' then
      local name = ARGV[offset + 0]
      local remaining = tonumber(ARGV[offset + 2])
      if name == 'requests' then remaining = remaining - sentAfter end
      merge(name, tonumber(ARGV[offset + 1]), remaining, tonumber(ARGV[offset + 3]))
    end
  end
  save()
  return 0
end
return redis.error_reply('unknown rate limiter operation ' .. tostring(op))
`;
