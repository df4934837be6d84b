//! The signed-in user and what their role lets them do. The role is also set
//! as `<html data-role>`, so a stylesheet rule hides every `.edit-control`
//! from a viewer on pages that do not check the role themselves.

use super::api;
use crate::model::UserPayload;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[derive(Clone, Copy)]
pub struct Me(pub RwSignal<Option<UserPayload>>);

fn set_root_role(role: &str) {
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = root.set_attribute("data-role", role);
    }
}

/// Loads the user whenever a session starts; provided as context.
pub fn provide(logged_in: RwSignal<bool>) {
    let me = RwSignal::new(None::<UserPayload>);
    provide_context(Me(me));
    Effect::new(move |_| {
        if !logged_in.get() {
            me.set(None);
            set_root_role("");
            return;
        }
        if let Some(id) = api::session::user_id() {
            spawn_local(async move {
                if let Ok(u) = api::user(&id).await {
                    set_root_role(&u.role);
                    me.set(Some(u));
                }
            });
        }
    });
}

pub fn use_me() -> RwSignal<Option<UserPayload>> {
    expect_context::<Me>().0
}

/// Editors and admins change things; viewers (and a user not loaded yet) do not.
pub fn can_edit() -> Signal<bool> {
    let me = use_me();
    Signal::derive(move || {
        me.with(|u| {
            u.as_ref()
                .is_some_and(|u| !u.role.eq_ignore_ascii_case("VIEWER"))
        })
    })
}

pub fn is_admin() -> Signal<bool> {
    let me = use_me();
    Signal::derive(move || {
        me.with(|u| {
            u.as_ref()
                .is_some_and(|u| u.role.eq_ignore_ascii_case("ADMIN"))
        })
    })
}
