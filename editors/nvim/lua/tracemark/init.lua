--- tracemark for Neovim: starts `tracemark serve` through `vim.lsp.config`/`vim.lsp.enable`,
--- records accepted AI completions, shows AI lines in the sign column.
---
---   require('tracemark').setup({})
---
--- See `:help tracemark` and docs/editors.md.
local M = {}

local api = vim.api
local capture = require('tracemark.capture')
local spans = require('tracemark.spans')

M.defaults = {
  --- The language server command; proxy mode works here too:
  --- { 'tracemark', 'serve', '--wrap', 'copilot-language-server', '--stdio' }.
  cmd = { 'tracemark', 'serve' },
  --- The CLI for `:Tracemark blame` (default: `cmd` up to "serve").
  cli = nil,
  --- nil: every file type (tracemark records provenance for any file).
  filetypes = nil,
  root_markers = { '.git' },
  --- Tool and model recorded for accepted completions (default: from the completion client's
  --- name, "copilot" for Copilot).
  tool = nil,
  model = nil,
  --- The server's `tracemark` settings section (scope, heuristic, semgrep, codeLens, ...).
  settings = {},
  init_options = nil,
  signs = { ai = '▍', modified = '▍' },
  hooks = { inline_completion = true, copilot_lua = true, copilot_vim = true },
  --- false: only define the config (`vim.lsp.enable('tracemark')` yourself).
  enable = true,
}

M.opts = vim.deepcopy(M.defaults)

