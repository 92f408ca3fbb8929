--- AI spans from the server's `tracemark/spans` notifications: kept per buffer, shown as signs
--- (extmarks in the sign column), summed up for status lines ("AI 23%").
local M = {}

local api = vim.api
M.ns = api.nvim_create_namespace('tracemark')

---@class tracemark.Span
---@field range lsp.Range
---@field kind string "ai" | "ai-modified"
---@field tool string?
---@field model string?
---@field confidence string?

---@class tracemark.BufSpans
---@field version integer?
---@field spans tracemark.Span[]

---@type table<integer, tracemark.BufSpans>
M.by_buf = {}

M.signs = { ai = '▍', modified = '▍' }

function M.define_highlights()
  api.nvim_set_hl(0, 'TracemarkAI', { default = true, link = 'DiagnosticHint' })
  api.nvim_set_hl(0, 'TracemarkAIModified', { default = true, link = 'DiagnosticWarn' })
end

--- The 0-based rows a span covers (an end at column 0 does not take in that line).
---@param range lsp.Range
---@return integer first, integer last
function M.rows(range)
  local first, last = range.start.line, range['end'].line
  if range['end'].character == 0 and last > first then
    last = last - 1
  end
  return first, last
end

--- One sign per AI line; an edited AI line (`ai-modified`) wins over a plain one.
---@param spans tracemark.Span[]
---@param line_count integer
---@return table<integer, string> row -> kind
function M.line_kinds(spans, line_count)
  local out = {}
  for _, s in ipairs(spans) do
    local first, last = M.rows(s.range)
    for row = first, math.min(last, line_count - 1) do
      if out[row] ~= 'ai-modified' then
        out[row] = s.kind
      end
    end
  end
  return out
end

---@param bufnr integer
function M.render(bufnr)
  if not api.nvim_buf_is_valid(bufnr) then
    return
  end
  api.nvim_buf_clear_namespace(bufnr, M.ns, 0, -1)
  local state = M.by_buf[bufnr]
  if not state then
    return
  end
  local kinds = M.line_kinds(state.spans, api.nvim_buf_line_count(bufnr))
  for row, kind in pairs(kinds) do
    local modified = kind == 'ai-modified'
    pcall(api.nvim_buf_set_extmark, bufnr, M.ns, row, 0, {
      sign_text = modified and M.signs.modified or M.signs.ai,
      sign_hl_group = modified and 'TracemarkAIModified' or 'TracemarkAI',
      priority = 5, -- below diagnostics and git signs
    })
  end
  vim.b[bufnr].tracemark_ai_percent = M.percent(bufnr)
end

--- The handler for `tracemark/spans` (`{uri, version, spans}`).
function M.handler(_, result, _)
  if type(result) ~= 'table' or type(result.uri) ~= 'string' then
    return
  end
  local bufnr = vim.fn.bufnr(vim.uri_to_fname(result.uri))
  if bufnr < 0 or not api.nvim_buf_is_loaded(bufnr) then
    return
  end
  local list = {}
  for _, s in ipairs(type(result.spans) == 'table' and result.spans or {}) do
    -- JSON null arrives as vim.NIL: drop it so fields are plain nil.
    for _, key in ipairs({ 'tool', 'model', 'confidence' }) do
      if s[key] == vim.NIL then
        s[key] = nil
      end
    end
    list[#list + 1] = s
  end
  M.by_buf[bufnr] = { version = result.version, spans = list }
  M.render(bufnr)
  api.nvim_exec_autocmds('User', { pattern = 'TracemarkSpans', modeline = false,
    data = { buf = bufnr, spans = list } })
end

--- Share of the buffer's lines an AI wrote, 0-100, or nil when the server sent nothing yet.
---@param bufnr integer?
---@return integer?
function M.percent(bufnr)
  bufnr = bufnr == nil and api.nvim_get_current_buf() or bufnr
  local state = M.by_buf[bufnr]
  if not state then
    return nil
  end
  local total = api.nvim_buf_line_count(bufnr)
  if total == 1 and api.nvim_buf_get_lines(bufnr, 0, 1, false)[1] == '' then
    return 0
  end
  local n = vim.tbl_count(M.line_kinds(state.spans, total))
  return math.floor(100 * n / total + 0.5)
end

--- What `:Tracemark stats` prints: lines, share, and lines per tool.
---@param bufnr integer
---@return string
function M.summary(bufnr)
  local state = M.by_buf[bufnr]
  local total = api.nvim_buf_line_count(bufnr)
  if not state then
    return ('tracemark: no spans for this buffer yet (%d lines)'):format(total)
  end
  local per_tool, modified = {}, 0
  local rows = {}
  for _, s in ipairs(state.spans) do
    local first, last = M.rows(s.range)
    for row = first, math.min(last, total - 1) do
      if not rows[row] then
        rows[row] = true
        local tool = s.tool or 'unknown'
        if s.model then
          tool = tool .. ':' .. s.model
        end
        per_tool[tool] = (per_tool[tool] or 0) + 1
        if s.kind == 'ai-modified' then
          modified = modified + 1
        end
      end
    end
  end
  local n = vim.tbl_count(rows)
  local parts = {}
  for tool, count in vim.spairs(per_tool) do
    parts[#parts + 1] = ('%s %d'):format(tool, count)
  end
  local out = ('AI %d%%: %d of %d lines'):format(M.percent(bufnr) or 0, n, total)
  if modified > 0 then
    out = out .. (' (%d edited since)'):format(modified)
  end
  if #parts > 0 then
    out = out .. ' · ' .. table.concat(parts, ', ')
  end
  return out
end

function M.forget(bufnr)
  M.by_buf[bufnr] = nil
  if api.nvim_buf_is_valid(bufnr) then
    api.nvim_buf_clear_namespace(bufnr, M.ns, 0, -1)
  end
end

return M
