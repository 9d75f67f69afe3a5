"""The lifter row keeps the digest of the entry last acknowledged, so the list groups lifters without
looking into the acknowledgements (those stay the record of who and when)."""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"


def upgrade():
    with op.batch_alter_table("lifter") as table:
        table.add_column(sa.Column("acknowledged_sha256", sa.String(64)))
    op.execute("UPDATE lifter SET acknowledged_sha256 = (SELECT max(a.entry_sha256) FROM acknowledgement a "
               "WHERE a.lifter_id = lifter.id AND a.entry_sha256 = lifter.latest_sha256)")
