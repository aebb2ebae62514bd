"""The app's matcher follows the database: approvals, edits, withdrawals, rollbacks, CLI."""

from __future__ import annotations

from app.matches.engine import ensure_loaded, get_matcher
from app.matches.services import match_need, search_text
from app.workflow import PROFILE_WORKFLOW, ApplicationStatus, Role
from tests.factories import make_need, make_profile, make_user


def _ids(result) -> list[int]:
    return [hit.id for hit in result.hits]


def test_approval_makes_a_profile_findable_at_once(db):
    officer = make_user(role=Role.OFFICER)
    profile = make_profile(
        summary="Plant variety protection and seed licensing in Yangling", status=ApplicationStatus.SUBMITTED
    )
    db.session.commit()
    ensure_loaded("professional")
    assert profile.id not in _ids(search_text("seed licensing", "professional"))

    PROFILE_WORKFLOW.apply(profile, ApplicationStatus.APPROVED, officer)
    db.session.commit()
    assert _ids(search_text("seed licensing plant variety", "professional"))[0] == profile.id


def test_edit_of_approved_profile_is_reindexed(db):
    profile = make_profile(
        summary="Trademark squatting disputes in Vietnam", status=ApplicationStatus.APPROVED
    )
    db.session.commit()
    ensure_loaded("professional")
    profile.summary = "Customs recordal and anti-counterfeiting raids in the Gulf states"
    db.session.commit()
    hit = search_text("anti-counterfeiting customs Gulf", "professional").hits[0]
    assert hit.id == profile.id
    assert "Gulf" in hit.best_sentence


def test_withdrawn_profile_leaves_the_index(db):
    owner = make_user(role=Role.APPLICANT)
    profile = make_profile(
        user=owner, summary="FTO analysis of NEV batteries", status=ApplicationStatus.APPROVED
    )
    db.session.commit()
    ensure_loaded("professional")
    PROFILE_WORKFLOW.apply(profile, ApplicationStatus.WITHDRAWN, owner)
    db.session.commit()
    assert profile.id not in _ids(search_text("NEV batteries FTO", "professional"))


def test_deleted_profile_leaves_the_index(db):
    profile = make_profile(summary="Aerospace composites patents", status=ApplicationStatus.APPROVED)
    db.session.commit()
    ensure_loaded("professional")
    profile_id = profile.id
    db.session.delete(profile)
    db.session.commit()
    assert profile_id not in _ids(search_text("aerospace composites", "professional"))


def test_rolled_back_change_does_not_reach_the_index(db):
    profile = make_profile(summary="Biotech oppositions at the EPO", status=ApplicationStatus.SUBMITTED)
    db.session.commit()
    ensure_loaded("professional")
    profile.status = ApplicationStatus.APPROVED
    db.session.flush()
    db.session.rollback()
    assert _ids(search_text("EPO biotech", "professional")) == []


def test_need_requirements_filter_candidates(db):
    speaks_japanese = make_profile(
        summary="Semiconductor patents, Japan",
        status=ApplicationStatus.APPROVED,
        languages=[{"code": "ja", "level": "C1"}],
        years_experience=10,
    )
    make_profile(
        summary="Semiconductor patents, Germany",
        status=ApplicationStatus.APPROVED,
        languages=[{"code": "de", "level": "native"}],
        years_experience=10,
    )
    need = make_need(
        description="Semiconductor patent attorney", required_languages=[{"code": "ja", "level": "B2"}]
    )
    db.session.commit()
    result = match_need(need, "professional")
    assert _ids(result) == [speaks_japanese.id]
    assert result.filtered_out == {"language:ja": 1}


def test_another_process_saving_the_index_makes_this_one_reload(db):
    make_profile(summary="Patent valuation for pledge financing", status=ApplicationStatus.APPROVED)
    db.session.commit()
    matcher = ensure_loaded("professional")
    other = make_profile(
        summary="Licensing negotiations for 5G standard essential patents", status=ApplicationStatus.APPROVED
    )
    db.session.commit()  # this process applies it to its index...
    manifest = matcher.index_dir / "professional" / "manifest.json"
    manifest.touch()  # ...and now pretend another process saved after it
    assert not matcher.is_current("professional")
    assert _ids(search_text("5G SEP licensing", "professional"))[0] == other.id
    assert get_matcher().is_current("professional")


def test_cli_rebuild_match_and_search(app, db):
    make_profile(
        headline="Engineer",
        summary="Semiconductor lithography patents for Japanese clients",
        status=ApplicationStatus.APPROVED,
    )
    need = make_need(description="Semiconductor lithography patent attorney")
    db.session.commit()
    runner = app.test_cli_runner()
    rebuilt = runner.invoke(args=["matching", "rebuild-index", "--kind", "professional"])
    assert rebuilt.exit_code == 0, rebuilt.output
    assert "professional: 1 records rebuilt (missing) in" in rebuilt.output
    assert "records/s" in rebuilt.output
    again = runner.invoke(args=["matching", "rebuild-index", "--kind", "professional"])
    assert "professional: 1 records loaded in" in again.output
    forced = runner.invoke(args=["matching", "rebuild-index", "--kind", "professional", "--force"])
    assert "professional: 1 records rebuilt (asked) in" in forced.output
    matched = runner.invoke(args=["matching", "match", "--need", str(need.id)])
    assert matched.exit_code == 0, matched.output
    assert "1 professional candidates" in matched.output
    assert "lithography" in matched.output
    searched = runner.invoke(args=["matching", "search", "lithography"])
    assert "professional #" in searched.output
    missing = runner.invoke(args=["matching", "match", "--need", "999999"])
    assert missing.exit_code != 0
    assert "no zone need with id 999999" in missing.output
