"""پرونده محله: one target neighborhood's dossier (resolution 6), opened by its id
(/dossier?id=12) from the neighborhoods registry and the coverage screen: facts,
indicators against baseline and target, services and gaps, the rows that concern it,
its studies and documents, and its prioritized problems with their plans; as a PDF."""

from __future__ import annotations

from typing import Any

import streamlit as st

from data_layer.commands.dossier import add_document, withdraw_document
from data_layer.commands.evidence import EVIDENCE_TYPES, MAX_EVIDENCE_BYTES
from data_layer.commands.problems import add_problem, edit_problem, move_problem, withdraw_problem
from data_layer.documents.dossier import rows_of
from data_layer.jalali import format_jalali, format_number, local_today
from data_layer.models_dossier import DOCUMENT_KIND_LABELS
from data_layer.permissions import OTHER_COUNTY, Action, Readable
from data_layer.queries.dossier import Dossier
from ui import dossier_view as dv
from ui.dossier_indicators import indicators_section, trend_specs
from ui.freshness import current_version, keep_fresh
from ui.html import show
from ui.jalali_picker import date_field
from ui.pickers import distinct
from ui.run import Command, run_command
from ui.session import page_reader
from ui.theme import page_title
from ui.uploads import uploader

NOT_FOUND = "محله‌ای با این شناسه پیدا نشد؛ محله را از فهرست زیر برگزینید."

url, reader = page_reader(Readable.DOSSIER)
today = local_today()
version = current_version(url)
keeper = reader.may(Action.MANAGE_NEIGHBORHOODS)  # the secretariat keeps the dossier

options = dv.choices(url, reader.scope, version)
hoods = distinct(options["hoods"])
asked = str(st.query_params.get("id", ""))
hood_id = int(asked) if asked.isdigit() and int(asked) in hoods else None
if asked and hood_id is None:
    if asked.isdigit() and dv.outside_scope(url, reader.scope, int(asked), version):
        st.error(OTHER_COUNTY)  # another county's neighborhood, to a county's reader
        st.stop()
    st.warning(NOT_FOUND)
if not asked and hoods:
    hood_id = next(iter(hoods))  # no id given: the first neighborhood by priority


PICK = f"dossier_pick_{hood_id}"  # a fresh picker for each neighborhood opened


def _open() -> None:
    chosen = st.session_state.get(PICK)
    if chosen is not None:
        st.query_params["id"] = str(chosen)


st.selectbox(
    "محله",
    list(hoods),
    index=list(hoods).index(hood_id) if hood_id is not None else None,
    format_func=hoods.__getitem__,
    placeholder="محله‌ای را برگزینید",
    key=PICK,
    on_change=_open,
)
if hood_id is None:
    if not hoods:
        st.caption("هنوز محلهٔ هدفی ثبت نشده است.")
    st.stop()
hid = int(hood_id)
d: Dossier | None = dv.dossier(url, reader.scope, hid, today, version)
if d is None:
    st.warning(NOT_FOUND)
    st.stop()

page_title(
    f"پرونده محله {d.name}",
    "واقعیت‌ها، شاخص‌ها، خدمات و کمبودها، مصوبات، اسناد و مسائل اولویت‌دار",
    "داده‌های این محله نمونه است." if d.is_sample else None,
)
show(dv.facts_html(d))
st.download_button(
    "دریافت پرونده (PDF)",
    # Built when pressed (WeasyPrint takes a second or two), not on every visit.
    lambda: dv.pdf_bytes(url, reader.scope, hid, today),
    file_name=f"dossier-{hid}.pdf",
    mime="application/pdf",
    key="dossier_pdf",
    icon=":material/picture_as_pdf:",
    on_click="ignore",
)

st.markdown("#### شاخص‌ها در برابر مبنا و هدف")
indicators_section(d, trend_specs(url, reader.scope, hid, today, version))

st.markdown("#### خدمات و کمبودها")
show(dv.services_html(d))
if d.deliveries.empty:
    st.caption("هیچ دستگاهی در این محله خدمتی ثبت نکرده است.")
else:
    show(dv.deliveries_html(d))

st.markdown("#### ردیف‌های مصوبات که به این محله مربوط است")
if d.rows.empty:
    st.caption("هنوز ردیفی از مصوبات این محله را نام نبرده است.")
else:
    show(dv.rows_html(d))


def drop_document(doc_id: int, why: str) -> Command[None]:
    """Remove one document, with the reason typed beside it."""
    return lambda s, who: withdraw_document(s, actor=who, document_id=doc_id, reason=why)


def move(pid: int, pv: int, step: int) -> Command[None]:
    """Move one problem up (-1) or down (+1), as the page showed it."""
    return lambda s, who: move_problem(s, actor=who, problem_id=pid, expected_version=pv, step=step)


def edit(pid: int, pv: int, values: dict[str, Any]) -> Command[None]:
    """Save one problem's form."""
    return lambda s, who: edit_problem(
        s, actor=who, problem_id=pid, expected_version=pv, values=values
    )


def drop(pid: int, pv: int, why: str) -> Command[None]:
    """Remove one problem, with the reason typed beside it."""
    return lambda s, who: withdraw_problem(
        s, actor=who, problem_id=pid, expected_version=pv, reason=why
    )


# --- studies and documents --------------------------------------------------------------

st.markdown("#### مطالعات و اسناد")
if d.documents.empty:
    st.caption("سندی ثبت نشده است.")
