"""A page kept as parts around one text: its gzip form, joined without compressing per
request, inflates to exactly the plain page, whatever the parts and the text."""

import gzip
import zlib

from hypothesis import given
from hypothesis import strategies as st

from ballot_app.web.fragments import Parts

TEXT = st.text(max_size=3000)


@given(TEXT, st.binary(max_size=300), TEXT)
def test_the_joined_gzip_inflates_to_the_plain_page(before, text, after):
    parts = Parts.of(before, after)
    packed = parts.gzipped(text)
    assert gzip.decompress(packed) == parts.plain(text) == before.encode() + text + after.encode()
    # One gzip member (browsers read the first only) with a valid trailer: zlib agrees.
    assert zlib.decompress(packed, 16 + zlib.MAX_WBITS) == parts.plain(text)


def test_a_repetitive_page_goes_out_at_a_fraction_of_its_size():
    row = "<fieldset class='row'><label><input type=radio name=f5_1 value=good>好</label>"
    parts = Parts.of("<html>" + row * 40, row * 40 + "</html>")
    packed = parts.gzipped(b"slip-value-0123456789")
    assert len(packed) * 5 < len(parts.plain(b"slip-value-0123456789"))
