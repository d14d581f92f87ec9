"""Layer 4 adapter: the files that put the CPB_* functions into xlwings Lite."""
