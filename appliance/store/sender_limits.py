"""Where a user or an API token may send, and a token's daily quota, as the store keeps them
(``api_token.countries``, ``daily_messages``, ``daily_parts``; ``app_user.countries``;
revision 0017). What the values mean and how they are checked is ``destinations``'s; None
means "the config's default" (``[security]``)."""

from __future__ import annotations

from sqlmodel import col, select

from .schema import ApiToken, User
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

    def set_user_countries(self, name: str, countries: str | None) -> User:
        with self.session() as session:
            user = session.exec(select(User).where(User.name == name.strip())).first()
            if user is None:
                raise UnknownSender(f"no user named {name.strip()!r}")
            user.countries = countries
            session.add(user)
            session.commit()
            return user
