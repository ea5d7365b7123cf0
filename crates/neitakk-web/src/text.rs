//! The interface's words in English and Norwegian bokmål. Messages to
//! clients come from `neitakk-compose`; these are the pages' own.

use neitakk_core::Lang;
use std::collections::BTreeMap;

/// (key, English, bokmål)
const TEXTS: &[(&str, &str, &str)] = &[
    ("account_manager", "Account manager", "Kundeansvarlig"),
    ("account_manager_name", "Account manager's name", "Kundeansvarliges navn"),
    ("actions", "Actions", "Handlinger"),
    ("add_client", "Add a client", "Legg til en kunde"),
    ("add_user", "Add a user", "Legg til en bruker"),
    ("admin", "Admin", "Administrator"),
    ("all_clients", "All clients", "Alle kunder"),
    ("addresses_by_admin", "an admin sets these, since replies can go out from them", "en administrator setter disse, siden svar kan sendes fra dem"),
    ("api_help", "Tokens let scripts use the JSON API at /api/v1 (see /api/v1/openapi.json).", "Nøkler lar skript bruke JSON-API-et på /api/v1 (se /api/v1/openapi.json)."),
    ("api_tokens", "API tokens", "API-nøkler"),
    ("approve_all", "Approve: put every draft in the outbox", "Godkjenn: legg alle utkastene i utboksen"),
    ("back_to_week", "Back to the week", "Tilbake til uka"),
    ("caldav_help", "Or read your calendar from a CalDAV server. The password is stored encrypted and never shown again.", "Eller les kalenderen fra en CalDAV-tjener. Passordet lagres kryptert og vises aldri igjen."),
    ("caldav_set", "Reading from", "Leser fra"),
    ("from_inbox", "invitation in your inbox", "invitasjon i innboksen"),
    ("inbox_h", "Your inbox", "Innboksen din"),
    ("inbox_help", "Where client invitations arrive (IMAP). neitakk looks every few minutes and puts each client invitation on your week, with the recommended reply in your outbox and in your drafts folder. Nothing is sent until you send it. The password is stored encrypted and never shown again.", "Der invitasjoner fra kunder kommer (IMAP). neitakk ser etter med noen minutters mellomrom og legger hver kundeinvitasjon inn i uka di, med det anbefalte svaret i utboksen og i utkastmappen din. Ingenting sendes før du sender det. Passordet lagres kryptert og vises aldri igjen."),
    ("inbox_set", "Reading", "Leser"),
    ("inbox_looked", "Last look", "Sist sett etter"),
    ("inbox_never", "not yet", "ikke ennå"),
    ("inbox_problem", "What went wrong", "Hva som gikk galt"),
    ("mail_server", "Mail server (IMAP)", "E-posttjener (IMAP)"),
    ("port", "Port", "Port"),
    ("security", "Security", "Sikkerhet"),
    ("folder", "Folder", "Mappe"),
    ("drafts_folder", "Drafts folder (empty: the one your mail server marks)", "Utkastmappe (tom: den e-posttjeneren merker)"),
    ("sent_folder", "Sent folder (empty: the one your mail server marks)", "Sendt-mappe (tom: den e-posttjeneren merker)"),
    ("password_is_token", "The password field holds a token command (OAuth2, for Microsoft 365 or Gmail)", "Passordfeltet har en token-kommando (OAuth2, for Microsoft 365 eller Gmail)"),
    ("look_now", "Look now", "Se etter nå"),
    ("caldav_url", "Calendar URL", "Kalender-URL"),
    ("calendars", "Calendars", "Kalendere"),
    ("change_password", "Change password", "Bytt passord"),
    ("choice", "Choice", "Valg"),
    ("choose", "Choose", "Velg"),
    ("chosen", "Chosen", "Valgt"),
    ("client", "Client", "Kunde"),
    ("clients", "Clients", "Kunder"),
    ("confirm_delete", "Delete it? This cannot be undone.", "Slette? Det kan ikke angres."),
    ("contact", "Contact person", "Kontaktperson"),
    ("contact_email", "Contact's e-mail", "Kontaktens e-post"),
    ("create_admin", "Create the admin account", "Opprett administratorkontoen"),
    ("create_token", "Create a token", "Lag en nøkkel"),
    ("csv_file", "CSV file", "CSV-fil"),
    ("current_password", "Current password", "Nåværende passord"),
    ("decided", "Decided", "Avgjort"),
    ("delete", "Delete", "Slett"),
    ("derived_note", "* The tier follows from the client's share of revenue; set it by hand to pin it.", "* Kundenivået følger av kundens andel av omsetningen; sett det for hånd for å låse det."),
    ("domains", "Domains", "Domener"),
    ("done_settings", "Your settings are saved.", "Innstillingene er lagret."),
    ("done_password", "Your password is changed. Your other sessions and your API tokens are ended.", "Passordet er byttet. De andre øktene dine og API-nøklene dine er avsluttet."),
    ("done_revoked", "The token is revoked.", "Nøkkelen er trukket tilbake."),
    ("done_user", "The user is added.", "Brukeren er lagt til."),
    ("done_removed", "The user and their data are removed.", "Brukeren og dataene deres er fjernet."),
    ("done_reset", "The new password is set. The user's sessions and API tokens are ended, and any wait after failed logins is lifted.", "Det nye passordet er satt. Brukerens økter og API-nøkler er avsluttet, og en eventuell ventetid etter mislykkede innlogginger er opphevet."),
    ("done_wait_lifted", "The wait is lifted: the next login is checked at once.", "Ventetiden er opphevet: neste innlogging sjekkes med en gang."),
    ("done_client", "The client is saved.", "Kunden er lagret."),
    ("done_addresses", "The addresses are saved.", "Adressene er lagret."),
    ("done_draft_deleted", "The draft is deleted.", "Utkastet er slettet."),
    ("done_client_deleted", "The client is removed from the registry.", "Kunden er fjernet fra registeret."),
    ("done_imported", "The clients are imported.", "Kundene er importert."),
    ("done_uploaded", "The calendar is uploaded. Here is the week of its next meeting.", "Kalenderen er lastet opp. Her er uka med kalenderens neste møte."),
    ("done_uploaded_past", "The calendar is uploaded. It has no meetings ahead in the coming year.", "Kalenderen er lastet opp. Den har ingen møter det kommende året."),
    ("done_calendar_deleted", "The calendar is deleted.", "Kalenderen er slettet."),
    ("done_caldav", "The CalDAV account is saved.", "CalDAV-kontoen er lagret."),
    ("done_inbox", "The inbox account is saved.", "Innbokskontoen er lagret."),
    ("done_inbox_removed", "The inbox account is removed.", "Innbokskontoen er fjernet."),
    ("done_looked", "The inbox is read.", "Innboksen er lest."),
    ("done_linked", "The calendar link is added, and is fetched again every 15 minutes. Here is the week of its next meeting.", "Kalenderlenken er lagt til og hentes på nytt hvert kvarter. Her er uka med kalenderens neste møte."),
    ("done_refreshed", "The calendar links are fetched anew.", "Kalenderlenkene er hentet på nytt."),
    ("link_h", "Add a calendar link", "Legg til en kalenderlenke"),
    ("link_help", "The ICS address your calendar service publishes: Google's secret address in iCal format, Outlook's published calendar, iCloud or Fastmail. It is fetched again every 15 minutes.", "ICS-adressen kalendertjenesten publiserer: Googles hemmelige adresse i iCal-format, Outlooks publiserte kalender, iCloud eller Fastmail. Den hentes på nytt hvert kvarter."),
    ("link_url", "Calendar link", "Kalenderlenke"),
    ("add_link", "Add the link", "Legg til lenken"),
    ("refresh_links", "Fetch the links now", "Hent lenkene nå"),
    ("done_caldav_removed", "The CalDAV account is removed.", "CalDAV-kontoen er fjernet."),
    ("download", "Download (.eml)", "Last ned (.eml)"),
    ("draft", "The draft", "Utkastet"),
    ("edit", "Edit", "Endre"),
    ("email", "E-mail", "E-post"),
    ("facts", "Facts", "Fakta"),
    ("first_password", "First password", "Første passord"),
    ("flexibility", "Flexibility", "Fleksibilitet"),
    ("free_hours", "Time to free (e.g. 4h or 90m)", "Tid å frigjøre (f.eks. 4t eller 90m)"),
    ("frees", "Frees", "Frigjør"),
    ("from_browser", "Browser default", "Som i nettleseren"),
    ("ics_file", "Calendar file (.ics)", "Kalenderfil (.ics)"),
    ("import", "Import", "Importer"),
    ("import_csv", "Import from CSV", "Importer fra CSV"),
    ("import_help", "A header row with name, and any of domains, tier, revenue, language, contact, contact_email, account_manager, travel_minutes. Clients with the same name are replaced.", "En overskriftsrad med name, og gjerne domains, tier, revenue, language, contact, contact_email, account_manager, travel_minutes. Kunder med samme navn erstattes."),
    ("journal", "Journal", "Journal"),
    ("journal_empty", "Nothing decided yet.", "Ingenting bestemt ennå."),
    ("language", "Language", "Språk"),
    ("legend", "Colours", "Farger"),
    ("load", "Meeting load", "Møtebelastning"),
    ("login", "Log in", "Logg inn"),
    ("logout", "Log out", "Logg ut"),
    ("make_plan", "Make the plan", "Lag planen"),
    ("max_risk", "Highest risk", "Høyeste risiko"),
    ("meeting", "Meeting", "Møte"),
    ("meets_need", "Meets the need", "Dekker behovet"),
    ("member", "Member", "Medlem"),
    ("menu", "Main menu", "Hovedmeny"),
    ("message", "Message", "Melding"),
    ("name", "Name", "Navn"),
    ("new_password", "New password", "Nytt passord"),
    ("next", "Next week", "Neste uke"),
    ("no_calendars", "No calendar yet.", "Ingen kalender ennå."),
    ("no_clients", "No clients in the registry yet.", "Ingen kunder i registeret ennå."),
    ("no_meetings", "No meetings", "Ingen møter"),
    ("no_smtp", "This server has no SMTP settings", "Denne tjeneren har ikke SMTP-oppsett"),
    ("no_smtp_hint", "save the reply to your outbox and send it from your mail program.", "lagre svaret i utboksen og send det fra e-postprogrammet ditt."),
    ("nothing_to_plan", "No client meetings left this week: nothing to plan.", "Ingen kundemøter igjen denne uka: ingenting å planlegge."),
    ("nothing_to_send", "You have accepted this meeting and neitakk recommends attending: nothing to send.", "Du har takket ja, og neitakk anbefaler å delta: ingenting å sende."),
    ("other_emails", "Other addresses you are invited at", "Andre adresser du får invitasjoner på"),
    ("other_emails_short", "other addresses, same domain", "andre adresser, samme domene"),
    ("outbox", "Outbox", "Utboks"),
    ("outbox_empty", "The outbox is empty.", "Utboksen er tom."),
    ("password", "Password", "Passord"),
    ("password_rule", "at least 10 characters", "minst 10 tegn"),
    ("phone", "Phone", "Telefon"),
    ("plan", "Plan", "Plan"),
    ("plan_this_week", "Free up time this week", "Frigjør tid denne uka"),
    ("previous", "Previous week", "Forrige uke"),
    ("recommended", "recommended", "anbefalt"),
    ("remove", "Remove", "Fjern"),
    ("revenue", "Revenue", "Omsetning"),
    ("revoke", "Revoke", "Trekk tilbake"),
    ("risk", "Risk", "Risiko"),
    ("role", "Role", "Rolle"),
    ("save", "Save", "Lagre"),
    ("save_outbox", "Save to the outbox", "Lagre i utboksen"),
    ("send", "Send", "Send"),
    ("sent_now", "The reply was sent.", "Svaret er sendt."),
    ("sent_before", "This reply was already sent, so it was not sent again.", "Dette svaret er allerede sendt og ble ikke sendt på nytt."),
    ("sent_again", "An earlier try to send this reply did not finish, so it was sent again. It has the same Message-ID, so if the first copy did arrive, mail programs show it only once.", "Et tidligere forsøk på å sende dette svaret ble ikke fullført, så det er sendt på nytt. Det har samme Message-ID, så kom den første kopien fram, viser e-postprogrammene den bare én gang."),
    ("sent_busy", "This reply is being sent right now. Look in the outbox again in a minute.", "Dette svaret sendes akkurat nå. Se i utboksen igjen om et minutt."),
    ("sent_calendar_failed", "The reply was sent, but your calendar was not updated with your answer. Set it there yourself.", "Svaret er sendt, men kalenderen ble ikke oppdatert med svaret ditt. Gjør det selv i kalenderen."),
    ("sent", "Sent", "Sendt"),
    ("set_password", "Set password", "Sett passord"),
    ("settings", "Settings", "Innstillinger"),
    ("setup", "Set up neitakk", "Sett opp neitakk"),
    ("setup_intro", "Create the first account. It will be the admin, who adds colleagues and maintains the client registry.", "Opprett den første kontoen. Den blir administrator, som legger til kolleger og vedlikeholder kunderegisteret."),
    ("show", "Show", "Vis"),
    ("signature", "Signature", "Signatur"),
    ("skip", "Skip to the content", "Hopp til innholdet"),
    ("strategies", "Ways to answer", "Måter å svare på"),
    ("strategy", "Strategy", "Strategi"),
    ("subject", "Subject", "Emne"),
    ("switch_week", "Switch week", "Bytt uke"),
    ("tagline", "Say no to a client meeting, or take less of it, without harming the relationship.", "Si nei til et kundemøte, eller ta mindre av det, uten å skade kundeforholdet."),
    ("tier", "Tier", "Kundenivå"),
    ("this_week", "This week", "Denne uka"),
    ("timezone", "Time zone", "Tidssone"),
    ("to", "To", "Til"),
    ("to_the_draft", "to the draft", "til utkastet"),
    ("token_name", "Name of the token", "Navn på nøkkelen"),
    ("token_once", "Your new token (shown only this once):", "Den nye nøkkelen (vises bare denne ene gangen):"),
    ("trail", "Why", "Hvorfor"),
    ("travel", "Travel", "Reise"),
    ("travel_minutes", "Travel each way (minutes)", "Reise hver vei (minutter)"),
    ("upload", "Upload", "Last opp"),
    ("upload_one", "Upload one", "Last opp én"),
    ("username", "User name", "Brukernavn"),
    ("users", "Users", "Brukere"),
    ("waits", "Waits after failed logins", "Ventetider etter mislykkede innlogginger"),
    ("waits_none", "No one has to wait to log in.", "Ingen må vente for å logge inn."),
    ("waits_intro", "After three wrong passwords from one address, each new try must wait twice as long as the last (up to 15 minutes); others are not held up. Lift a wait if it holds up someone who should get in.", "Etter tre feil passord fra én adresse må hvert nytt forsøk vente dobbelt så lenge som det forrige (opptil 15 minutter); andre holdes ikke igjen. Opphev en ventetid hvis den stenger ute noen som skal inn."),
    ("wait_who", "Who", "Hvem"),
    ("wait_attempts", "Failed tries", "Mislykkede forsøk"),
    ("wait_until", "Next try from", "Neste forsøk fra"),
    ("lift_wait", "Lift", "Opphev"),
    ("video_link", "Video link", "Videolenke"),
    ("week", "Week", "Uke"),
    ("week_reasons", "A reason that applies to the whole week", "En grunn som gjelder hele uka"),
    ("weigh_again", "Weigh again", "Vurder på nytt"),
    ("your_reasons", "Your reasons", "Grunnene dine"),
    ("weekly_cap", "Weekly cap on meetings (hours)", "Ukentlig tak på møter (timer)"),
    ("when", "When", "Når"),
];

