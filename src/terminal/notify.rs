//! A fired alert as the terminal hears it: the bell, and a desktop notification as OSC 9
//! (`ESC ] 9 ; message BEL`) or OSC 777 (`ESC ] 777 ; notify ; title ; message BEL`). The text
//! has passed the sanitiser already; here it also loses anything that could end the OSC string
//! early or split it into other fields (any control, which covers ESC, BEL, ST and C1, and `;`),
//! since an instrument's name may be the provider's, which is remote text.

use std::fmt::Write as _;

use crate::config::Desktop;
use crate::message::Notification;

const BEL: &str = "\x07";
/// What OSC 777 shows as the notification's title.
const TITLE: &str = "tickertape";

/// The bytes that ring and notify, in that order; empty when both are off.
pub fn sequence(notification: &Notification) -> Vec<u8> {
    let mut out = String::new();
    if notification.bell {
        out.push_str(BEL);
    }
    let text = osc_text(notification.message.as_str());
    match notification.desktop {
        Desktop::Osc9 => _ = write!(out, "\x1b]9;{text}{BEL}"),
        Desktop::Osc777 => _ = write!(out, "\x1b]777;notify;{TITLE};{text}{BEL}"),
        Desktop::Off => {}
    }
    out.into_bytes()
}

/// `text` safe inside an OSC string: no control character at all, `;` as `,`.
fn osc_text(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_control())
        .map(|c| if c == ';' { ',' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sanitize::SafeText;

    fn notification(message: &str, desktop: Desktop) -> Notification {
        Notification {
            message: SafeText::new(message),
            bell: true,
            desktop,
            command: Vec::new(),
        }
    }

    #[test]
    fn bell_then_osc_9_or_777_and_nothing_when_off() {
        let message = "FTSE 100 above 8,400.00 at 8,401.25";
        assert_eq!(
            sequence(&notification(message, Desktop::Osc9)),
            format!("\x07\x1b]9;{message}\x07").into_bytes()
        );
        assert_eq!(
            sequence(&notification(message, Desktop::Osc777)),
            format!("\x07\x1b]777;notify;tickertape;{message}\x07").into_bytes()
        );
        let quiet = Notification {
            bell: false,
            ..notification(message, Desktop::Off)
        };
        assert!(sequence(&quiet).is_empty());
    }

    /// A provider name that tries to end the OSC early and start another, by every means a
    /// terminal honours: ESC, BEL, ST (`ESC \`), the C1 ST and OSC, and `;` for OSC 777.
    #[test]
    fn a_hostile_name_cannot_end_or_inject_an_osc() {
        let hostile = "Evil\x1b]9;pwned\x07 Co\x1b\\ \u{9c}\u{9d}777;notify;x;y above 1.00 at 2.00";
        for desktop in [Desktop::Osc9, Desktop::Osc777] {
            let bytes = sequence(&notification(hostile, desktop));
            let text = String::from_utf8(bytes).unwrap();
            let body = text.strip_prefix('\x07').unwrap();
            assert_eq!(body.matches('\x1b').count(), 1, "{body:?}");
            assert_eq!(body.matches('\x07').count(), 1, "{body:?}");
            assert!(body.ends_with('\x07'), "{body:?}");
            assert!(!body.chars().any(|c| ('\u{80}'..='\u{9f}').contains(&c)));
            let fields = if desktop == Desktop::Osc9 { 2 } else { 4 };
            assert_eq!(body.matches(';').count(), fields - 1, "{body:?}");
        }
    }
}
