"""دستگاه‌ها: the agency registry — names, head titles, aliases, membership periods;
retire, merge, import the member list (the secretariat edits; staff read)."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Any

import pandas as pd
import streamlit as st

from data_layer.commands.agencies import (
    create_agency,
    import_agencies,
    merge_agency,
    name_keys,
    retire_agency,
    set_memberships,
    update_agency,
)
from data_layer.db import read_session
from data_layer.documents.names import file_name
from data_layer.documents.templates import agency_template_xlsx
from data_layer.input.agencies import (
    AGENCY_IMPORT,
    AGENCY_LABELS,
    AgencyImportPreview,
    AgencyInput,
    periods_text,
)
from data_layer.jalali import format_jalali, format_number, local_today, to_fa_digits
from data_layer.labels import AGENCY_KIND_LABELS
from data_layer.permissions import Action, Readable, can
from data_layer.queries.agencies import agency_registry
from ui.html import show
from ui.imports import ImportScreen, import_tab
from ui.jalali_picker import date_field
from ui.learned_names import learned_names_section
from ui.pickers import as_shown, pick
from ui.run import run_command
from ui.session import page_person
from ui.tables import html_table
from ui.theme import page_title

url, actor = page_person(Readable.AGENCIES)
can_edit = can(actor, Action.MANAGE_AGENCIES)
today = local_today()
page_title(
    "دستگاه‌ها",
    "دستگاه‌های عضو و مدعو کارگروه، نام‌هایشان در صورتجلسه‌ها و دوره‌های عضویت",
)
with read_session(url) as s:
    registry = agency_registry(s, today)
KINDS = list(AGENCY_KIND_LABELS)


def state_text(r: pd.Series) -> str:
    if r["merged_into"]:
        return f"ادغام‌شده در «{r['merged_into']}»"
    if not r["active"]:
        return "بازنشسته"
    return "عضو" if r["is_member"] else "مدعو (غیرعضو)"


listing, add, edit, leave, bulk = st.tabs(
    ["فهرست", "افزودن", "ویرایش و عضویت", "بازنشستگی و ادغام", "ورود از اکسل"]
)
with listing:
    st.caption(f"{format_number(len(registry))} دستگاه؛ هیچ دستگاهی حذف نمی‌شود.")
    # An HTML table we lay out (right to left, wrapping, every header shown): the grid
    # would run its columns left to right and cut the first one at 1280 px.
    show(
        html_table(
            [
                "ترتیب",
                "نام کامل",
                "نام کوتاه",
                "نوع",
                "وضعیت",
                "دوره‌های عضویت",
                "عنوان مخاطب نامه",
                "نام‌های دیگر",
            ],
            [
                [
                    to_fa_digits(r["sort_order"]),
                    r["name"],
                    r["short_name"],
                    AGENCY_KIND_LABELS.get(r["kind"], r["kind"]),
                    state_text(r),
                    periods_text(r["periods"]),
                    r["head_title"],
                    str(r["aliases"]).replace(";", "؛ "),
                ]
                for _, r in registry.iterrows()
            ],
            "registry",
        )
    )
    learned_names_section(url, registry, can_edit=can_edit)


def agency_fields(prefix: str, row: Mapping[Hashable, Any] | None) -> AgencyInput:
    """The agency's own fields (inside a form)."""
    row = row or {}
    a, b = st.columns(2)
    name = a.text_input("نام کامل دستگاه", row.get("name", ""), key=f"{prefix}_name")
    short = b.text_input(
        "نام کوتاه (خالی: همان نام کامل)", row.get("short_name", ""), key=f"{prefix}_short"
    )
    kind = a.selectbox(
        "نوع دستگاه",
        KINDS,
        index=KINDS.index(row.get("kind", "directorate")),
        format_func=AGENCY_KIND_LABELS.__getitem__,
        key=f"{prefix}_kind",
    )
    order = b.text_input(
        "ترتیب در فهرست‌ها (خالی: آخر)",
        to_fa_digits(row["sort_order"]) if "sort_order" in row else "",
        key=f"{prefix}_order",
    )
    head = st.text_input(
        "عنوان مخاطب نامه (مثلاً «مدیرکل محترم بهزیستی استان»)",
        row.get("head_title", ""),
        key=f"{prefix}_head",
    )
    aliases = st.text_area(
        "نام‌های دیگر در صورتجلسه‌ها (هر کدام در یک سطر)",
        (row.get("aliases") or "").replace(";", "\n"),
        key=f"{prefix}_aliases",
    )
    return AgencyInput(name, short, kind, head, aliases, order)


with add, st.form("agency_new", clear_on_submit=False, enter_to_submit=False):
    data = agency_fields("agency_new", None)
    c, d = st.columns(2)
    since = date_field(c, "عضو از (خالی: از آغاز)", today, key="agency_new_from")
    member = d.checkbox("عضو کارگروه است (نه مدعو)", True, key="agency_new_member")
    if st.form_submit_button("ثبت دستگاه", type="primary", disabled=not can_edit):
        run_command(
            url,
            lambda s, who: create_agency(
                s, actor=who, data=data, periods=[(since, None)] if member else []
            ),
            done=lambda a: f"دستگاه «{a.name}» ثبت شد.",
        )