/// Every text in `lang`, for the templates.
pub fn texts(lang: Lang) -> BTreeMap<&'static str, &'static str> {
    TEXTS
        .iter()
        .map(|(key, en, nb)| (*key, if lang == Lang::Nb { *nb } else { *en }))
        .collect()
}

/// The words for `lang` of two given inline (messages with values in them).
pub fn pick<'a>(lang: Lang, en: &'a str, nb: &'a str) -> &'a str {
    if lang == Lang::Nb {
        nb
    } else {
        en
    }
}

/// One text.
pub fn text(lang: Lang, key: &str) -> &'static str {
    TEXTS
        .iter()
        .find(|(k, ..)| *k == key)
        .map_or("", |(_, en, nb)| if lang == Lang::Nb { nb } else { en })
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_key_the_templates_use_has_words() {
        let keys: Vec<&str> = super::TEXTS.iter().map(|t| t.0).collect();
        for (name, source) in super::super::pages::TEMPLATES {
            let mut rest = *source;
            while let Some(i) = rest.find("t.") {
                let after = &rest[i + 2..];
                let end = after
                    .find(|c: char| !(c.is_ascii_lowercase() || c == '_'))
                    .unwrap_or(after.len());
                let key = &after[..end];
                // "t." inside a word ("list.x", "format.") is not a lookup.
                let word_start = i == 0 || !rest.as_bytes()[i - 1].is_ascii_alphanumeric();
                if word_start && !key.is_empty() {
                    assert!(keys.contains(&key), "{name}: no words for t.{key}");
                }
                rest = &after[end..];
            }
        }
    }
}
