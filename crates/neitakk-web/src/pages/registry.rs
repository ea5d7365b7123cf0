//! The client registry: everyone reads it, admins keep it.

use super::*;

fn client_row(c: &Client, tier: neitakk_core::Weight, lang: Lang) -> Value {
    context! {
        key => serde_urlencoded::to_string([("", &c.name)]).unwrap_or_default().trim_start_matches('=').to_owned(),
        name => c.name,
        // "*": derived from revenue, not set by hand.
        tier => format!("{}{}", words::weight(tier, lang), if c.tier.is_none() && c.revenue.is_some_and(|r| r > 0.0) { " *" } else { "" }),
        revenue => c.revenue.map_or(String::new(), |r| format!("{r:.0}")),
        domains => c.domains.join(", "),
        language => c.language.map_or("", Lang::as_str),
        account_manager => c.account_manager_name.clone().or_else(|| c.account_manager.clone()).unwrap_or_default(),
        travel => c.travel_minutes.map_or(String::new(), minutes),
    }
}

pub async fn clients(State(app): State<Arc<App>>, s: Session, q: Query_) -> Page {
    let lang = s.lang;
    let q = query(q, lang)?;
    let registry = work::registry(&app).await?;
    let tiers = neitakk_core::derive_tiers(&registry, app.base.tiers);
    let rows: Vec<Value> = registry
        .iter()
        .zip(&tiers)
        .map(|(c, t)| client_row(c, *t, lang))
        .collect();
    let editing = q
        .param("edit")
        .and_then(|name| registry.iter().find(|c| &c.name == name));
    let form = editing.map_or_else(
        || context! { tier => "" },
        |c| context! {
            name => c.name, domains => c.domains.join(", "), tier => c.tier.map_or("", |t| t.as_str()),
            revenue => c.revenue.map_or(String::new(), |r| r.to_string()), language => c.language.map_or("", Lang::as_str),
            flexibility => c.flexibility.map_or("", |f| f.as_str()), contact => c.contact.clone().unwrap_or_default(), contact_email => c.contact_email.clone().unwrap_or_default(),
            account_manager => c.account_manager.clone().unwrap_or_default(), account_manager_name => c.account_manager_name.clone().unwrap_or_default(),
            travel_minutes => c.travel_minutes.map_or(String::new(), |m| m.to_string()),
        },
    );
    let auto = if lang == Lang::Nb {
        "fra omsetningen"
    } else {
        "from revenue"
    };
    let tier_options: Vec<Value> = std::iter::once(context! { value => "", label => auto })
        .chain(
            neitakk_core::Weight::ALL
                .iter()
                .map(|w| context! { value => w.as_str(), label => words::weight(*w, lang) }),
        )
        .collect();
    render(
        &app,
        Some(&s),
        lang,
        "clients.html",
        "clients",
        context! {
            clients => rows, admin => s.user.role == Role::Admin, editing => editing.is_some(), form, tiers => tier_options,
            notice => done_notice(&q, lang),
        },
    )
}

/// A client from the registry form; errors name the field.
fn client_from_form(f: &Fields, lang: Lang) -> Result<Client, Failure> {
    let bad = |field: &str, why: String| Failure::bad(format!("{field}: {why}")).lang(lang);
    let email = |field: &str| -> Result<Option<String>, Failure> {
        match f.opt(field) {
            Some(e) if !e.contains('@') => {
                Err(bad(field, format!("'{e}' is not an e-mail address")))
            }
            other => Ok(other.map(|e| e.to_ascii_lowercase())),
        }
    };
    let client = Client {
        name: f
            .opt("name")
            .ok_or_else(|| bad("name", "the client needs a name".into()))?,
        domains: f
            .get("domains")
            .split([',', ';', ' '])
            .filter(|d| !d.is_empty())
            .map(str::to_owned)
            .collect(),
        tier: f
            .opt("tier")
            .map(|t| t.parse())
            .transpose()
            .map_err(|e| bad("tier", e))?,
        revenue: f
            .opt("revenue")
            .map(|r| neitakk_pipeline::registry::parse_amount(&r).ok_or(r))
            .transpose()
            .map_err(|r| bad("revenue", format!("'{r}' is not an amount")))?,
        flexibility: f
            .opt("flexibility")
            .map(|v| v.parse())
            .transpose()
            .map_err(|e| bad("flexibility", e))?,
        language: f
            .opt("language")
            .map(|l| Lang::from_tag(&l).ok_or(l))
            .transpose()
            .map_err(|l| bad("language", format!("'{l}': use nb or en")))?,
        contact: f.opt("contact"),
        contact_email: email("contact_email")?,
        account_manager: email("account_manager")?,
        account_manager_name: f.opt("account_manager_name"),
        travel_minutes: f
            .opt("travel_minutes")
            .map(|m| m.parse::<u32>().map_err(|_| m))
            .transpose()
            .map_err(|m| bad("travel_minutes", format!("'{m}' is not whole minutes")))?,
    };
    Ok(client)
}

pub async fn save_client(State(app): State<Arc<App>>, s: Session, form: Fields_) -> Page {
    let f = Fields::read(form, s.lang)?;
    s.check(f.get("csrf"))?;
    s.require_admin()?;
    let client = client_from_form(&f, s.lang)?;
    // A new client, or the one edited (perhaps renamed), in one step: a
    // name another client has is refused, never overwritten.
    let data = serde_json::to_string(&client)?;
    match app
        .store
        .rename_client(f.get("original"), &client.name, &data)
        .await
    {
        Ok(()) => Ok(redirect("/clients?done=client")),
        Err(neitakk_store::Error::Conflict { .. }) => Err(Failure::new(
            Kind::Conflict,
            match s.lang {
                Lang::Nb => format!("Det finnes allerede en kunde som heter «{}».", client.name),
                Lang::En => format!("There is a client named '{}' already.", client.name),
            },
        )
        .lang(s.lang)),
        Err(e) => Err(e.into()),
    }
}

pub async fn delete_client(State(app): State<Arc<App>>, s: Session, form: Fields_) -> Page {
    let f = Fields::read(form, s.lang)?;
    s.check(f.get("csrf"))?;
    s.require_admin()?;
    if !app.store.delete_client(f.get("name")).await? {
        return Err(Failure::not_found(match s.lang {
            Lang::Nb => format!("Ingen kunde heter «{}».", f.get("name")),
            Lang::En => format!("No client is named '{}'.", f.get("name")),
        })
        .lang(s.lang));
    }
    Ok(redirect("/clients?done=client_deleted"))
}

pub async fn import_clients(State(app): State<Arc<App>>, s: Session, form: Multipart_) -> Page {
    let (name, bytes) = upload(form, &s).await?;
    s.require_admin()?;
    let text = String::from_utf8(bytes).map_err(|_| {
        Failure::bad(match s.lang {
            Lang::Nb => format!("{name} er ikke UTF-8-tekst."),
            Lang::En => format!("{name} is not UTF-8 text."),
        })
        .lang(s.lang)
    })?;
    let (clients, _) = neitakk_pipeline::registry::parse_csv(&name, &text, &[]).map_err(|e| {
        let nb = match &e {
            neitakk_pipeline::registry::CsvProblem::NoNameColumn { file, found } => {
                format!("{file}: ingen kolonne for kundens navn (fant: {found}).")
            }
            other => format!("Kundelisten kan ikke leses: {other}"),
        };
        Failure::new(Kind::Unprocessable, e.to_string())
            .nb(nb)
            .lang(s.lang)
    })?;
    app.store
        .save_clients(&work::registry_rows(&clients)?)
        .await?;
    Ok(redirect("/clients?done=imported"))
}
