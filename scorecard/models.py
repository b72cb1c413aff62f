"""The scorecard's own tables: precomputed figures, the refresh's bookkeeping, admins' settings.

The scorecard reads the other pillars' tables only when it refreshes these (aggregates.py);
its pages read nothing but these tables and the unit list.
"""
from datetime import date, datetime

from sqlalchemy import BigInteger, Date, Float, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core import clock, page_cache
from core.extensions import db
from core.types import UTCDateTime

# unit_id 0: complaints not (yet) routed to a unit. They count for the city, never for a unit;
# so unit_id is a plain number here, without a foreign key.
NO_UNIT = 0


class DailyFigure(db.Model):
    """One figure of one unit on one local day (e.g. complaints received on 3 March: 4)."""

    __tablename__ = "scorecard_daily"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(Integer)
    day: Mapped[date] = mapped_column(Date)
    measure_key: Mapped[str] = mapped_column(String(64))
    value: Mapped[int] = mapped_column(BigInteger)

    __table_args__ = (
        UniqueConstraint("unit_id", "day", "measure_key", name="uq_scorecard_daily"),
        # The refresh replaces whole days of one source ("c.", "f.", "fa."): by day, then key.
        Index("ix_scorecard_daily_day_key", "day", "measure_key"),
    )


class MonthlyFigure(db.Model):
    """The same figures summed per calendar month, so a year costs 12 rows per unit and key."""

    __tablename__ = "scorecard_monthly"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(Integer)
    month: Mapped[date] = mapped_column(Date)  # the first day of the month
    measure_key: Mapped[str] = mapped_column(String(64))
    value: Mapped[int] = mapped_column(BigInteger)

    __table_args__ = (
        UniqueConstraint("unit_id", "month", "measure_key", name="uq_scorecard_monthly"),
        Index("ix_scorecard_monthly_month", "month", "unit_id"),
    )


class SnapshotFigure(db.Model):
    """A figure about now (open and overdue complaints, certificates), taken at each refresh."""

    __tablename__ = "scorecard_snapshot"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(Integer)
    measure_key: Mapped[str] = mapped_column(String(64))
    value: Mapped[float] = mapped_column(Float)

    __table_args__ = (UniqueConstraint("unit_id", "measure_key", name="uq_scorecard_snapshot"),)


class RefreshState(db.Model):
    """The one row that says how far the figures reach; refreshes lock it to take turns."""

    __tablename__ = "scorecard_refresh"

    id: Mapped[int] = mapped_column(primary_key=True)  # always 1
    # Source rows changed after this moment have not been counted yet.
    watermark: Mapped[datetime | None] = mapped_column(UTCDateTime)
    refreshed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the figures' "as of"
    full_rebuild_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    days_recomputed: Mapped[int] = mapped_column(Integer, default=0)  # by the last refresh


class Setting(db.Model):
    """An admin's override of a default threshold, weight, minimum or zone edge (key → number)."""

    __tablename__ = "scorecard_setting"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[float] = mapped_column(Float)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))


class Follow(db.Model):
    """A signed-in person follows a unit ("Pantau unit"): a weekly digest of what changed there.

    The digest's watermark lives on the row: events after `last_digest_at` (or `created_at`) are
    new; `last_score` is the unit's score over the last 12 months when the last digest was made
    (or when the person began to follow), so the next digest can tell how it moved; `last_week`
    ("2026-W45") is the week whose digest took this row, so the sweep passes it by until next week.
    """

    __tablename__ = "scorecard_follow"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    last_digest_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_score: Mapped[int | None] = mapped_column(Integer)
    last_week: Mapped[str | None] = mapped_column(String(10))

    __table_args__ = (
        UniqueConstraint("user_id", "unit_id", name="uq_scorecard_follow"),
        Index("ix_scorecard_follow_week", "last_week", "user_id"),
    )


# A refresh (or an admin's change of the scoring) gives the scorecard pages a new revision, so
# visitors get them from the page cache in between. The accompaniment counts are read live
# (services.add_accompaniment): for visitors they lag by at most the minute in the cache's key.
page_cache.track("scorecard", DailyFigure, MonthlyFigure, SnapshotFigure, RefreshState, Setting)
