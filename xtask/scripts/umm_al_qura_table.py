"""Prints the Umm al-Qura month lengths for crates/protocol/src/hijri/table.rs, read from the
`hijridate` package (which carries the official table of the King Abdulaziz City for Science and
Technology, 1343-1500 AH). Run again only if the table itself is revised:

    pip install hijridate==2.5.0 && python3 xtask/scripts/umm_al_qura_table.py
"""

from hijridate import Hijri

FIRST, LAST = 1343, 1500

start = Hijri(FIRST, 1, 1).to_gregorian()
# The table's early years have months of 28 and 31 days, so each length is kept as it is.
rows = [[Hijri(year, month, 1).month_length() for month in range(1, 13)] for year in range(FIRST, LAST + 1)]

print(f"pub const FIRST_YEAR: i32 = {FIRST};")
print(f"/// 1 Muharram {FIRST} AH = {start.isoformat()}.")
print(f"pub const FIRST_DAY: (i32, u32, u32) = ({start.year}, {start.month}, {start.day});")
print(f"/// The length of each month, one row per year from {FIRST}. Eight months of 1343-1364 AH have")
print("/// 28 or 31 days: so the table of `hijridate` 2.5.0 gives them (`hijridate/ummalqura.py`,")
print("/// `MONTH_STARTS`; the package states its data is verified against original references). A")
print("/// computed calendar has only 29 and 30: see crates/protocol/tests/umm_al_qura_jdk.rs.")
print(f"pub const MONTHS: [[u8; 12]; {len(rows)}] = [")
for row in rows:
    print("    [" + ", ".join(str(n) for n in row) + "],")
print("];")
