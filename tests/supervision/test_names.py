"""Names compared across scripts, word order and legal forms; registration numbers normalised."""

from __future__ import annotations

import pytest

from app.supervision.names import name_similarity, normalise_registration_number


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Huaya IP Registration Service Centre", "华亚知识产权注册服务中心"),
        ("Huaya IP Registration Service Centre", "華亞知識產權註冊服務中心有限公司"),
        (
            "Hua Ya Intellectual Property Registration Service Centre Limited",
            "华亚知识产权注册服务中心有限公司",
        ),
        ("Cardew & Thornbury LLP", "Cardew Thornbury LLP"),
        ("Berg & Lind Patentbyrå AB", "BERG AND LIND PATENTBYRA"),
        ("Dupont SARL", "S.A.R.L. Dupont"),
        ("Zhang Wei", "张伟"),
        ("Ivanov Partners", "Иванов Партнёры"),
        ("Ｈｕａｙａ ＩＰ Ｃｅｎｔｅｒ", "Huaya IP Centre"),
    ],
)
def test_the_same_provider_is_recognised_in_another_spelling_or_script(first, second):
    assert name_similarity(first, second) >= 0.85


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Beijing IP Agency", "Shanghai IP Agency"),
        ("IP Registration Service Centre", "Hua Ya IP Registration Service Centre"),
        ("Cardew Thornbury LLP", "Hua Ya IP Registration Service Centre"),
        ("Anna Berg", "Anne Bergström"),
    ],
)
def test_different_providers_are_not_confused(first, second):
    assert name_similarity(first, second) < 0.85


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("OC418273", "OC418273"),
        ("oc 418-273", "OC418273"),
        ("CR No. 2384615", "2384615"),
        ("Reg. no: HRB 1234", "HRB1234"),
        ("NO123", "NO123"),
        (None, ""),
    ],
)
def test_registration_numbers_are_compared_without_labels_and_punctuation(raw, normalised):
    assert normalise_registration_number(raw) == normalised
