//! Tokens in localStorage (as SigNoz's UI keeps them) plus a signal the app
//! watches to send the user back to login when the session ends.

use crate::model::LoginResponse;
use leptos::prelude::*;

const ACCESS: &str = "AUTH_TOKEN";
const REFRESH: &str = "REFRESH_AUTH_TOKEN";
const USER: &str = "USER_ID";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn get(key: &str) -> Option<String> {
    storage()?
        .get_item(key)
        .ok()
        .flatten()
        .filter(|s| !s.is_empty())
}

pub fn access_token() -> Option<String> {
    get(ACCESS)
}
pub fn refresh_token() -> Option<String> {
    get(REFRESH)
}
pub fn user_id() -> Option<String> {
    get(USER)
}

pub fn store(login: &LoginResponse) {
    if let Some(s) = storage() {
        let _ = s.set_item(ACCESS, &login.access_jwt);
        let _ = s.set_item(REFRESH, &login.refresh_jwt);
        if !login.user_id.is_empty() {
            let _ = s.set_item(USER, &login.user_id);
        }
    }
    if let Some(sig) = logged_in_signal() {
        sig.set(true);
    }
}

/// Clears the tokens; the shell then shows the login page.
pub fn end() {
    if let Some(s) = storage() {
        let _ = s.remove_item(ACCESS);
        let _ = s.remove_item(REFRESH);
        let _ = s.remove_item(USER);
    }
    if let Some(sig) = logged_in_signal() {
        sig.set(false);
    }
}

/// Whether we hold a token; provided as context by the app shell.
#[derive(Clone, Copy)]
pub struct LoggedIn(pub RwSignal<bool>);

fn logged_in_signal() -> Option<RwSignal<bool>> {
    LOGGED_IN.with(|c| c.get())
}

thread_local! {
    static LOGGED_IN: std::cell::Cell<Option<RwSignal<bool>>> = const { std::cell::Cell::new(None) };
}

pub fn init() -> LoggedIn {
    let sig = RwSignal::new(access_token().is_some());
    LOGGED_IN.with(|c| c.set(Some(sig)));
    LoggedIn(sig)
}
