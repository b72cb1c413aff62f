from datetime import timedelta
from tests.conftest import NOW
from scorecard import aggregates, services, periods


def test_smoke(client, file, resolve, unit, moderator, rebuild):
    c = file(unit=unit, moderator=moderator, confidential=True)
    resolve(c, moderator, NOW + timedelta(days=1), rating=4)
    print(rebuild())
    r = client.get("/rapor")
    assert r.status_code == 200, r.get_data(as_text=True)[-3000:]
    r = client.get(f"/rapor/unit/{unit.id}")
    assert r.status_code == 200, r.get_data(as_text=True)[-3000:]
    r = client.get("/rapor/cara-penilaian")
    assert r.status_code == 200
    open("/tmp/city.html","w").write(client.get("/rapor").get_data(as_text=True))
    open("/tmp/unit.html","w").write(client.get(f"/rapor/unit/{unit.id}").get_data(as_text=True))