options = {
    int(r["id"]): (f"{r['name']} — {state_text(r)}", int(r["version"]))
    for _, r in registry.iterrows()
}
with edit:
    chosen = pick("دستگاه", options, key="agency_edit_pick")
    if chosen is not None and not chosen.gone:
        agency_id = chosen.id  # what the commands below name (the pick itself is optional)
        fresh = registry[registry["id"] == chosen.id].iloc[0].to_dict()
        row = as_shown(f"agency_{chosen.id}", fresh)
        with st.form(f"agency_edit_{chosen.id}_{row['version']}", enter_to_submit=False):
            data = agency_fields(f"agency_edit_{chosen.id}_{row['version']}", row)
            if st.form_submit_button("ذخیرهٔ مشخصات", type="primary", disabled=not can_edit):
                run_command(
                    url,
                    lambda s, who: update_agency(
                        s,
                        actor=who,
                        agency_id=agency_id,
                        data=data,
                        expected_version=int(row["version"]),
                    ),
                    done="مشخصات دستگاه ذخیره شد.",
                    shown=f"agency_{chosen.id}",
                )
        st.markdown("##### دوره‌های عضویت")
        st.caption("تاریخ شمسی؛ «عضو از» خالی یعنی از آغاز سوابق، «عضو تا» خالی یعنی هنوز عضو.")
        shown_periods = pd.DataFrame(
            [
                {
                    "عضو از": format_jalali(a) if a else "",
                    "عضو تا": format_jalali(b) if b else "",
                }
                for a, b in row["periods"]
            ],
            # The grid draws left to right: «عضو از» last, so a Persian reader meets it first.
            columns=["عضو تا", "عضو از"],
        )
        edited = st.data_editor(
            shown_periods,
            num_rows="dynamic",
            hide_index=True,
            key=f"agency_periods_{chosen.id}_{row['version']}",
            column_config={
                "عضو تا": st.column_config.TextColumn(),
                "عضو از": st.column_config.TextColumn(),
            },
        )
        if st.button("ذخیرهٔ دوره‌ها", disabled=not can_edit, key=f"periods_{chosen.id}"):
            periods = [
                (r["عضو از"] or None, r["عضو تا"] or None)
                for r in edited.fillna("").to_dict("records")
                if (r["عضو از"] or r["عضو تا"])
            ]
            run_command(
                url,
                lambda s, who: set_memberships(
                    s,
                    actor=who,
                    agency_id=agency_id,
                    periods=periods,
                    expected_version=int(row["version"]),
                ),
                done="دوره‌های عضویت ذخیره شد.",
                shown=f"agency_{chosen.id}",
            )

with leave:
    still = set(registry.loc[registry["active"], "id"].astype(int))
    active = {i: v for i, v in options.items() if i in still}
    chosen = pick("دستگاه", active, key="agency_leave_pick")
    if chosen is not None and not chosen.gone:
        how = st.radio(
            "چه شد؟",
            ["retire", "merge"],
            format_func={"retire": "از کارگروه بیرون رفت", "merge": "در دستگاه دیگری ادغام شد"}.get,
            horizontal=True,
            key="agency_leave_how",
        )
        into = None
        if how == "merge":
            others = {i: v for i, v in active.items() if i != chosen.id}
            into = pick("دستگاه مقصد", others, key="agency_merge_into")
            st.caption(
                "ردیف‌های باز این دستگاه با همان وضعیت به دستگاه مقصد منتقل می‌شوند، عضویتش"
                " پایان می‌یابد و حساب رابط‌هایش غیرفعال می‌شود؛ سوابق همه می‌ماند."
            )
        on = date_field(st, "تاریخ", today, key="agency_leave_on")
        reason = st.text_input(AGENCY_LABELS["reason"], key="agency_leave_reason")
        if st.button("ثبت", type="primary", disabled=not can_edit, key="agency_leave_go"):
            agency_id, agency_version = chosen.id, chosen.version
            if how == "retire":
                run_command(
                    url,
                    lambda s, who: retire_agency(
                        s,
                        actor=who,
                        agency_id=agency_id,
                        reason=reason,
                        on=on,
                        expected_version=agency_version,
                    ),
                    done="دستگاه بازنشسته شد؛ ردیف‌ها و سوابقش می‌ماند.",
                    forget=["agency_leave_reason"],
                )
            else:
                run_command(
                    url,
                    lambda s, who: merge_agency(
                        s,
                        actor=who,
                        agency_id=agency_id,
                        into_id=into.id if into is not None else 0,
                        reason=reason,
                        expected_version=agency_version,
                    ),
                    done=lambda n: f"ادغام انجام شد؛ {format_number(n)} ردیف باز منتقل شد.",
                    forget=["agency_leave_reason"],
                )


def show_members(preview: AgencyImportPreview) -> None:
    """The agencies a clean member list would register."""
    st.success(f"{format_number(len(preview.clean))} دستگاه بی‌خطا آمادهٔ ورود است.")
    st.dataframe(
        pd.DataFrame(
            {
                "دورهٔ عضویت": [periods_text(c["periods"]) for c in preview.clean],
                "نوع": [AGENCY_KIND_LABELS[c["kind"]] for c in preview.clean],
                "نام کوتاه": [c["short_name"] for c in preview.clean],
                "نام کامل": [c["name"] for c in preview.clean],
            }
        ),
        hide_index=True,
        width="stretch",
    )


MEMBER_LIST = ImportScreen(
    key="agency",
    intro=lambda columns: (
        f"فهرست دستگاه‌ها را با ستون‌های {columns} بارگذاری کنید. اگر حتی یک ردیف خطا"
        " داشته باشد هیچ ردیفی وارد نمی‌شود."
    ),
    template=agency_template_xlsx,
    template_file=file_name("الگوی دستگاه‌ها", ext="xlsx"),
    sheet=AGENCY_IMPORT,
    context=name_keys,
    show=show_members,
    button="ورود همهٔ دستگاه‌ها",
    command=import_agencies,
    done=lambda n: f"{format_number(n)} دستگاه وارد شد.",
)
with bulk:
    import_tab(url, MEMBER_LIST, allowed=can_edit)
