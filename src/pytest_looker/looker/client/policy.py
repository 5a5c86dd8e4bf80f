"""Secret-age policy: API keys are long-lived bearer secrets, so their age is checked.

When a provider says when the secret was issued (``issued_at`` from a credentials command or
looker.ini), a secret older than ``secret_max_age_days`` (default 90) earns a warning on every
run, and one older than ``secret_hard_limit_days`` (off unless configured) stops the run: a
rotation reminder that CI cannot ignore forever.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from datetime import datetime, timezone

from pytest_looker.looker.client.credentials import Credentials
from pytest_looker.looker.client.errors import SecretTooOldError
from pytest_looker.settings import LookerSettings

__all__ = ["SecretAge", "SecretAgeWarning", "check_secret_age"]


class SecretAgeWarning(UserWarning):
    """The Looker API secret is older than ``secret_max_age_days``."""


@dataclass(frozen=True)
class SecretAge:
    """How old the secret is (``None``: the provider did not say) and the verdict in words."""

    days: float | None
    status: str  # "unknown", "ok", "old"
    message: str


def check_secret_age(
    credentials: Credentials, options: LookerSettings, now: datetime | None = None, *, warn: bool = True
) -> SecretAge:
    """Apply the policy: raise past the hard limit, warn (``SecretAgeWarning``) past the max age."""
    if credentials.issued_at is None:
        return SecretAge(None, "unknown", f"unknown ({credentials.source} does not report issued_at)")
    moment = now or datetime.now(timezone.utc)
    days = (moment - credentials.issued_at).total_seconds() / 86400
    if options.secret_hard_limit_days is not None and days > options.secret_hard_limit_days:
        raise SecretTooOldError(
            f"the Looker API secret from {credentials.source} is {days:.0f} days old, past the hard limit of"
            f" {options.secret_hard_limit_days:g} days (secret_hard_limit_days): rotate it"
        )
    if days > options.secret_max_age_days:
        message = (
            f"the Looker API secret from {credentials.source} is {days:.0f} days old"
            f" (more than secret_max_age_days = {options.secret_max_age_days:g}): rotate it soon"
        )
        if warn:
            warnings.warn(message, SecretAgeWarning, stacklevel=2)
        return SecretAge(days, "old", message)
    return SecretAge(days, "ok", f"{days:.0f} days (warning past {options.secret_max_age_days:g})")
