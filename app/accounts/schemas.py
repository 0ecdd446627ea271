"""Staff account API shapes: XCreate / XUpdate / XRead, kept apart from the tables."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field, computed_field, field_validator

from app.accounts.service import USERNAME, check_password
from app.auth import StaffRole
from app.formats import national
from app.params import DbId


def _password_ok(value: str | None) -> str | None:
    return None if value is None else check_password(value)


class UserCreate(BaseModel):
    username: str = Field(pattern=USERNAME, description="Lower case, 3-64 characters.")
    display_name: str = Field(min_length=1, max_length=120)
    password: str = Field(description="At least 12 characters.")
    roles: list[StaffRole] = Field(min_length=1)
    worker_id: DbId | None = Field(None, description="The worker calls are routed to.")

    _check_password = field_validator("password")(_password_ok)


class UserUpdate(BaseModel):
    display_name: str | None = Field(None, min_length=1, max_length=120)
    password: str | None = None
    roles: list[StaffRole] | None = Field(None, min_length=1)
    worker_id: DbId | None = None
    active: bool | None = None

    _check_password = field_validator("password")(_password_ok)


class UserRead(BaseModel):
    id: int
    username: str
    display_name: str
    roles: list[StaffRole]
    worker_id: DbId | None
    worker_name: str | None
    worker_phone: str | None = Field(description="The linked worker's phone, E.164.")
    active: bool
    must_change_password: bool = Field(
        description="An admin reset the password; the person changes it at next sign-in."
    )
    created_at: datetime

    @computed_field(description="The linked worker's phone in UK national format.")  # type: ignore[prop-decorator]
    @property
    def worker_phone_words(self) -> str | None:
        return national(self.worker_phone) if self.worker_phone else None


class PasswordChange(BaseModel):
    current_password: str = Field(min_length=1, max_length=1024)
    new_password: str = Field(
        max_length=1024, description="At least 12 characters; not the username, not the old one."
    )


class TokenCreate(BaseModel):
    name: str = Field(min_length=1, max_length=80, description="What the token is for.")


class TokenRead(BaseModel):
    id: int
    name: str
    prefix: str
    user_id: DbId
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenIssued(TokenRead):
    token: str = Field(description="Shown once; store it now.")


class WorkerRead(BaseModel):
    id: int
    name: str
    lines: list[str]
    available: bool
    active: bool
    user_id: DbId | None
    phone: str = Field("", description="E.164.")

    @computed_field(description="The phone in UK national format.")  # type: ignore[prop-decorator]
    @property
    def phone_words(self) -> str:
        return national(self.phone)
