"""The pages a newcomer sees first."""


def test_home_shows_open_calls(client, programme):
    response = client.get("/")
    assert response.status_code == 200
    assert b"Call " in response.data


def test_login_and_logout(client, auth):
    response = auth.login("applicant")
    assert response.status_code == 302
    assert client.get("/proposals/mine").status_code == 200
    auth.logout()
    assert client.get("/proposals/mine").status_code == 302
