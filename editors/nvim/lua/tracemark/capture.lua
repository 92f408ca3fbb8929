--- Capture: tell the server (`tracemark/markRange`) which text an accepted AI completion
--- inserted. Every hook works the same way: snapshot the buffer, let the completion be applied,
--- diff, and send the region that is new.
---
--- Hooks: Neovim 0.12's `vim.lsp.inline_completion.get()` (its `on_accept`), copilot.lua's
--- `suggestion.accept*`, copilot.vim's `copilot#Accept*`. Each is installed only when present.
local M = {}

local api = vim.api
local diff = require('tracemark.diff')

M.CLIENT = 'tracemark'

---@type fun(): table
M.options = function()
  return {}
end

--- The tracemark client attached to `bufnr`, if any.
---@param bufnr integer
---@return vim.lsp.Client?
function M.client(bufnr)
  return vim.lsp.get_clients({ bufnr = bufnr, name = M.CLIENT })[1]
end

---@param bufnr integer
---@return string[]
function M.snapshot(bufnr)
  return api.nvim_buf_get_lines(bufnr, 0, -1, false)
end

--- An LSP position for a (0-based row, byte column) of the buffer.
local function position(bufnr, row, col, encoding)
  local line = api.nvim_buf_get_lines(bufnr, row, row + 1, false)[1]
  if line == nil then
    return { line = row, character = 0 }
  end
  col = math.min(col, #line)
  return { line = row, character = vim.str_utfindex(line, encoding, col, false) }
end

--- Send `tracemark/markRange` for a buffer region (0-based rows, byte columns).
--- Sent as a request: Neovim flushes pending `didChange`s before any request, so the server
--- has the version the range refers to.
---@param bufnr integer
---@param region tracemark.Region
---@param origin table {kind, tool?, model?}
---@param on_done? fun(err: table?, result: table?)
---@return boolean sent
function M.mark_region(bufnr, region, origin, on_done)
  local client = M.client(bufnr)
  if not client then
    return false
  end
  local enc = client.offset_encoding or 'utf-16'
  local params = {
    textDocument = {
      uri = vim.uri_from_bufnr(bufnr),
      version = vim.lsp.util.buf_versions[bufnr],
    },
    range = {
      start = position(bufnr, region.start_row, region.start_col, enc),
      ['end'] = position(bufnr, region.end_row, region.end_col, enc),
    },
    origin = origin,
  }
  client:request('tracemark/markRange', params, function(err, result)
    if err then
      vim.notify('tracemark: markRange failed: ' .. (err.message or vim.inspect(err)),
        vim.log.levels.WARN)
    end
    M.last_mark = { params = params, result = result, err = err }
    if on_done then
      on_done(err, result)
    end
  end, bufnr)
  return true
end

--- After an edit: mark what differs from `before` as written by `origin`.
---@param bufnr integer
---@param before string[]
---@param origin table
---@return tracemark.Region?
function M.mark_changes(bufnr, before, origin)
  if not api.nvim_buf_is_valid(bufnr) then
    return nil
  end
  local region = diff.inserted(before, M.snapshot(bufnr))
  if region then
    M.mark_region(bufnr, region, origin)
  end
  return region
end

--- Snapshot now; mark the change once it has happened (the next TextChanged*, or after a
--- short wait for plugins whose accept returns keys for an `<expr>` mapping).
---@param bufnr integer
---@param origin table
M._watching = {}

function M.watch(bufnr, origin)
  if M._watching[bufnr] then
    return -- already watching this accept (copilot.lua's accept_word calls accept)
  end
  M._watching[bufnr] = true
  local before = M.snapshot(bufnr)
  local tick = api.nvim_buf_get_changedtick(bufnr)
  local done = false
  local group = api.nvim_create_augroup('tracemark_watch_' .. bufnr, { clear = true })
  local function finish()
    if done then
      return
    end
    done = true
    M._watching[bufnr] = nil
    pcall(api.nvim_del_augroup_by_id, group)
    if api.nvim_buf_is_valid(bufnr) and api.nvim_buf_get_changedtick(bufnr) ~= tick then
      M.mark_changes(bufnr, before, origin)
    end
  end
  api.nvim_create_autocmd({ 'TextChanged', 'TextChangedI', 'TextChangedP' }, {
    group = group,
    buffer = bufnr,
    once = true,
    callback = finish,
  })
  vim.defer_fn(finish, 500)
end

--- The origin for text a completion client wrote: the configured tool, else the completion
--- server's name (its `serverInfo.name`, as proxy mode does), "copilot" for any Copilot.
---@param client_name string?
---@return table
function M.origin(client_name)
  local opts = M.options()
  local tool = opts.tool
  if not tool then
    tool = client_name or 'unknown'
    if tool:lower():find('copilot', 1, true) then
      tool = 'copilot'
    else
      tool = tool:lower():gsub('[^%w._-]+', '-'):gsub('^-+', ''):gsub('-+$', '')
    end
  end
  return { kind = 'ai', tool = tool, model = opts.model }
end

-- -- Neovim 0.12: vim.lsp.inline_completion ------------------------------------------------

--- Apply an inline completion item the way Neovim's own default does (its `accept` is not
--- exported, and passing `on_accept` replaces it).
---@param bufnr integer
---@param item vim.lsp.inline_completion.Item
function M.apply_item(bufnr, item)
  local insert_text = item.insert_text
  if type(insert_text) == 'string' then
    local range = item.range
    if range then
      local lines = vim.split(insert_text, '\n')
      api.nvim_buf_set_text(bufnr, range.start.row, range.start.col, range.end_.row,
        range.end_.col, lines)
      local pos = range.start:to_cursor()
      local win = vim.fn.bufwinid(bufnr)
      if win ~= -1 then
        api.nvim_win_set_cursor(win, {
          pos[1] + #lines - 1,
          (#lines == 1 and pos[2] or 0) + #lines[#lines],
        })
      end
    else
      api.nvim_paste(insert_text, false, 0)
    end
  elseif insert_text.kind == 'snippet' then
    vim.snippet.expand(insert_text.value)
  end
  if item.command then
    local client = vim.lsp.get_client_by_id(item.client_id)
    if client then
      client:exec_cmd(item.command, { bufnr = bufnr })
    end
  end
end

--- `vim.lsp.inline_completion.get()` wrapped: the accepted item is applied as usual (or by
--- the caller's own `on_accept`), then marked.
function M.hook_inline_completion()
  local ic = vim.lsp.inline_completion
  if not ic or type(ic.get) ~= 'function' or M._ic_hooked then
    return false
  end
  local get = ic.get
  M._ic_hooked = true
  ic.get = function(opts)
    opts = opts or {}
    local bufnr = vim._resolve_bufnr(opts.bufnr)
    local user_accept = opts.on_accept
    local wrapped = vim.tbl_extend('force', {}, opts)
    wrapped.on_accept = function(item)
      local before = M.snapshot(bufnr)
      if user_accept then
        user_accept(item)
      else
        M.apply_item(bufnr, item)
      end
      local client = vim.lsp.get_client_by_id(item.client_id)
      local name = client and (client.server_info and client.server_info.name or client.name)
      M.mark_changes(bufnr, before, M.origin(name))
    end
    return get(wrapped)
  end
  return true
end

-- -- copilot.lua ----------------------------------------------------------------------------

--- Wrap copilot.lua's `require('copilot.suggestion').accept*` when it is installed. Its own
--- keymaps look `accept` up at each press, and `accept_word`/`accept_line` call `M.accept`, so
--- keymaps it made before this hook are captured too.
function M.hook_copilot_lua()
  if M._copilot_lua_hooked then
    return true
  end
  -- After the first look, only try again once copilot.lua has been loaded (lazy loaders).
  if M._copilot_lua_checked and not package.loaded['copilot']
    and not package.loaded['copilot.suggestion'] then
    return false
  end
  M._copilot_lua_checked = true
  local ok, suggestion = pcall(require, 'copilot.suggestion')
  if not ok or type(suggestion) ~= 'table' then
    return false
  end
  for _, name in ipairs({ 'accept', 'accept_word', 'accept_line' }) do
    local original = suggestion[name]
    if type(original) == 'function' then
      suggestion[name] = function(...)
        local bufnr = api.nvim_get_current_buf()
        M.watch(bufnr, M.origin('copilot'))
        return original(...)
      end
    end
  end
  M._copilot_lua_hooked = true
  return true
end

-- -- copilot.vim ----------------------------------------------------------------------------

--- Called by the wrapped copilot.vim mappings just before `copilot#Accept*` runs; returns
--- "" so an `<expr>` mapping's keys are unchanged.
function M.copilot_vim_before()
  M.watch(api.nvim_get_current_buf(), M.origin('copilot'))
  return ''
end

--- copilot.vim: its `copilot#Accept*` functions return keys for an `<expr>` mapping (its
--- default <Tab>, or the user's), and Vim does not allow redefining an autoload function
--- outside its file. So the insert-mode mappings that call them are wrapped instead (kept
--- with `mapset()`, script context included): the buffer is watched, the keys land, the new
--- text is marked. Mappings made with a Lua callback cannot be seen into: call
--- `require('tracemark.capture').copilot_vim_before()` in them, or use proxy mode.
---@return boolean
function M.hook_copilot_vim()
  if vim.g.loaded_copilot == nil then
    return false -- copilot.vim is not installed (or not loaded yet)
  end
  local wrapped = 0
  for _, m in ipairs(api.nvim_get_keymap('i')) do
    local rhs = m.rhs
    if rhs and rhs:find('copilot#Accept', 1, true) and not rhs:find('tracemark', 1, true) then
      local d = vim.fn.maparg(m.lhs, 'i', false, true)
      if d.rhs == rhs then
        if d.expr == 1 then
          d.rhs = "v:lua.require'tracemark.capture'.copilot_vim_before() .. (" .. rhs .. ')'
        else
          d.rhs = "<Cmd>lua require'tracemark.capture'.copilot_vim_before()<CR>" .. rhs
        end
        vim.fn.mapset('i', false, d)
        wrapped = wrapped + 1
      end
    end
  end
  M._copilot_vim_maps = (M._copilot_vim_maps or 0) + wrapped
  return M._copilot_vim_maps > 0
end

--- Install every hook that applies now; copilot plugins loaded later are hooked on the first
--- InsertEnter after they appear.
function M.install(opts)
  local hooks = opts.hooks or {}
  local status = {}
  if hooks.inline_completion ~= false then
    status.inline_completion = M.hook_inline_completion()
  end
  local function copilots()
    if hooks.copilot_lua ~= false then
      status.copilot_lua = M.hook_copilot_lua()
    end
    if hooks.copilot_vim ~= false then
      status.copilot_vim = M.hook_copilot_vim()
    end
  end
  copilots()
  api.nvim_create_autocmd('InsertEnter', {
    group = api.nvim_create_augroup('tracemark_hooks', { clear = true }),
    -- Mappings made later are wrapped too: the check is a scan of insert-mode mappings.
    callback = copilots,
  })
  M.status = status
  return status
end

return M
