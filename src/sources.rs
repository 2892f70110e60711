//! Background sources: tokio tasks that produce data and send it to the app as messages. They
//! never touch the terminal or the app state; results arrive by value through the inbox.

pub mod demo;
