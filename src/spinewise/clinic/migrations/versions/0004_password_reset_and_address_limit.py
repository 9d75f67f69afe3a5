"""A one-time link is for a sign-up or for a password reset (the audit says which); failed sign-ins
are counted per client address too, so one address cannot try password after password across
many accounts."""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"


def upgrade():
    with op.batch_alter_table("signup_token") as table:
        table.add_column(sa.Column("purpose", sa.String(20), nullable=False, server_default="sign_up"))
    op.create_table("signin_address", sa.Column("address", sa.String(64), primary_key=True),
                    sa.Column("failures", sa.Integer, nullable=False),
                    sa.Column("since", sa.DateTime, nullable=False),
                    sa.Column("locked_until", sa.DateTime))
