--- Where an edit put new text: the region of a buffer's new lines that differs from its old
--- lines. Pure functions (no buffer, no LSP), so the headless tests can check them directly.
local M = {}

--- Byte length of the common prefix of `a` and `b`, backed off to a UTF-8 character start.
---@param a string
---@param b string
---@return integer
function M.common_prefix(a, b)
  local n = math.min(#a, #b)
  local i = 0
  while i < n and a:byte(i + 1) == b:byte(i + 1) do
    i = i + 1
  end
  -- Do not split a multi-byte character: back off over continuation bytes.
  while i > 0 and i < #b do
    local c = b:byte(i + 1)
    if c < 0x80 or c >= 0xC0 then
      break
    end
    i = i - 1
  end
  return i
end

--- Byte length of the common suffix of `a` and `b`, at most `limit`, on a character start.
---@param a string
---@param b string
---@param limit integer
---@return integer
function M.common_suffix(a, b, limit)
  local n = math.min(#a, #b, limit)
  local i = 0
  while i < n and a:byte(#a - i) == b:byte(#b - i) do
    i = i + 1
  end
  -- The suffix must start on a character start in `b`.
  while i > 0 do
    local c = b:byte(#b - i + 1)
    if c < 0x80 or c >= 0xC0 then
      break
    end
    i = i - 1
  end
  return i
end

---@class tracemark.Region
---@field start_row integer 0-based
---@field start_col integer 0-based byte column
---@field end_row integer 0-based
---@field end_col integer 0-based byte column, exclusive

--- The region of `new` (a list of lines) that is not in `old`: where the edit's new text is.
--- Returns nil when nothing was added (no change, or only deletions).
---@param old string[]
---@param new string[]
---@return tracemark.Region?
function M.inserted(old, new)
  local n_old, n_new = #old, #new
  local top = 1
  while top <= n_old and top <= n_new and old[top] == new[top] do
    top = top + 1
  end
  if top > n_old and top > n_new then
    return nil
  end
  -- Equal lines at the bottom, not overlapping the top ones.
  local k = 0
  while k < n_old - top + 1 and k < n_new - top + 1 and old[n_old - k] == new[n_new - k] do
    k = k + 1
  end
  local new_last, old_last = n_new - k, n_old - k
  if new_last < top then
    return nil -- only lines removed
  end
  local old_first_line = old[top] or ''
  local new_first_line = new[top]
  local start_col = 0
  if top <= old_last then
    start_col = M.common_prefix(old_first_line, new_first_line)
  end
  local end_line = new[new_last]
  local end_col = #end_line
  if old_last >= top then
    local old_end_line = old[old_last]
    -- What stays of the last line after the change, not counting the common prefix.
    local limit_new = new_last == top and (#end_line - start_col) or #end_line
    local limit_old = old_last == top and (#old_end_line - start_col) or #old_end_line
    end_col = #end_line - M.common_suffix(old_end_line, end_line, math.min(limit_new, limit_old))
  end
  if new_last == top and end_col <= start_col then
    return nil -- a deletion inside one line
  end
  if old_last < top and new_last < n_new then
    -- Whole lines were inserted: the region ends with their last line break.
    return { start_row = top - 1, start_col = 0, end_row = new_last, end_col = 0 }
  end
  return { start_row = top - 1, start_col = start_col, end_row = new_last - 1, end_col = end_col }
end

return M
