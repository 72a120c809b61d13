"""محلات هدف: the registry of target neighborhoods and the service catalogue.

Everyone may read; the secretariat adds, edits and imports (resolutions 2 and 6).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Any

import pandas as pd
import streamlit as st

from data_layer.commands.neighborhoods import (
    create_neighborhood,
    import_neighborhoods,
    update_neighborhood,
)
from data_layer.commands.service_types import (
    ServiceTypeInput,
    create_service_type,
    update_service_type,
)
from data_layer.db import read_session
from data_layer.documents.names import file_name
from data_layer.documents.templates import neighborhood_template_xlsx
from data_layer.input.neighborhoods import (
    FIELD_LABELS,
    NEIGHBORHOOD_IMPORT,
    ImportPreview,
    NeighborhoodInput,
)
from data_layer.jalali import format_jalali, format_number, to_fa_digits
from data_layer.labels import NEIGHBORHOOD_KIND_LABELS
from data_layer.permissions import Action, Readable
from data_layer.queries.agencies import list_agencies
from data_layer.queries.places import list_neighborhoods, list_service_types
from ui import priorities as priority_views
from ui.county import county_note
from ui.imports import ImportScreen, import_tab
from ui.pickers import as_shown, distinct, pick
from ui.run import run_command
from ui.session import page_reader
from ui.theme import page_title

url, reader = page_reader(Readable.NEIGHBORHOODS)
can_edit = reader.may(Action.MANAGE_NEIGHBORHOODS)
county = reader.scope.county_id  # a county governorate's reader: its county only
with read_session(url) as s:
    hoods = list_neighborhoods(s, county_id=county)
    services = list_service_types(s)
    agencies = list_agencies(s)
agency_names = distinct(dict(zip(agencies["id"].astype(int), agencies["short_name"], strict=True)))

page_title(
    "محلات هدف و خدمات",
    "یک فهرست یکپارچه از محلات هدف استان (مصوبات ۲ و ۶) و هنجار نیاز هر خدمت",
    "محلات و خدمات نمونه است." if bool(hoods["is_sample"].any()) else None,
)
county_note(url, reader)
if not can_edit:
    st.caption("ویرایش این فهرست با دبیرخانه است.")

if county is None:
    registry, priorities, add, bulk, catalogue = st.tabs(
        [
            "فهرست محلات",
            "اولویت‌بندی فرمانداری‌ها",
            "افزودن / ویرایش محله",
            "ورود از اکسل یا CSV",
            "خدمات و هنجارها",
        ]
    )
else:
    registry, priorities = st.tabs(["فهرست محلات", "اولویت‌بندی محلات (مصوبه ۲)"])

with registry:
    k = st.columns(4)
    k[0].metric("محلات هدف", format_number(len(hoods)))
    k[1].metric("جمعیت", format_number(int(hoods["population"].sum())))
    k[2].metric("دارای دفتر تسهیل‌گری", format_number(int(hoods["has_facilitation_office"].sum())))
    k[3].metric(
        "دارای دفتر تحول اجتماعی", format_number(int(hoods["has_transformation_office"].sum()))
    )
    shown = pd.DataFrame(
        {
            "پرونده": [f"/dossier?id={int(i)}" for i in hoods["id"]],
            "دفتر تحول": ["✔" if x else "" for x in hoods["has_transformation_office"]],
            "دفتر تسهیل‌گری": ["✔" if x else "" for x in hoods["has_facilitation_office"]],
            "تاریخ اعلام": [
                format_jalali(d) if pd.notna(d) else "—" for d in hoods["announced_on"]
            ],
            "خانوار": hoods["households"].map(format_number),
            "جمعیت": hoods["population"].map(format_number),
            "نوع": hoods["kind"].map(NEIGHBORHOOD_KIND_LABELS),
            "شهرستان": hoods["county"],
            "محله": hoods["name"],
            "اولویت": [to_fa_digits(p) if pd.notna(p) else "—" for p in hoods["priority_rank"]],
        }
    )
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        height=420,
        column_config={"پرونده": st.column_config.LinkColumn(display_text="پرونده محله")},
    )

with priorities:
    if county is None:
        priority_views.secretariat_tab(url, reader)
    else:
        priority_views.county_tab(url, reader, hoods)
if county is not None:
    st.stop()  # the registry's editing and the catalogue are the province's


def hood_form(prefix: str, row: Mapping[Hashable, Any] | None) -> NeighborhoodInput | None:
    """The fields of one neighborhood; returns the input when submitted."""

    def v(k: str, d: Any = "") -> Any:
        return row[k] if row is not None and pd.notna(row[k]) else d

    with st.form(f"{prefix}_form", enter_to_submit=False):
        a, b = st.columns(2)
        county = a.text_input("شهرستان", value=v("county"), key=f"{prefix}_county")
        name = b.text_input("نام محله", value=v("name"), key=f"{prefix}_name")
        population = a.text_input("جمعیت", value=to_fa_digits(v("population")), key=f"{prefix}_pop")
        households = b.text_input("خانوار", value=to_fa_digits(v("households")), key=f"{prefix}_hh")
        kinds = list(NEIGHBORHOOD_KIND_LABELS)
        kind = a.selectbox(
            "نوع",
            kinds,
            index=kinds.index(v("kind", "marginal")),
            format_func=NEIGHBORHOOD_KIND_LABELS.__getitem__,
            key=f"{prefix}_kind",
        )
        priority = b.text_input(
            "رتبهٔ اولویت (مصوبه ۲)", value=to_fa_digits(v("priority_rank")), key=f"{prefix}_prio"
        )
        announced = a.text_input(
            "تاریخ اعلام به‌عنوان محلهٔ هدف",
            value=format_jalali(v("announced_on")) if v("announced_on") else "",
            placeholder="۱۴۰۳/۰۱/۱۵",
            key=f"{prefix}_ann",
        )
        c1, c2 = b.columns(2)
        facil = c1.checkbox(
            "دفتر تسهیل‌گری", value=bool(v("has_facilitation_office", False)), key=f"{prefix}_fac"
        )
        transform = c2.checkbox(
            "دفتر تحول اجتماعی",
            value=bool(v("has_transformation_office", False)),
            key=f"{prefix}_tr",
        )
        lat = a.text_input(
            "عرض جغرافیایی (اختیاری)", value=to_fa_digits(v("latitude")), key=f"{prefix}_lat"
        )
        lon = b.text_input(
            "طول جغرافیایی (اختیاری)", value=to_fa_digits(v("longitude")), key=f"{prefix}_lon"
        )
        if not st.form_submit_button("ذخیره", type="primary", disabled=not can_edit):
            return None
    return NeighborhoodInput(
        county=county,
        name=name,
        population=population,
        households=households,
        kind=kind,
        priority_rank=priority or None,
        announced_on=announced or None,
        has_facilitation_office=facil,
        has_transformation_office=transform,
        latitude=lat or None,
        longitude=lon or None,
    )


with add:
    options = {
        int(r["id"]): (f"{r['name']} ({r['county']})", int(r["version"]))
        for _, r in hoods.iterrows()
    }
    picked = pick("محله (خالی: محلهٔ تازه)", options, key="hood_pick", placeholder="— محلهٔ تازه —")
    target = None if picked is None or picked.gone else picked.id
    if picked is not None and picked.gone:
        st.warning("این محله دیگر در فهرست نیست؛ محلهٔ دیگری را انتخاب کنید.")
        st.stop()
    row = None
    if target is not None:  # the row as the person first saw it, with its version
        row = as_shown(f"hood_{target}", {**hoods.set_index("id").loc[target].to_dict()})
    # fresh widgets for every row and version shown
    prefix = "hood_new" if row is None else f"hood_{target}_v{row['version']}"
    data = hood_form(prefix, row)
    if data is not None and target is None:
        new = data
        run_command(
            url,
            lambda s, who: create_neighborhood(s, actor=who, data=new),
            done=lambda hood: f"محلهٔ «{hood.name}» افزوده شد.",
        )
    elif data is not None and target is not None:
        assert row is not None
        hood_id, changes, version = target, data, int(row["version"])
        run_command(
            url,
            lambda s, who: update_neighborhood(
                s, actor=who, neighborhood_id=hood_id, data=changes, expected_version=version
            ),
            done=lambda changed: "تغییرات ذخیره شد." if changed else "تغییری نبود.",
            shown=f"hood_{target}",
        )


def show_rows(preview: ImportPreview) -> None:
    """The neighborhoods a clean file would add (the first 50)."""
    st.success(f"{format_number(len(preview.rows))} ردیف بی‌خطا آمادهٔ ورود است.")
    st.dataframe(
        pd.DataFrame(preview.clean).head(50).rename(columns=FIELD_LABELS),
        hide_index=True,
        width="stretch",
    )


NEIGHBORHOODS = ImportScreen(
    key="hood",
    intro=lambda columns: (
        f"پرونده‌ای با این ستون‌ها بارگذاری کنید: {columns}. اگر حتی یک ردیف خطا داشته"
        " باشد، هیچ ردیفی وارد نمی‌شود تا پرونده اصلاح شود."
    ),
    template=neighborhood_template_xlsx,
    template_file=file_name("الگوی محلات هدف", ext="xlsx"),
    sheet=NEIGHBORHOOD_IMPORT,
    show=show_rows,
    button="ورود همهٔ ردیف‌ها",
    command=import_neighborhoods,
    done=lambda n: f"{format_number(n)} محله وارد شد.",
)
with bulk:
    import_tab(url, NEIGHBORHOODS, allowed=can_edit)

with catalogue:
    st.caption("هنجار: چند واحد از هر خدمت برای هر هزار نفر جمعیت لازم است؛ خالی یعنی بدون هنجار.")
    shown = pd.DataFrame(
        {
            "مصوبه": services["resolution_ref"],
            "هنجار در هزار نفر": [
                "—" if pd.isna(n) else format_number(n, 2) for n in services["norm_per_1000"]
            ],
            "دستگاه متولی": [
                agency_names.get(int(a), "—") if pd.notna(a) else "—"
                for a in services["owner_agency_id"]
            ],
            "واحد": services["unit"],
            "خدمت": services["name"],
        }
    )
    st.dataframe(shown, hide_index=True, width="stretch")
    chosen = pick(
        "خدمت (خالی: خدمت تازه)",
        {
            i: (n, int(v))
            for i, n, v in zip(services["id"], services["name"], services["version"], strict=True)
        },
        key="svc_pick",
        placeholder="— خدمت تازه —",
    )
    if chosen is not None and chosen.gone:
        st.warning("این خدمت دیگر در فهرست نیست؛ خدمت دیگری را انتخاب کنید.")
        st.stop()
    svc = None if chosen is None else chosen.id
    current = None  # the service as the person first saw it, with its version
    if svc is not None:
        current = as_shown(f"svc_{svc}", {**services.set_index("id").loc[svc].to_dict()})
    sk = "new" if current is None else f"{svc}_v{current['version']}"  # fresh widgets
    with st.form(f"svc_form_{sk}", enter_to_submit=False):
        a, b = st.columns(2)
        name = a.text_input(
            "نام خدمت", value="" if current is None else current["name"], key=f"svc_name_{sk}"
        )
        unit = b.text_input(
            "واحد", value="واحد" if current is None else current["unit"], key=f"svc_unit_{sk}"
        )
        owners = [None, *agency_names]
        owner_now = (
            None
            if current is None or pd.isna(current["owner_agency_id"])
            else int(current["owner_agency_id"])
        )
        owner = a.selectbox(
            "دستگاه متولی",
            owners,
            index=owners.index(owner_now),
            format_func=lambda i: "—" if i is None else agency_names[i],
            key=f"svc_owner_{sk}",
        )
        norm_now = (
            ""
            if current is None or pd.isna(current["norm_per_1000"])
            else to_fa_digits(current["norm_per_1000"])
        )
        norm = b.text_input("هنجار در هر هزار نفر", value=norm_now, key=f"svc_norm_{sk}")
        ref = a.text_input(
            "مصوبهٔ مرتبط",
            value="" if current is None else current["resolution_ref"],
            key=f"svc_ref_{sk}",
        )
        if st.form_submit_button("ذخیرهٔ خدمت", type="primary", disabled=not can_edit):
            data_in = ServiceTypeInput(
                name=name,
                unit=unit,
                owner_agency_id=owner,
                norm_per_1000=norm or None,
                resolution_ref=ref,
            )
            run_command(
                url,
                lambda s, who: (
                    create_service_type(s, actor=who, data=data_in)
                    if svc is None
                    else update_service_type(
                        s,
                        actor=who,
                        service_type_id=svc,
                        data=data_in,
                        expected_version=None if current is None else int(current["version"]),
                    )
                ),
                done=f"خدمت «{name}» ذخیره شد.",
                shown=f"svc_{svc}",
            )
