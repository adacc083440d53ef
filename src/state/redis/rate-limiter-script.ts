/**
 * The shared pacing state of every replica in one Redis hash, changed only by this script so each step
 * is atomic. It mirrors LocalBudget, TokenBucket and LearnedBucket (src/llm): RPM and TPM buckets
 * refilled evenly over a minute and taken on credit, the cool-down after a 429, and the request and
 * token buckets learned from response headers (refilled continuously at a learned rate, full again at
 * the reported reset). Times are the callers' clock milliseconds (replicas are expected to run NTP).
 *
 * Operations (ARGV[1]) and their arguments after `now` (ARGV[2]):
 * - acquire tokens rpmCap tpmCap reserve -> minus the request's sequence number when it may go now
 *   (budgets taken) leaving `reserve` requests for others, else ms to wait
 * - adjust delta tpmCap          -> gives back (delta > 0) or takes (delta < 0) tokens after the fact
 * - cooldown until               -> ms the shared cool-down was extended by this call
 * - observe (name limit remaining resetAt) twice, for 'requests' and 'tokens'; name '' = not reported,
 *   limit '' = unknown; then the reported request's sequence number and the ms from its grant to its
 *   headers ('' = unknown)
 */
export const rateLimiterScript = `
local key = KEYS[1]
local op = ARGV[1]
local now = tonumber(ARGV[2])
local period = 60000
local defaultPeriod = 60000
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
    if field == 'cooldown' or string.sub(field, -5) == ':full' or string.sub(field, -6) == ':probe' then
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

-- Learned buckets (as LearnedBucket): fields cap (absent = unknown), level (absent = no bucket; a
-- huge number = unknown after a reset), at, period, periodAt, full, taken, seq.
local unknown = 1e300
local function get(name, field) return state[name .. ':' .. field] end
local function set(name, field, value) state[name .. ':' .. field] = value end
local function periodOf(name) return get(name, 'period') or defaultPeriod end

local function learnedRefill(name)
  local level = get(name, 'level')
  if level == nil then return false end
  local cap = get(name, 'cap')
  if cap ~= nil then
    level = math.min(cap, level + math.max(0, now - get(name, 'at')) * cap / periodOf(name))
  end
  set(name, 'at', now)
  local probe = get(name, 'probe')
  if probe ~= nil and now >= probe then
    level = math.max(level, 1)
    set(name, 'probe', nil)
  end
  local full = get(name, 'full')
  if full ~= nil and now >= full then
    local size = cap or unknown
    level = math.max(level, size - (get(name, 'taken') or 0), 1)
    set(name, 'full', nil)
    set(name, 'taken', 0)
  end
  set(name, 'level', level)
  return true
end

local function learnedTime(name, amount)
  local missing = amount - get(name, 'level')
  if missing <= 0 then return 0 end
  local cap = get(name, 'cap')
  local full = get(name, 'full')
  if cap == nil then
    if full == nil then return 0 end
    return math.max(0, full - now)
  end
  local p = periodOf(name)
  local wait = math.ceil(missing * p / math.max(1, cap))
  if full ~= nil then
    local after = math.max(0, amount - math.max(1, cap - (get(name, 'taken') or 0)))
    wait = math.min(wait, full - now + math.ceil(after * p / math.max(1, cap)))
  end
  local probe = get(name, 'probe')
  if probe ~= nil and amount <= 1 then wait = math.min(wait, probe - now) end
  return math.max(0, wait)
end

local function learnedWait(name, amount)
  if not learnedRefill(name) then return 0 end
  local cap = get(name, 'cap')
  if cap ~= nil then amount = math.min(amount, cap) end
  return learnedTime(name, amount)
end

local function learnedTake(name, amount)
  if not learnedRefill(name) then return end
  set(name, 'level', get(name, 'level') - amount)
  set(name, 'taken', (get(name, 'taken') or 0) + amount)
end

-- A 429: nothing is left now, and reports of requests sent before it may only lower the count;
-- when the server says to come back (requests only), one request may go.
local function exhaust(name, retryAt)
  if not learnedRefill(name) then return end
  set(name, 'level', math.min(get(name, 'level'), 0))
  if retryAt ~= nil then set(name, 'probe', math.max(get(name, 'probe') or retryAt, retryAt)) end
  local sent = state['sent'] or 0
  set(name, 'seq', math.max(get(name, 'seq') or sent, sent))
end

-- A reset tells the rate only when it is long against the wait for the headers, which blurs it.
local function learnPeriod(name, limit, remaining, reset, delay)
  local cap = limit or get(name, 'cap')
  if cap == nil then return end
  local used = cap - remaining
  local resetMs = reset - now
  if used < 1 or resetMs <= 0 then return end
  local minReset = 1000
  if delay ~= nil then minReset = math.max(1, delay) * 10 end
  if resetMs < minReset then return end
  local observed = cap * resetMs / used
  local remembered = 0
  local current = get(name, 'period')
  if current ~= nil then remembered = current * math.exp(-(now - get(name, 'periodAt')) / 600000) end
  set(name, 'period', math.max(observed, remembered))
  set(name, 'periodAt', now)
end

local function observe(name, limit, remaining, reset, sentAfter, sequence, delay)
  -- The reset has surely passed half the header delay after the report's time (as LearnedBucket).
  local fullAt = reset + (delay or 0) / 2
  if get(name, 'level') == nil then
    set(name, 'cap', limit)
    set(name, 'level', remaining - sentAfter)
    set(name, 'at', now)
    learnPeriod(name, limit, remaining, reset, delay)
    set(name, 'full', fullAt)
    set(name, 'taken', sentAfter)
    set(name, 'seq', sequence)
    return
  end
  learnedRefill(name)
  if limit ~= nil then set(name, 'cap', limit) end
  learnPeriod(name, limit, remaining, reset, delay)
  -- A slow response can describe a moment whose bucket has been full again since.
  if reset <= now then return end
  local reported = remaining - sentAfter
  local last = get(name, 'seq')
  local newer = sequence ~= nil and (last == nil or sequence > last)
  if not newer and reported >= get(name, 'level') then return end
  if sequence ~= nil then set(name, 'seq', math.max(last or sequence, sequence)) end
  set(name, 'level', reported)
  set(name, 'full', fullAt)
  set(name, 'taken', sentAfter)
end

if op == 'acquire' then
  local tokens = tonumber(ARGV[3])
  local rpm = tonumber(ARGV[4])
  local tpm = tonumber(ARGV[5])
  local reserve = tonumber(ARGV[6]) or 0
  local wait = 0
  if state['cooldown'] ~= nil then wait = state['cooldown'] - now end
  wait = math.max(wait, bucketWait('rpm', rpm, 1 + reserve), bucketWait('tpm', tpm, tokens))
  wait = math.max(wait, learnedWait('requests', 1 + reserve), learnedWait('tokens', tokens))
  if wait > 0 then return math.ceil(wait) end
  if rpm > 0 then state['rpm:level'] = state['rpm:level'] - 1 end
  if tpm > 0 then state['tpm:level'] = state['tpm:level'] - tokens end
  learnedTake('requests', 1)
  learnedTake('tokens', tokens)
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
  -- A 429 says the counts were wrong: nothing is left until the buckets refill.
  exhaust('requests', untilMs)
  exhaust('tokens', nil)
  local current = state['cooldown'] or 0
  local added = 0
  if untilMs > current then
    added = untilMs - math.max(now, current)
    state['cooldown'] = untilMs
  end
  save()
  return math.ceil(math.max(0, added))
elseif op == 'observe' then
  -- ARGV[11]: the reported request's sequence; requests sent after it are not in the report yet.
  -- ARGV[12]: ms from its grant to its headers ('' = unknown).
  local sequence = tonumber(ARGV[11])
  local delay = tonumber(ARGV[12])
  local sentAfter = 0
  if sequence ~= nil then sentAfter = math.max(0, (state['sent'] or 0) - sequence) end
  for offset = 3, 7, 4 do
    if ARGV[offset + 0] ~= '' then
      local name = ARGV[offset + 0]
      local remaining = tonumber(ARGV[offset + 2])
      local after = 0
      if name == 'requests' then after = sentAfter end
      observe(name, tonumber(ARGV[offset + 1]), remaining, tonumber(ARGV[offset + 3]), after, sequence, delay)
    end
  end
  save()
  return 0
end
return redis.error_reply('unknown rate limiter operation ' .. tostring(op))
`;
