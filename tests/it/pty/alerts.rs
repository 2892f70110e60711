//! Alerts end to end: a local server moves a price across a rule; the program rings the bell
//! and writes an OSC 9 notification whose text is harmless though the provider named the
//! instrument with escape sequences; a restart does not fire the same crossing again.

use std::time::{Duration, Instant};

use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

use super::{BackgroundServer, POLL, Session, find};
use crate::support::{Dirs, write_file};

/// A first quote, then the next refresh 5 s later (a market that never closes: a closed one is
/// polled less often), on a loaded machine's debug build.
const ALERT_DEADLINE: Duration = Duration::from_secs(40);
/// The provider's name for the instrument: it tries to end the OSC and start one of its own.
const HOSTILE_NAME: &str = "Evil\\u001b]9;pwned\\u0007 Co";
/// The message, sanitised (no ESC or BEL) and made safe inside the OSC (`;` as `,`).
const OSC: &[u8] = b"\x07\x1b]9;Evil]9,pwned Co above 100.00 at 101.50\x07";

fn chart(price: f64, time: i64) -> ResponseTemplate {
    let body = format!(
        r#"{{"chart":{{"result":[{{"meta":{{"currency":"GBP","symbol":"EVIL.L","regularMarketPrice":{price},"regularMarketTime":{time},"previousClose":100,"priceHint":2,"shortName":"{HOSTILE_NAME}"}},"indicators":{{"quote":[{{}}]}}}}],"error":null}}}}"#
    );
    ResponseTemplate::new(200).set_body_raw(body.into_bytes(), "application/json")
}

fn wait_for_bytes(session: &Session, what: &str, wanted: &[u8]) {
    let deadline = Instant::now() + ALERT_DEADLINE;
    while find(&session.output().raw, wanted).is_none() {
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {what}\n{}",
            session.describe()
        );
        std::thread::sleep(POLL);
    }
}

#[test]
fn a_price_crossing_a_rule_rings_and_notifies_once_with_a_harmless_message() {
    let now = jiff::Timestamp::now().as_second();
    let below = Mock::given(method("GET"))
        .and(path("/v8/finance/chart/EVIL.L"))
        .respond_with(chart(99.0, now))
        .up_to_n_times(1)
        .with_priority(1);
    let above = Mock::given(method("GET"))
        .and(path("/v8/finance/chart/EVIL.L"))
        .respond_with(chart(101.5, now));
    let server = BackgroundServer::start(vec![below, above]);
    let dirs = Dirs::new();
    write_file(
        &dirs.config_file(),
        &format!(
            "[quotes]\nbase_url = \"{}\"\nrefresh_secs = 5\n\
             [[quotes.symbols]]\nsymbol = \"EVIL.L\"\nname = \"EVIL.L\"\nmarket = \"crypto\"\n\
             [news]\nfeeds = []\n\
             [[alerts.rules]]\nsymbol = \"EVIL.L\"\nabove = 100\n",
            server.uri
        ),
    );
    let mut session = Session::start_live(&dirs);
    session.wait_for_on_tape("99.00");
    assert!(
        find(&session.output().raw, b"\x1b]9;").is_none(),
        "nothing fires below the level\n{}",
        session.describe()
    );
    wait_for_bytes(&session, "the bell and the OSC 9", OSC);
    session.wait_for("⚑ Evil]9;pwned Co above 100.00 at 101.50 · ! lists alerts");
    {
        let out = session.output();
        let raw = &out.raw;
        assert_eq!(
            raw.windows(4).filter(|w| *w == b"\x1b]9;").count(),
            1,
            "one notification, none injected"
        );
        assert!(find(raw, b"pwned\x07").is_none() && find(raw, b"\x1b]9;pwned").is_none());
    }
    session.send(b"!");
    session.wait_for("fired ");
    session.quit_cleanly();
    let saved = std::fs::read_to_string(dirs.cache_dir().join("alerts.json")).unwrap();
    assert!(saved.contains("EVIL.L above 100"), "{saved}");

    // The same crossing after a restart: the price is still above, the rule stays fired.
    let mut session = Session::start_live(&dirs);
    // The cache shows 101.50 at once; "live" says the server's round has been applied, and a
    // notification is written before the frame that shows it.
    session.wait_for("live · updated");
    assert!(
        find(&session.output().raw, b"\x1b]9;").is_none(),
        "fired again after a restart\n{}",
        session.describe()
    );
    session.quit_cleanly();
    server.stop();
}