---@return string[]
function M.cli()
  if M.opts.cli then
    return M.opts.cli
  end
  local out = {}
  for _, part in ipairs(M.opts.cmd) do
    if part == 'serve' then
      break
    end
    out[#out + 1] = part
  end
  return out
end

--- "AI 23%" for the current buffer (for a status line), "" before the server has told.
---@return string
function M.statusline()
  local pct = spans.percent(api.nvim_get_current_buf())
  return pct and ('AI %d%%'):format(pct) or ''
end

-- -- :Tracemark -----------------------------------------------------------------------------

local function line_region(bufnr, line1, line2)
  local count = api.nvim_buf_line_count(bufnr)
  if line2 < count then
    return { start_row = line1 - 1, start_col = 0, end_row = line2, end_col = 0 }
  end
  local last = api.nvim_buf_get_lines(bufnr, line2 - 1, line2, false)[1] or ''
  return { start_row = line1 - 1, start_col = 0, end_row = line2 - 1, end_col = #last }
end

local function mark(kind, cmd)
  local bufnr = api.nvim_get_current_buf()
  local origin = { kind = kind, confidence = 'declared' }
  if kind == 'ai' then
    origin.tool = cmd.fargs[2] or M.opts.tool or 'manual'
    origin.model = cmd.fargs[3] or M.opts.model
  end
  local region = line_region(bufnr, cmd.line1, cmd.line2)
  local sent = capture.mark_region(bufnr, region, origin, function(err, result)
    if not err and result then
      vim.notify(('tracemark: lines %d-%d marked %s'):format(cmd.line1, cmd.line2, kind))
    end
  end)
  if not sent then
    vim.notify('tracemark: the language server is not attached to this buffer',
      vim.log.levels.WARN)
  end
end

local function scratch(name, lines)
  vim.cmd('botright new')
  local buf = api.nvim_get_current_buf()
  vim.bo[buf].buftype = 'nofile'
  vim.bo[buf].bufhidden = 'wipe'
  vim.bo[buf].swapfile = false
  pcall(api.nvim_buf_set_name, buf, name)
  api.nvim_buf_set_lines(buf, 0, -1, false, lines)
  vim.bo[buf].modifiable = false
  return buf
end

local function blame(cmd)
  local bufnr = api.nvim_get_current_buf()
  local file = api.nvim_buf_get_name(bufnr)
  if file == '' then
    vim.notify('tracemark: blame needs a file', vim.log.levels.WARN)
    return
  end
  if vim.bo[bufnr].modified then
    vim.notify('tracemark: blame shows the ledger as of the last save', vim.log.levels.INFO)
  end
  local argv = vim.list_extend(vim.list_extend({}, M.cli()), { 'blame', file })
  if cmd.fargs[2] == 'json' then
    argv[#argv + 1] = '--json'
  end
  vim.system(argv, { text = true, cwd = vim.fs.dirname(file) }, vim.schedule_wrap(function(res)
    if res.code ~= 0 then
      vim.notify('tracemark blame: ' .. vim.trim(res.stderr or ''), vim.log.levels.ERROR)
      return
    end
    scratch('tracemark://blame/' .. vim.fs.basename(file), vim.split(vim.trim(res.stdout), '\n'))
  end))
end

local function provenance(cmd)
  local bufnr = api.nvim_get_current_buf()
  local client = capture.client(bufnr)
  if not client then
    vim.notify('tracemark: the language server is not attached to this buffer',
      vim.log.levels.WARN)
    return
  end
  local arg = { textDocument = { uri = vim.uri_from_bufnr(bufnr) } }
  if cmd.range > 0 then
    arg.range = { start = { line = cmd.line1 - 1, character = 0 },
      ['end'] = { line = cmd.line2 - 1, character = 0 } }
  else
    arg.position = { line = cmd.line1 - 1, character = 0 }
  end
  client:exec_cmd({ title = 'provenance', command = 'tracemark.showProvenance',
    arguments = { arg } }, { bufnr = bufnr }, function(err, result)
    if err then
      vim.notify('tracemark: ' .. err.message, vim.log.levels.ERROR)
    else
      vim.notify(result)
    end
  end)
end

M.subcommands = {
  mark = function(cmd) mark('ai', cmd) end,
  human = function(cmd) mark('human', cmd) end,
  reviewed = function(cmd) mark('reviewed', cmd) end,
  blame = blame,
  provenance = provenance,
  stats = function()
    vim.notify(spans.summary(api.nvim_get_current_buf()))
  end,
}

local function command(cmd)
  local sub = cmd.fargs[1]
  local fn = M.subcommands[sub or '']
  if not fn then
    vim.notify('tracemark: :Tracemark ' .. table.concat(vim.tbl_keys(M.subcommands), '|'),
      vim.log.levels.ERROR)
    return
  end
  fn(cmd)
end

-- -- setup ----------------------------------------------------------------------------------

function M.setup(opts)
  if vim.fn.has('nvim-0.11') == 0 then
    vim.notify('tracemark needs Neovim 0.11 or newer', vim.log.levels.ERROR)
    return
  end
  M.opts = vim.tbl_deep_extend('force', vim.deepcopy(M.defaults), opts or {})
  if opts and opts.cmd then
    M.opts.cmd = opts.cmd -- lists are replaced, not merged
  end
  spans.signs = M.opts.signs
  spans.define_highlights()
  capture.options = function()
    return M.opts
  end

  vim.lsp.config('tracemark', {
    cmd = M.opts.cmd,
    filetypes = M.opts.filetypes,
    root_markers = M.opts.root_markers,
    -- An empty Lua table would be sent as [] (not an object).
    settings = { tracemark = next(M.opts.settings) and M.opts.settings or vim.empty_dict() },
    init_options = M.opts.init_options,
    handlers = { ['tracemark/spans'] = spans.handler },
  })
  if M.opts.enable then
    vim.lsp.enable('tracemark')
  end
  capture.install(M.opts)

  local group = api.nvim_create_augroup('tracemark', { clear = true })
  api.nvim_create_autocmd({ 'BufWipeout', 'BufDelete' }, {
    group = group,
    callback = function(ev)
      spans.forget(ev.buf)
    end,
  })
  api.nvim_create_autocmd('ColorScheme', { group = group, callback = spans.define_highlights })
  api.nvim_create_user_command('Tracemark', command, {
    nargs = '+',
    range = true,
    desc = 'tracemark: mark|human|reviewed|blame|stats|provenance',
    complete = function(lead, line)
      if #vim.split(line, '%s+') > 2 then
        return {}
      end
      return vim.tbl_filter(function(name)
        return vim.startswith(name, lead)
      end, vim.tbl_keys(M.subcommands))
    end,
  })
  M.did_setup = true
end

return M
