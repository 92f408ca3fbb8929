--- `:checkhealth tracemark`
local M = {}

function M.check()
  local health = vim.health
  health.start('tracemark')
  local v = vim.version()
  local version = ('%d.%d.%d'):format(v.major, v.minor, v.patch)
  if vim.fn.has('nvim-0.11') == 1 then
    health.ok('Neovim ' .. version)
  else
    health.error('Neovim ' .. version .. ': tracemark needs 0.11 or newer')
  end
  if vim.lsp.inline_completion and vim.lsp.inline_completion.get then
    health.ok('vim.lsp.inline_completion is available: accepted completions are recorded')
  else
    health.info('vim.lsp.inline_completion needs Neovim 0.12; copilot.lua / copilot.vim '
      .. 'hooks, proxy mode (`tracemark serve --wrap`) or `:Tracemark mark` still work')
  end

  local tm = require('tracemark')
  if not tm.did_setup then
    health.warn("setup() has not run", { "call require('tracemark').setup({}) in your config" })
    return
  end
  local cli = tm.cli()
  local exe = cli[1]
  if exe and vim.fn.executable(exe) == 1 then
    local res = vim.system(vim.list_extend(vim.list_extend({}, cli), { '--version' }),
      { text = true }):wait(10000)
    if res.code == 0 then
      health.ok(vim.trim(res.stdout) .. ' (' .. table.concat(cli, ' ') .. ')')
    else
      health.error(table.concat(cli, ' ') .. ' --version failed: ' .. vim.trim(res.stderr or ''))
    end
  else
    health.error(('%s is not executable'):format(exe or '(no command)'),
      { 'pip install tracemark, or set cmd = { "/path/to/tracemark", "serve" } in setup()' })
  end

  local capture = require('tracemark.capture')
  local status = capture.status or {}
  for hook, label in pairs({ inline_completion = 'vim.lsp.inline_completion.get',
    copilot_lua = 'copilot.lua suggestion.accept*', copilot_vim = 'copilot.vim copilot#Accept*' }) do
    if status[hook] then
      health.ok('capturing accepts from ' .. label)
    elseif status[hook] == false then
      health.info(label .. ': not present')
    end
  end

  local clients = vim.lsp.get_clients({ name = capture.CLIENT })
  if #clients == 0 then
    health.info('the language server is not running (it starts with the first file opened)')
  end
  for _, client in ipairs(clients) do
    local n = vim.tbl_count(client.attached_buffers)
    local info = client.server_info or {}
    health.ok(('language server running: %s %s, client %d, %s, attached to %d buffer%s'):format(
      info.name or 'tracemark', info.version or '', client.id, client.offset_encoding, n,
      n == 1 and '' or 's'))
  end
  if vim.o.signcolumn == 'no' then
    health.warn("'signcolumn' is off: AI lines are not shown", { 'set signcolumn=auto' })
  end
end

return M
