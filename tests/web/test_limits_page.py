def test_smoke(signed_in, store, clock):
    from appliance.accounts import create_token
    create_token(store, "school-script", clock.now())
    c = signed_in("admin")
    r = c.get("/admin/limits")
    print(r.get_data(as_text=True))
    assert r.status_code == 200
