"""Where a user or an API token may send, and a token's daily quota, as the store keeps them
(``api_token.countries``, ``daily_messages``, ``daily_parts``; ``app_user.countries``;
revision 0017). What the values mean and how they are checked is ``destinations``'s; None
means "the config's default" (``[security]``)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import col, func, select

from .schema import ApiToken, Message, User
from .transactions import Transactions

UNCHANGED = object()


class UnknownSender(LookupError):
    """No token or user of that name or id; the message says which."""


class SenderLimits(Transactions):
    """Reads and changes of the limits; each method one transaction."""

    def token_named(self, name: str) -> ApiToken | None:
        """The newest token of that name that is not revoked."""
        with self.reading() as session:
            query = (
                select(ApiToken)
                .where(ApiToken.name == name, col(ApiToken.revoked).is_(False))
                .order_by(col(ApiToken.id).desc())
            )
            return session.exec(query).first()

    def set_token_limits(
        self,
        who: str | int,
        *,
        countries: object = UNCHANGED,
        daily_messages: object = UNCHANGED,
        daily_parts: object = UNCHANGED,
    ) -> ApiToken:
        """Change a token's limits (``who``: its id, or the name of a token not revoked)."""
        with self.session() as session:
            if isinstance(who, int):
                token = session.get(ApiToken, who)
            else:
                token = session.exec(
                    select(ApiToken)
                    .where(ApiToken.name == who, col(ApiToken.revoked).is_(False))
                    .order_by(col(ApiToken.id).desc())
                ).first()
            if token is None:
                raise UnknownSender(
                    f"no token {who}" if isinstance(who, int) else f"no token named {who!r}"
                )
            for key, value in (
                ("countries", countries),
                ("daily_messages", daily_messages),
                ("daily_parts", daily_parts),
            ):
                if value is not UNCHANGED:
                    setattr(token, key, value)
            session.add(token)
            session.commit()
            return token

    def tokens_usage(self, since: datetime) -> dict[int, tuple[int, int]]:
        """The messages and parts each token queued from ``since`` (the admin's "used today",
        counted as ``Lookups.token_usage`` counts them for the quota); tokens without any are
        absent."""
        with self.reading() as session:
            query = (
                select(
                    col(Message.token_id),
                    func.count(),
                    func.coalesce(func.sum(col(Message.parts)), 0),
                )
                .where(col(Message.token_id).is_not(None), col(Message.created_at) >= since)
                .group_by(col(Message.token_id))
            )
            return {
                int(token_id): (int(messages), int(parts))
                for token_id, messages, parts in session.exec(query)
            }

    def set_user_countries(self, who: str | int, countries: str | None) -> User:
        """Change a user's countries (``who``: their id or name)."""
        with self.session() as session:
            if isinstance(who, int):
                user = session.get(User, who)
            else:
                user = session.exec(select(User).where(User.name == who.strip())).first()
            if user is None:
                raise UnknownSender(
                    f"no user {who}" if isinstance(who, int) else f"no user named {who.strip()!r}"
                )
            user.countries = countries
            session.add(user)
            session.commit()
            return user
