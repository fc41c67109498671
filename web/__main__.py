"""``python -m web``: the same as ``zhsearch-serve``."""

from web.cli import serve

serve(prog_name="python -m web")
