#!/usr/bin/env python3
"""Generate examples/corpus/17_new-york-diplomatic-bulletin_minusma.pdf.

The PDF is part of the sitrep demo corpus (CC0). It uses only a core font
(Helvetica) and Latin-1 text so that its text layer extracts cleanly.

Usage:
    python3 -m venv /tmp/corpusvenv && /tmp/corpusvenv/bin/pip install fpdf2
    /tmp/corpusvenv/bin/python scripts/corpus/make_pdf.py
"""
from pathlib import Path

from fpdf import FPDF

OUT = Path(__file__).resolve().parents[2] / "examples" / "corpus" / "17_new-york-diplomatic-bulletin_minusma.pdf"

TITLE = "Security Council creates UN peacekeeping mission for Mali"
BYLINE = "New York Diplomatic Bulletin - Issue 2013/17 - 26 April 2013 - By Helen Marsh"

PARAGRAPHS = [
    "The UN Security Council voted unanimously yesterday to set up a United Nations "
    "peacekeeping operation in Mali, to be known as the United Nations Multidimensional "
    "Integrated Stabilization Mission in Mali (MINUSMA).",
    "Resolution 2100, adopted on Thursday 25 April 2013, authorizes a force of up to "
    "11,200 military personnel and 1,440 police. The mission will absorb the "
    "African-led International Support Mission to Mali (AFISMA), authorized in "
    "December, and is due to take over its tasks on 1 July 2013, for an initial "
    "period of twelve months.",
    "Acting under Chapter VII of the Charter, the Council asks the mission to "
    "stabilize the main population centres in the north, notably Gao, Timbuktu and "
    "Kidal, to support the restoration of state authority, to protect civilians and "
    "to help the transitional authorities organise free and fair elections. The "
    "Council says the transfer may be delayed if security conditions are not met.",
    "The resolution also authorizes French forces, present in the country since the "
    "launch of Operation Serval on 11 January, to intervene in support of MINUSMA "
    "when its troops are under imminent and serious threat. France currently has "
    "about 4,000 soldiers in Mali and intends to reduce that number to about 1,000 "
    "by the end of the year.",
    "Secretary-General Ban Ki-moon welcomed the decision. Diplomats noted that a "
    "large share of the new force is expected to come from AFISMA contingents "
    "already on the ground, which will need to meet UN standards of equipment and "
    "conduct. Chad, whose troops fought alongside French forces in the mountains of "
    "the Adrar des Ifoghas, has said it wants its soldiers to join the mission.",
    "Mali's transitional government, led by interim President Dioncounda Traore, "
    "has set 28 July as the date for the first round of the presidential election. "
    "Many diplomats consider that timetable ambitious: the town of Kidal remains in "
    "the hands of the Tuareg separatist MNLA, which refuses to let the Malian army "
    "return, and refugees in Mauritania, Burkina Faso and Niger have yet to be "
    "registered to vote.",
    "The Council will review the mission's mandate in June 2014.",
]


class Bulletin(FPDF):
    def header(self):
        self.set_font("Helvetica", "I", 8)
        self.cell(0, 6, "New York Diplomatic Bulletin - Africa at the UN", align="L")
        self.ln(8)

    def footer(self):
        self.set_y(-12)
        self.set_font("Helvetica", "", 8)
        self.cell(0, 6, f"Page {self.page_no()} of {{nb}} - subscribers@example.org", align="C")


def main() -> None:
    pdf = Bulletin(format=(148, 210))  # A5 in mm
    pdf.alias_nb_pages()
    pdf.set_title(TITLE)
    pdf.set_author("New York Diplomatic Bulletin")
    pdf.set_creation_date(__import__("datetime").datetime(2013, 4, 26, 9, 0, 0))
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    pdf.multi_cell(0, 7, TITLE)
    pdf.ln(2)
    pdf.set_font("Helvetica", "", 8)
    pdf.multi_cell(0, 5, BYLINE)
    pdf.ln(3)
    pdf.set_font("Times", "", 10.5)
    for para in PARAGRAPHS:
        para.encode("latin-1")  # guard: core fonts only handle Latin-1
        pdf.multi_cell(0, 5, para, align="J")
        pdf.ln(2)
    pdf.output(str(OUT))
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
