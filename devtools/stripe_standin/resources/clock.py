"""The simulated clock: advancing it runs every billing transition that falls due."""

from __future__ import annotations

import time
from typing import Any

from ..common import DAY, PAST_DUE_GRACE_DAYS, TRIAL_WILL_END_DAYS, StripeError
from ..state import StoreState


class ClockStore(StoreState):
    def advance(self, seconds: int) -> dict[str, Any]:
        """Move the simulated clock forward and run every billing transition that is due."""
        if seconds < 0:
            raise StripeError("The clock can only move forward.", param="seconds")
        with self.lock:
            before = len(self.data["events"])
            target = self.now() + seconds
            # Step through due transitions in chronological order, so that e.g. an advance
            # of two months renews twice and each event carries a plausible timestamp.
            for _ in range(10000):
                due = self._next_transition(target)
                if due is None:
                    break
                when, fn = due
                self.clock_offset = max(self.clock_offset, when - int(time.time()))
                fn()
            self.clock_offset = target - int(time.time())
            self.share_clock()
            self.save()
            new_events = list(self.data["events"])[before:]
            return {"now": self.now(), "offset": self.clock_offset, "events": new_events}

    def _next_transition(self, target: int):
        best = None

        def consider(when, fn):
            nonlocal best
            if when <= target and (best is None or when < best[0]):
                best = (when, fn)

        for session in self.data["checkout_sessions"].values():
            if session["status"] == "open":
                consider(session["expires_at"], lambda s=session: self._expire_session(s))
        for sub in self.data["subscriptions"].values():
            status = sub["status"]
            end = sub["items"]["data"][0]["current_period_end"]
            st = self.sub_state.setdefault(
                sub["id"], {"trial_will_end_sent": False, "past_due_since": None}
            )
            if status == "trialing":
                if not st.get("trial_will_end_sent") and sub["trial_end"]:
                    consider(
                        sub["trial_end"] - TRIAL_WILL_END_DAYS * DAY,
                        lambda s=sub: self._trial_will_end(s),
                    )
                consider(end, lambda s=sub: self._period_end(s))
            elif status in ("active", "past_due"):
                if status == "past_due" and st.get("past_due_since"):
                    consider(
                        st["past_due_since"] + PAST_DUE_GRACE_DAYS * DAY,
                        lambda s=sub: self._mark_unpaid(s),
                    )
                consider(end, lambda s=sub: self._period_end(s))
        return best
