import pytest

from traguardo.demo.people import load_people_demo
from traguardo.plans.models import Cycle


@pytest.fixture
def people(demo: Cycle) -> Cycle:
    """The demo cycle with the card schemes, the fund and the staff registry loaded."""
    load_people_demo(demo)
    return demo
