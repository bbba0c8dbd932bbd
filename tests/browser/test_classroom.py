"""Classroom mode in Chromium: a teacher signs up and creates a class; two children
join from two browsers with the code and a first name and play (offline storyteller);
the teacher's page shows both with the figures their own recaps show. A child of
another class is refused Ada's adventure (404, socket 4403). Screenshots of the
teacher's pages (classroom-*.png) and axe on every new page."""

from __future__ import annotations

import re

from tests.browser.conftest import shot
from tests.browser.test_play import assert_no_axe_violations, choose, wait_for_chapter

PASSWORD = "a-long-Passphrase-for-42-owls"
WORLD, TOPIC = "mossglow-forest", "ocean-life"


def sign_up_teacher(page, base: str, username: str) -> None:
    page.goto(f"{base}/teach/signup/")
    page.fill("#id_username", username)
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.get_by_role("button", name="Make my teacher account").click()
    page.wait_for_url(f"{base}/teach/")


def create_class(page, base: str, name: str) -> str:
    """Create a class; returns its code as the page shows it."""
    page.goto(f"{base}/teach/classes/new/")
    page.fill("#id_name", name)
    page.get_by_role("button", name="Create the class").click()
    page.wait_for_url(re.compile(r"/teach/classes/\d+/$"))
    return page.get_attribute(".class-code", "data-class-code")


def join(page, base: str, code: str, name: str) -> None:
    page.goto(f"{base}/join/")
    page.fill("#id_code", f"{code[:3].lower()} {code[3:]}")  # as a child might type it
    page.fill("#id_name", name)
    page.get_by_role("button", name="Join").click()
    page.wait_for_url(f"{base}/")
    assert f"Playing as {name}" in page.locator(".site-nav").inner_text()


def play(page, base: str, chapters: int) -> str:
    """Start the class's adventure and read `chapters` chapters (choosing at the end of
    all but the last); returns the reader's URL."""
    page.goto(f"{base}/")
    # The class offers one world and one topic: they are already picked.
    assert page.locator("input[name=world]").count() == 1
    assert page.locator("input[name=topic]").count() == 1
    page.get_by_role("button", name="Begin the adventure").click()
    page.wait_for_url(re.compile(r"/adventures/[0-9a-f-]{36}/$"))
    url = page.url
    for number in range(1, chapters):
        wait_for_chapter(page, number)
        choose(page, number, index=number % 3)
    wait_for_chapter(page, chapters)
    return url


def own_figures(page, reader_url: str) -> tuple[int, int, int]:
    """(chapters, questions right, questions answered) as the child's own recap shows them."""
    page.goto(reader_url + "recap/")
    return (
        page.locator("[data-recap-chapter]").count(),
        page.locator("[data-recap-question] .badge--right").count(),
        page.locator("[data-recap-question] .badge").count(),
    )


def socket_answer(page, base: str, adventure_path: str) -> object:
    """What this browser's socket to the adventure gets first: "served" or its close code."""
    ws = base.replace("http", "ws", 1) + "/ws" + adventure_path
    return page.evaluate(
        """url => new Promise(resolve => {
            const socket = new WebSocket(url);
            socket.onmessage = () => { resolve("served"); socket.close(); };
            socket.onclose = event => resolve(event.code);
        })""",
        ws,
    )


