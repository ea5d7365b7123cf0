//! The shared client registry: who may read and change it.

use crate::harness::*;

#[tokio::test]
async fn members_read_the_registry_and_admins_keep_it() {
    let s = Server::new().await;
    let mut admin = s.admin().await;
    let mut ola = s
        .member(&mut admin, "Ola Hansen", "ola.hansen@fjellfjord.no")
        .await;
    let page = ola.get("/clients").await;
    assert!(page.body.contains("Nordlys Energi"));
    assert!(
        !page.body.contains("/clients/save"),
        "no edit form for members"
    );
    let csrf = page.csrf();
    let r = ola
        .post("/clients/save", &[("csrf", &csrf), ("name", "Ola AS")])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = ola
        .post("/clients/delete", &[("csrf", &csrf), ("name", "Havnevest")])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = ola
        .upload("/clients/import", &csrf, "k.csv", b"name\nOla AS\n")
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(ola.get("/users").await.status, StatusCode::FORBIDDEN);
    let r = ola
        .post(
            "/users",
            &[
                ("csrf", &csrf),
                ("name", "X"),
                ("email", "x@y.no"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(s.app.store.registry().await.unwrap().len(), 6);

    // The admin adds, edits, imports and deletes.
    let csrf = admin.get("/clients").await.csrf();
    let r = admin
        .post(
            "/clients/save",
            &[
                ("csrf", &csrf),
                ("name", "Fjordbris AS"),
                ("domains", "fjordbris.no, fjordbris.com"),
                ("revenue", "1 200 000"),
                ("language", "nb"),
                ("travel_minutes", "30"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = admin
        .post(
            "/clients/save",
            &[
                ("csrf", &csrf),
                ("name", "Feil AS"),
                ("travel_minutes", "en halvtime"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("travel_minutes"), "{}", r.body);
    let csv = "Kundenr;Betegnelse;Revenue\n1;Bølgen AS;2 500 000\n";
    let r = admin
        .upload("/clients/import", &csrf, "k.csv", csv.as_bytes())
        .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "no name column: {}",
        r.body
    );
    // A Norwegian CRM export: its column names, the domain from the website.
    let csv =
        "Kunde;Nettsted;Omsetning;Språk\nBølgen AS;https://www.bolgen.no/om-oss;2 500 000;nb\n";
    let r = admin
        .upload("/clients/import", &csrf, "k.csv", csv.as_bytes())
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = admin.get("/clients?edit=Fjordbris%20AS").await;
    assert!(page.body.contains("fjordbris.no, fjordbris.com") && page.body.contains("Bølgen AS"));
    let page = admin.get("/clients?edit=B%C3%B8lgen%20AS").await;
    assert!(page.body.contains("bolgen.no"), "{}", page.body);
    let r = admin
        .post(
            "/clients/delete",
            &[("csrf", &csrf), ("name", "Fjordbris AS")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = admin
        .post(
            "/clients/delete",
            &[("csrf", &csrf), ("name", "Fjordbris AS")],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(s.app.store.registry().await.unwrap().len(), 7);
    // A second admin's address cannot be taken twice.
    let csrf = admin.get("/users").await.csrf();
    let r = admin
        .post(
            "/users",
            &[
                ("csrf", &csrf),
                ("name", "Ola 2"),
                ("email", "OLA.HANSEN@fjellfjord.no"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn members_cannot_change_the_registry_through_the_api() {
    let s = Server::new().await;
    let mut admin = s.admin().await;
    let mut ola = s.member(&mut admin, "Ola", "ola@fjellfjord.no").await;
    let token = ola.token().await;
    let r = api(
        &s,
        &token,
        "PUT",
        "/clients",
        Some(r#"[{"name":"Ola AS"}]"#),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(s.app.store.registry().await.unwrap().len(), 6);
}

#[tokio::test]
async fn a_client_name_is_never_overwritten() {
    let s = Server::new().await;
    let mut admin = s.admin().await;
    let csrf = admin.get("/clients").await.csrf();
    let before = s.app.store.registry().await.unwrap();
    let r = admin
        .post("/clients/save", &[("csrf", &csrf), ("name", "Havnevest")])
        .await;
    assert_eq!(
        r.status,
        StatusCode::CONFLICT,
        "a new client with a taken name"
    );
    let r = admin
        .post(
            "/clients/save",
            &[
                ("csrf", &csrf),
                ("original", "Tindra Design"),
                ("name", "Havnevest"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "a rename onto a taken name");
    assert_eq!(
        s.app.store.registry().await.unwrap(),
        before,
        "nothing changed"
    );
    let r = admin
        .post(
            "/clients/save",
            &[
                ("csrf", &csrf),
                ("original", "Tindra Design"),
                ("name", "Tindra AS"),
                ("domains", "tindra.no"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let names: Vec<String> = s
        .app
        .store
        .registry()
        .await
        .unwrap()
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    assert!(
        names.contains(&"Tindra AS".to_owned()) && !names.contains(&"Tindra Design".to_owned())
    );
}
