import pytest


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/join/abc%00def/", "/phases/prerequisites/?q=%00", "/admin/?%00=1"])
def test_it_answers_400_to_a_nul_character_in_the_address(client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert b"NUL character" in response.content


@pytest.mark.django_db
def test_it_lets_ordinary_addresses_through(client):
    assert client.get("/healthz").status_code == 200
