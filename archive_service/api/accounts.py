"""``/api/v1/me``, ``/api/v1/users``, ``/api/v1/units``: accounts and work units."""

from __future__ import annotations

from typing import Any

from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint

from schemas.users import TokenCreateSchema, TokenSchema, UnitSchema, UserCreateSchema, UserSchema

from ..db import User
from ..services import auth as svc
from .security import current_actor, endpoint_action, runtime

blp = Blueprint(
    "accounts",
    __name__,
    url_prefix="/api/v1",
    description="Pengguna, token, unit kerja / Users, tokens, work units",
)


@blp.route("/me")
class Me(MethodView):
    @endpoint_action("self.read")
    @blp.response(200, UserSchema)
    def get(self) -> Any:
        """Pengguna yang sedang masuk / The calling user."""
        actor = current_actor()
        with runtime().db.read() as session:
            return session.get(User, actor.user_id)


@blp.route("/me/tokens")
class MyTokens(MethodView):
    @endpoint_action("token.create")
    @blp.arguments(TokenCreateSchema)
    @blp.response(201, TokenSchema)
    def post(self, data: dict[str, Any]) -> Any:
        """Buat token API baru (ditampilkan sekali) / Create an API token (shown once)."""
        actor = current_actor()
        secret = svc.create_token(runtime(), actor, actor.username, data["name"], data.get("expires_days"))
        return {"name": data["name"], "token": secret}


@blp.route("/users")
class Users(MethodView):
    @endpoint_action("user.list")
    @blp.response(200, UserSchema(many=True))
    def get(self) -> Any:
        """Daftar pengguna / List users (admin)."""
        return svc.list_users(runtime(), current_actor())

    @endpoint_action("user.create")
    @blp.doc(requestBody={"content": {"application/json": {"schema": UserCreateSchema}}})
    @blp.response(201, UserSchema)
    def post(self) -> Any:
        """Tambah pengguna / Add a user (admin)."""
        return svc.create_user(runtime(), current_actor(), request.get_json(silent=True) or {})


@blp.route("/users/<username>")
class UserItem(MethodView):
    @endpoint_action("user.delete")
    @blp.response(204)
    def delete(self, username: str) -> None:
        """Hapus (nonaktifkan) pengguna / Delete (deactivate) a user (admin)."""
        svc.delete_user(runtime(), current_actor(), username)


@blp.route("/units")
class Units(MethodView):
    @endpoint_action("unit.list")
    @blp.response(200, UnitSchema(many=True))
    def get(self) -> Any:
        """Unit kerja / Work units."""
        return svc.list_units(runtime(), current_actor())

    @endpoint_action("unit.create")
    @blp.arguments(UnitSchema)
    @blp.response(201, UnitSchema)
    def post(self, data: dict[str, Any]) -> Any:
        """Tambah unit kerja / Add a work unit (admin)."""
        return svc.create_unit(runtime(), current_actor(), data["code"], data["name"])
