"""The province profile as every title, letter, report and export reads it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from data_layer.labels import GROUP_NAME_BASE, group_name_for
from data_layer.models import ProvinceProfile

__all__ = ["Profile", "get_profile"]


@dataclass(frozen=True)
class Profile:
    """Who this installation belongs to; the defaults hold until first-run setup."""

    province: str = ""
    governorate: str = "استانداری"
    group_name: str = GROUP_NAME_BASE
    secretary_name: str = ""
    secretary_title: str = "دبیر کارگروه"
    letterhead: tuple[str, ...] = ()
    logo: bytes | None = None
    logo_type: str = ""
    version: int = 0  # 0: no profile stored yet
    is_sample: bool = False

    @property
    def is_set(self) -> bool:
        """True once the province has set up its profile."""
        return self.version > 0

    @property
    def app_title(self) -> str:
        """The browser tab's and the header's title."""
        return f"داشبورد پایش {self.group_name}"

    @property
    def heading_lines(self) -> tuple[str, ...]:
        """The letterhead, or the governorate's name when none was written."""
        return self.letterhead or (self.governorate,)

    @property
    def secretary_signature(self) -> tuple[str, ...]:
        """The signature block of letters: name, then title."""
        return tuple(p for p in (self.secretary_name, self.secretary_title) if p)


def get_profile(session: Session) -> Profile:
    """The stored profile, or the defaults before setup."""
    row = session.get(ProvinceProfile, 1)
    if row is None:
        return Profile()
    lines = tuple(line.strip() for line in row.letterhead.splitlines() if line.strip())
    return Profile(
        province=row.province,
        governorate=row.governorate,
        group_name=group_name_for(row.province, row.group_name),  # never a dangling «استان»
        secretary_name=row.secretary_name,
        secretary_title=row.secretary_title,
        letterhead=lines,
        logo=row.logo,
        logo_type=row.logo_type,
        version=row.version,
        is_sample=row.is_sample,
    )
