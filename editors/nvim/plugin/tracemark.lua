-- tracemark: nothing runs until require('tracemark').setup({}) is called.
if vim.g.loaded_tracemark then
  return
end
vim.g.loaded_tracemark = 1
