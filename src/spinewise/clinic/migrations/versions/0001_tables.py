"""The clinic's tables."""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None


def _id():
    return sa.Column("id", sa.Integer, primary_key=True)


def upgrade():
    op.create_table("clinic", _id(), sa.Column("name", sa.String(200), nullable=False),
                    sa.Column("created_at", sa.DateTime, nullable=False))
    op.create_table("practitioner", _id(),
                    sa.Column("clinic_id", sa.Integer, sa.ForeignKey("clinic.id"), nullable=False, index=True),
                    sa.Column("name", sa.String(200), nullable=False),
                    sa.Column("email", sa.String(320), nullable=False, unique=True),
                    sa.Column("role", sa.String(20), nullable=False),
                    sa.Column("password_hash", sa.String(200)),
                    sa.Column("failed_signins", sa.Integer, nullable=False),
                    sa.Column("locked_until", sa.DateTime),
                    sa.Column("created_at", sa.DateTime, nullable=False))
    op.create_table("signup_token", sa.Column("token_sha256", sa.String(64), primary_key=True),
                    sa.Column("practitioner_id", sa.Integer, sa.ForeignKey("practitioner.id"), nullable=False,
                              index=True),
                    sa.Column("expires_at", sa.DateTime, nullable=False), sa.Column("used_at", sa.DateTime))
    op.create_table("session", sa.Column("token_sha256", sa.String(64), primary_key=True),
                    sa.Column("practitioner_id", sa.Integer, sa.ForeignKey("practitioner.id"), nullable=False,
                              index=True),
                    sa.Column("csrf", sa.String(64), nullable=False),
                    sa.Column("created_at", sa.DateTime, nullable=False),
                    sa.Column("expires_at", sa.DateTime, nullable=False))
    op.create_table("share_code", sa.Column("code_sha256", sa.String(64), primary_key=True),
                    sa.Column("clinic_id", sa.Integer, sa.ForeignKey("clinic.id"), nullable=False, index=True),
                    sa.Column("created_by", sa.String(320), nullable=False),
                    sa.Column("created_at", sa.DateTime, nullable=False),
                    sa.Column("expires_at", sa.DateTime, nullable=False))
    op.create_table("lifter", _id(),
                    sa.Column("clinic_id", sa.Integer, sa.ForeignKey("clinic.id"), nullable=False, index=True),
                    sa.Column("label", sa.String(20), nullable=False, unique=True),
                    sa.Column("code_sha256", sa.String(64), nullable=False, unique=True),
                    sa.Column("withdraw_sha256", sa.String(64), nullable=False, unique=True),
                    sa.Column("shared_at", sa.DateTime, nullable=False),
                    sa.Column("entry_count", sa.Integer, nullable=False),
                    sa.Column("latest_date", sa.Date, nullable=False),
                    sa.Column("latest_sha256", sa.String(64), nullable=False),
                    sa.Column("latest_disposition", sa.String(80), nullable=False),
                    sa.Column("pain_change", sa.Integer, nullable=False),
                    sa.Column("latest_findings", sa.JSON, nullable=False),
                    sa.Column("next_checkin", sa.Date),
                    sa.Column("no_improvement_by", sa.Date),
                    sa.Column("pains", sa.JSON, nullable=False))
    op.create_table("entry", _id(),
                    sa.Column("lifter_id", sa.Integer, sa.ForeignKey("lifter.id", ondelete="CASCADE"),
                              nullable=False, index=True),
                    sa.Column("number", sa.Integer, nullable=False),
                    sa.Column("sha256", sa.String(64), nullable=False),
                    sa.Column("kind", sa.String(20), nullable=False),
                    sa.Column("date", sa.Date, nullable=False),
                    sa.Column("body", sa.JSON, nullable=False),
                    sa.UniqueConstraint("lifter_id", "number"))
    op.create_table("note", _id(),
                    sa.Column("lifter_id", sa.Integer, sa.ForeignKey("lifter.id", ondelete="CASCADE"),
                              nullable=False, index=True),
                    sa.Column("author", sa.String(200), nullable=False),
                    sa.Column("created_at", sa.DateTime, nullable=False),
                    sa.Column("text", sa.Text, nullable=False))
    op.create_table("acknowledgement", _id(),
                    sa.Column("lifter_id", sa.Integer, sa.ForeignKey("lifter.id", ondelete="CASCADE"),
                              nullable=False, index=True),
                    sa.Column("entry_sha256", sa.String(64), nullable=False),
                    sa.Column("author", sa.String(200), nullable=False),
                    sa.Column("at", sa.DateTime, nullable=False))
    op.create_table("audit", _id(), sa.Column("at", sa.DateTime, nullable=False, index=True),
                    sa.Column("clinic_id", sa.Integer),
                    sa.Column("actor", sa.String(320), nullable=False),
                    sa.Column("action", sa.String(40), nullable=False),
                    sa.Column("subject", sa.String(200), nullable=False),
                    sa.Column("success", sa.Boolean, nullable=False))