else:
    show(dv.documents_html(d))
    files = dv.document_files(url, reader.scope, hood_id, version)
    for row in rows_of(d.documents):
        doc_id = int(row.id)
        blob = files.get(doc_id)
        cols = st.columns([3, 1, 2, 1]) if keeper else st.columns([3, 1])
        cols[0].text(f"{row.title} — {format_jalali(row.issued_on) or 'بی‌تاریخ'}")
        if blob is not None:
            cols[1].download_button(
                "دریافت",
                blob.content,
                file_name=blob.filename,
                mime=blob.content_type,
                key=f"doc_dl_{doc_id}",
            )
        if keeper:
            why = cols[2].text_input("دلیل حذف", key=f"doc_why_{doc_id}")
            if cols[3].button("حذف", key=f"doc_rm_{doc_id}"):
                run_command(
                    url,
                    drop_document(doc_id, why),
                    done="سند از پرونده برداشته شد؛ در تاریخچه می‌ماند.",
                )
if keeper:
    with st.expander("افزودن سند یا مطالعه", icon=":material/upload_file:"):
        c = st.columns(2)
        kind = c[0].selectbox(
            "نوع سند",
            list(DOCUMENT_KIND_LABELS),
            format_func=DOCUMENT_KIND_LABELS.__getitem__,
            key="doc_kind",
        )
        title = c[1].text_input("عنوان", key="doc_title")
        issued = date_field(c[0], "تاریخ سند", None, key="doc_date")
        source = c[1].text_input("منبع", key="doc_source")
        limit_mb = MAX_EVIDENCE_BYTES // 1024 // 1024
        upload = uploader(
            "پرونده",
            key="doc_upload",
            max_mb=limit_mb,
            types=sorted(e.lstrip(".") for e in EVIDENCE_TYPES),
        )
        if st.button("افزودن سند", key="doc_add", type="primary"):
            name = upload.name if upload is not None else ""
            content = upload.getvalue() if upload is not None else b""
            run_command(
                url,
                lambda s, who: add_document(
                    s,
                    actor=who,
                    neighborhood_id=hid,
                    kind=kind,
                    title=title,
                    issued_on=issued,
                    source=source,
                    filename=name,
                    content=content,
                ),
                done="سند به پرونده افزوده شد.",
            )

# --- prioritized problems ---------------------------------------------------------------

st.markdown("#### مسائل اولویت‌دار و برنامهٔ عملیاتی")
agencies = distinct(options["agencies"])
indicator_names = distinct(dv.indicator_choices(url, reader.scope, version))


def plan_form(prefix: str, row: Any = None) -> dict[str, Any]:
    """The fields of a problem and its plan (filled from `row` when editing)."""
    c = st.columns(2)
    values: dict[str, Any] = {
        "title": c[0].text_input("مسئله", value=row.title if row else "", key=f"{prefix}_t"),
        "agency_id": c[1].selectbox(
            "دستگاه مسئول",
            [None, *agencies],
            index=[None, *agencies].index(row.agency_id)
            if row is not None and row.agency_id in agencies
            else 0,
            format_func=lambda a: "—" if a is None else agencies[a],
            key=f"{prefix}_a",
        ),
    }
    values["description"] = st.text_area(
        "شرح", value=row.description if row else "", key=f"{prefix}_d", height=80
    )
    values["actions"] = st.text_area(
        "اقدامات برنامه", value=row.actions if row else "", key=f"{prefix}_p", height=100
    )
    c = st.columns(2)
    values["due_date"] = date_field(
        c[0], "سررسید", row.due_date if row else None, key=f"{prefix}_due"
    )
    ids = [None, *indicator_names]
    current = row.indicator_id if row is not None else None
    values["indicator_id"] = c[1].selectbox(
        "شاخص هدف",
        ids,
        index=ids.index(current) if current in ids else 0,
        format_func=lambda i: "—" if i is None else indicator_names[i],
        key=f"{prefix}_i",
    )
    return values


if d.problems.empty:
    st.caption("مسئله‌ای برای این محله ثبت نشده است.")
for row in rows_of(d.problems):
    pid, pv = int(row.id), int(row.version)
    show(dv.problem_html(row))
    if not keeper:
        continue
    b = st.columns([1, 1, 4])
    if b[0].button("بالاتر", key=f"up_{pid}", icon=":material/arrow_upward:"):
        run_command(url, move(pid, pv, -1), done="ترتیب مسائل ذخیره شد.")
    if b[1].button("پایین‌تر", key=f"down_{pid}", icon=":material/arrow_downward:"):
        run_command(url, move(pid, pv, 1), done="ترتیب مسائل ذخیره شد.")
    with b[2].expander("ویرایش یا حذف"):
        values = plan_form(f"pe{pid}v{pv}", row)
        if st.button("ذخیرهٔ مسئله", key=f"save_{pid}", type="primary"):
            run_command(url, edit(pid, pv, values), done="مسئله ذخیره شد.")
        why = st.text_input("دلیل حذف", key=f"pwhy_{pid}")
        if st.button("حذف مسئله", key=f"prm_{pid}"):
            run_command(url, drop(pid, pv, why), done="مسئله برداشته شد؛ در تاریخچه می‌ماند.")
if keeper:
    with st.expander("افزودن مسئله با برنامهٔ عملیاتی", icon=":material/add:"):
        fresh = plan_form("pnew")
        if st.button("افزودن مسئله", key="problem_add", type="primary"):
            run_command(
                url,
                lambda s, who: add_problem(s, actor=who, neighborhood_id=hid, values=fresh),
                done="مسئله افزوده شد.",
            )
st.caption(f"پرونده در {format_jalali(today)} خوانده شد؛ {format_number(len(d.rows))} ردیف مرتبط.")
keep_fresh(url, version)