def test_a_teacher_runs_a_class_of_two_and_sees_what_each_child_did(browser, live_server_url):
    base = live_server_url
    contexts = [browser.new_context(viewport={"width": 1100, "height": 900}) for _ in range(4)]
    teacher, ada, bo, cy = (context.new_page() for context in contexts)
    try:
        sign_up_teacher(teacher, base, "ms-rowan")
        assert_no_axe_violations(teacher, "teacher's classes, empty")
        code = create_class(teacher, base, "Year 5 Oaks")
        assert re.fullmatch(r"[ABCDEFGHJKMNPQRSTUVWXYZ2-9]{6}", code)
        # The class plays one world, one topic, short adventures.
        teacher.locator('#settings label.pill:has-text("Mossglow Forest") input').check()
        teacher.locator('#settings label.pill:has-text("Ocean Life") input').check()
        teacher.locator('#settings input[name=length][value="6"]').check()
        teacher.get_by_role("button", name="Save").click()
        teacher.wait_for_url(re.compile(r"/teach/classes/\d+/#settings$"))
        class_url = teacher.url.split("#")[0]

        ada.goto(f"{base}/join/")
        shot(ada, "classroom-join")
        assert_no_axe_violations(ada, "join page")
        join(ada, base, code, "Ada")
        shot(ada, "classroom-start-page-of-a-class")
        assert_no_axe_violations(ada, "start page of a class member")
        join(bo, base, code, "Bo")
        ada_reader = play(ada, base, 6)  # the whole short adventure
        bo_reader = play(bo, base, 4)  # past the lesson in chapter 3
        assert ada.get_attribute("#chapter", "data-kind") == "conclusion"
        ada_own, bo_own = own_figures(ada, ada_reader), own_figures(bo, bo_reader)
        assert ada_own[0] == 6 and bo_own[0] == 4 and ada_own[2] == bo_own[2] == 1

        teacher.goto(class_url)
        for name, (chapters, right, asked), finished in (("Ada", ada_own, 1), ("Bo", bo_own, 0)):
            row = teacher.locator(f'tr[data-child="{name}"]')
            assert row.locator("[data-started]").inner_text() == "1"
            assert row.locator("[data-finished]").inner_text() == str(finished)
            assert row.locator("[data-chapters]").inner_text() == str(chapters)
            assert row.locator("[data-questions]").inner_text() == f"{right} of {asked}"
        answered = sum(
            int(n) for n in teacher.locator("tr[data-question]").evaluate_all("rs => rs.map(r => r.dataset.asked)")
        )
        assert answered == 2
        assert teacher.locator("tr[data-child]").count() == 2
        shot(teacher, "classroom-class-page")
        assert_no_axe_violations(teacher, "class page")

        teacher.locator('tr[data-child="Ada"] a').click()
        teacher.wait_for_url(re.compile(r"/children/\d+/$"))
        shot(teacher, "classroom-child-page")
        assert_no_axe_violations(teacher, "child's page")
        teacher.get_by_role("link", name=re.compile("^Recap")).first.click()
        assert teacher.locator("[data-recap-chapter]").count() == 6
        shot(teacher, "classroom-child-recap")

        teacher.goto(class_url + "cards/")
        assert teacher.locator("[data-rejoin]").count() == 2
        shot(teacher, "classroom-cards")
        assert_no_axe_violations(teacher, "cards")
        card = teacher.get_attribute('[data-rejoin="Ada"] [data-card-code]', "data-card-code")

        # Ada on a tablet: the class code, her name and her card's code.
        tablet_context = browser.new_context()
        tablet = tablet_context.new_page()
        assert tablet.goto(ada_reader).status == 404
        tablet.goto(f"{base}/join/")
        tablet.fill("#id_code", code)
        tablet.fill("#id_name", "Ada")
        tablet.fill("#id_card", card)
        tablet.get_by_role("button", name="Join").click()
        tablet.wait_for_url(f"{base}/")
        assert tablet.goto(ada_reader).status == 200
        tablet_context.close()
        teacher.goto(f"{base}/teach/")
        shot(teacher, "classroom-teacher-home")
        assert_no_axe_violations(teacher, "teacher's classes")

        # Children never see each other: Bo gets a 404 on Ada's adventure.
        adventure_path = ada_reader.removeprefix(base)
        assert bo.goto(ada_reader).status == 404

        # A child of another class: 404 on every page of Ada's adventure, 4403 on its socket.
        other = browser.new_context()
        other_teacher = other.new_page()
        sign_up_teacher(other_teacher, base, "mr-birch")
        other_code = create_class(other_teacher, base, "Year 6 Elms")
        other.close()
        join(cy, base, other_code, "Cy")
        assert cy.goto(ada_reader).status == 404
        assert cy.goto(ada_reader + "recap/").status == 404
        assert socket_answer(cy, base, adventure_path) == 4403
        assert socket_answer(bo, base, adventure_path) == 4403
        assert socket_answer(ada, base, adventure_path) == "served"

    finally:
        for context in contexts:
            context.close()
