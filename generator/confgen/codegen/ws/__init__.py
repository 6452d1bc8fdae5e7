"""The WebSocket target: AsyncAPI 3.0 -> `ir.WsApi` (`load`) -> package files (`render`),
from ``templates/``, with ``runtime/`` (TrueConf Room) copied into each package as
``_runtime/``."""
