"""Events: every change the stand-in makes is recorded as an event (see ``StoreState.emit``)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..routing import Request, Route

if TYPE_CHECKING:
    from ..server import Handler

# ---------------------------------------------------------------------- HTTP routes


def event_list(api: Handler, req: Request):
    p = req.params
    objs = api.newest_first("events")
    if p.get("type"):
        pattern = re.escape(str(p["type"])).replace(r"\*", ".*")
        objs = [o for o in objs if re.fullmatch(pattern, o["type"])]
    if isinstance(p.get("types"), list):
        objs = [o for o in objs if o["type"] in p["types"]]
    return api.paginate(req, objs, "/v1/events")


def event_retrieve(api: Handler, req: Request):
    return api.render(api.store.get("events", req.arg()), req)


ROUTES = [
    Route("GET", r"/v1/events", event_list),
    Route("GET", r"/v1/events/([^/]+)", event_retrieve),
]
