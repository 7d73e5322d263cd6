"""Imports of KPI definitions, learners and modules: upserts, idempotence, row-level errors."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from conftest import run_import, write_file
from lms_roi.models import CostItem, Kpi, Learner, Module, ModuleKpi, ModuleVersion, Team

KPIS = """
    key,name,unit,direction,value_per_unit,period
    qualified_leads,Qualified leads,lead,higher,120,month
    cost_per_lead,Cost per lead,EUR,lower,35.5,month
    """

LEARNERS = """
    external_id,email,name,team,hourly_cost,manager_email,timezone,locale
    E1,Mia@Example.com,Mia Roux,Content Marketing,48.5,,Europe/Paris,fr
    E2,tom@example.com,Tom Blanc,Content Marketing,40,mia@example.com,,
    E3,ines@example.com,Inès Faure,Équipe SEO,42,mia@example.com,America/Montreal,fr_CA
    """

MODULES = """
    slug,title,method,duration_minutes,kpis,fixed_cost,cost_per_learner,summary,tags
    seo-basics,SEO basics,online,45,qualified_leads:1;cost_per_lead:0.5,3000,25,Rank,seo;content
    lead-scoring,Lead scoring,in_person,240,qualified_leads,0,150,,sales
    """


def test_kpi_definitions_insert_then_nothing_then_update(app, cli, db, tmp_path):
    path = write_file(tmp_path, "kpis.csv", KPIS)
    first = run_import(cli, path, "kpi-definitions")
    assert first.exit_code == 0, first.stderr
    assert "2 rows checked; changed: 2 inserted, 0 updated, 0 unchanged" in first.stdout
    again = run_import(cli, path, "kpi-definitions")
    assert "0 inserted, 0 updated, 2 unchanged" in again.stdout
    path.write_text(path.read_text().replace("35.5", "36"))
    third = run_import(cli, path, "kpi-definitions")
    assert "0 inserted, 1 updated, 1 unchanged" in third.stdout
    with app.app_context():
        cpl = db.session.scalar(select(Kpi).where(Kpi.key == "cost_per_lead"))
        assert (cpl.direction, cpl.period, cpl.value_per_unit) == ("lower", "month", Decimal("36"))


def test_kpi_definition_errors_name_row_column_and_fix(app, cli, db, tmp_path):
    path = write_file(
        tmp_path,
        "kpis.csv",
        """
        key,name,unit,direction,value_per_unit,period
        Leads,Leads,lead,higher,120,month
        csat,CSAT,score,up,40,month
        traffic,Traffic,visit,higher,-1,fortnight
        csat,CSAT again,score,higher,40,month
        """,
    )
    result = run_import(cli, path, "kpi-definitions")
    assert result.exit_code == 1
    errors = result.stderr.splitlines()
    assert f"{path}:2:key: KPI key 'Leads' is not valid (fix: use lower-case letters" in errors[0]
    assert (
        f"{path}:3:direction: direction 'up' is not allowed (fix: use one of: higher, lower)"
        in result.stderr
    )
    assert f"{path}:4:value_per_unit: value_per_unit -1 is below 0" in result.stderr
    assert f"{path}:4:period: period 'fortnight' is not allowed" in result.stderr
    assert f"{path}:5:key: 'csat' is already on row 3 (fix: keep one row per key)" in result.stderr
    assert errors[-1] == f"rejected: 5 problem(s) in {path}; nothing was written"
    with app.app_context():
        assert db.session.query(Kpi).count() == 0


def test_learners_with_teams_managers_and_roles(app, cli, db, tmp_path):
    path = write_file(tmp_path, "learners.csv", LEARNERS)
    result = run_import(cli, path, "learners")
    assert result.exit_code == 0, result.stderr
    assert "3 inserted, 0 updated, 0 unchanged" in result.stdout
    with app.app_context():
        people = {p.external_id: p for p in db.session.scalars(select(Learner))}
        assert people["E1"].email == "mia@example.com"
        assert people["E2"].manager_id == people["E1"].id
        assert people["E3"].team.slug == "equipe-seo" and people["E3"].team.name == "Équipe SEO"
        assert people["E3"].timezone == "America/Montreal" and people["E3"].locale == "fr_CA"
        assert people["E2"].timezone == "UTC"
        assert all(p.roles == {"learner"} for p in people.values())
        assert db.session.query(Team).count() == 2
    assert "0 inserted, 0 updated, 3 unchanged" in run_import(cli, path, "learners").stdout
    path.write_text(
        path.read_text().replace(
            "E3,ines@example.com,Inès Faure,Équipe SEO,42,mia",
            "E3,ines@example.com,Inès Faure,Équipe SEO,42,tom",
        )
    )
    moved = run_import(cli, path, "learners")
    assert "0 inserted, 1 updated, 2 unchanged" in moved.stdout
    with app.app_context():
        ines = db.session.scalar(select(Learner).where(Learner.external_id == "E3"))
        assert ines.manager.external_id == "E2"


def test_learner_errors(app, cli, db, tmp_path):
    path = write_file(
        tmp_path,
        "learners.csv",
        """
        external_id,email,name,team,hourly_cost,manager_email,timezone
        E1,not-an-email,Mia,Content,48,,
        E2,tom@example.com,,Content,forty,,Mars/Olympus
        E3,ines@example.com,Inès,SEO,42,boss@example.com,
        E1,mia@example.com,Mia,Content,48,,
        """,
    )
    result = run_import(cli, path, "learners")
    assert result.exit_code == 1
    for expected in (
        ":2:email: email 'not-an-email' is not an email address",
        ":3:name: name is empty (fix: write the name)",
        ":3:hourly_cost: hourly_cost 'forty' is not a number",
        ":3:timezone: time zone 'Mars/Olympus' is unknown (fix: use an IANA name",
        ":4:manager_email: no learner with email boss@example.com",
        ":5:external_id: 'E1' is already on row 2 (fix: keep one row per external_id)",
    ):
        assert f"{path}{expected}" in result.stderr
    with app.app_context():
        assert db.session.query(Learner).count() == 0


def test_email_of_another_learner_is_refused(app, cli, db, tmp_path):
    run_import(cli, write_file(tmp_path, "a.csv", LEARNERS), "learners")
    path = write_file(
        tmp_path,
        "b.csv",
        """
        external_id,email,name,team,hourly_cost
        E9,tom@example.com,Tom Twin,Content,40
        """,
    )
    result = run_import(cli, path, "learners")
    assert result.exit_code == 1
    assert f"{path}:2:email: tom@example.com already belongs to learner 'E2'" in result.stderr


def test_modules_with_kpi_weights_costs_tags_and_versions(app, cli, db, tmp_path):
    run_import(cli, write_file(tmp_path, "kpis.csv", KPIS), "kpi-definitions")
    path = write_file(tmp_path, "modules.csv", MODULES)
    result = run_import(cli, path, "modules")
    assert result.exit_code == 0, result.stderr
    assert "2 inserted, 0 updated, 0 unchanged" in result.stdout
    with app.app_context():
        seo = db.session.scalar(select(Module).where(Module.slug == "seo-basics"))
        weights = dict(
            db.session.execute(
                select(Kpi.key, ModuleKpi.weight).join(Kpi).where(ModuleKpi.module_id == seo.id)
            ).all()
        )
        assert weights == {"qualified_leads": 1.0, "cost_per_lead": 0.5}
        costs = {
            (c.basis, c.category, c.amount)
            for c in db.session.scalars(select(CostItem).where(CostItem.module_id == seo.id))
        }
        assert costs == {
            ("fixed", "development", Decimal("3000.00")),
            ("per_learner", "delivery", Decimal("25.00")),
        }
        assert seo.tag_names == ["content", "seo"] and seo.published
        assert [v.version for v in seo.versions] == [1]
    assert "0 inserted, 0 updated, 2 unchanged" in run_import(cli, path, "modules").stdout
    path.write_text(
        path.read_text().replace(
            "SEO basics,online,45,qualified_leads:1;cost_per_lead:0.5",
            "SEO basics v2,online,50,qualified_leads:0.8",
        )
    )
    changed = run_import(cli, path, "modules")
    assert "0 inserted, 1 updated, 1 unchanged" in changed.stdout
    with app.app_context():
        seo = db.session.scalar(select(Module).where(Module.slug == "seo-basics"))
        assert seo.current_version == 2 and seo.title == "SEO basics v2"
        assert db.session.scalar(
            select(ModuleVersion.change_note).where(
                ModuleVersion.module_id == seo.id, ModuleVersion.version == 2
            )
        ).startswith("Updated by import")
        assert dict(
            db.session.execute(
                select(Kpi.key, ModuleKpi.weight).join(Kpi).where(ModuleKpi.module_id == seo.id)
            ).all()
        ) == {"qualified_leads": 0.8}


def test_module_errors(app, cli, db, tmp_path):
    run_import(cli, write_file(tmp_path, "kpis.csv", KPIS), "kpi-definitions")
    path = write_file(
        tmp_path,
        "modules.csv",
        """
        slug,title,method,duration_minutes,kpis,fixed_cost,cost_per_learner
        SEO Basics,SEO,online,45,qualified_leads,0,0
        ads,Ads,webinar,0,revenue:1,0,0
        copy,Copy,online,30,qualified_leads:1.5,10,-5
        """,
    )
    result = run_import(cli, path, "modules")
    assert result.exit_code == 1
    for expected in (
        ":2:slug: slug 'SEO Basics' is not valid",
        ":3:method: method 'webinar' is not allowed "
        "(fix: use one of: in_person, online, blended, micro_learning)",
        ":3:duration_minutes: duration_minutes 0 is below 1",
        ":3:kpis: no KPI with key 'revenue' "
        "(fix: import it first with 'lms-roi import kpi-definitions'",
        ":4:kpis: weight 1.5 of qualified_leads is outside (0, 1]",
        ":4:cost_per_learner: cost_per_learner -5 is below 0",
    ):
        assert f"{path}{expected}" in result.stderr, result.stderr
    with app.app_context():
        assert db.session.query(Module).count() == 0


def test_learners_join_an_existing_team_by_name_whatever_its_slug(app, ctx, cli, tmp_path):
    ctx.session.add(Team(slug="content", name="Content Marketing"))
    ctx.session.commit()
    path = write_file(
        tmp_path,
        "learners.csv",
        """
        external_id,email,name,team,hourly_cost
        E1,mia@example.com,Mia Roux,content marketing,48
        E2,tom@example.com,Tom Blanc,Équipe SEO,40
        """,
    )
    assert cli.invoke(args=["lms-roi", "import", "learners", str(path)]).exit_code == 0
    teams = dict(ctx.session.execute(select(Team.slug, Team.name)).all())
    assert teams == {"content": "Content Marketing", "equipe-seo": "Équipe SEO"}
    learners = ctx.session.execute(select(Learner.external_id, Team.slug).join(Team)).all()
    assert sorted(learners) == [("E1", "content"), ("E2", "equipe-seo")]
