//! Notification channels on SigNoz's paths: `/settings/channels` (list,
//! delete), `/settings/channels/new` and `/settings/channels/:id` (form + test).
//! The receiver JSON is edited in place (`crate::channel`).

use crate::app::api;
use crate::app::components::{resource_view, ErrorView};
use crate::app::role::can_edit;
use crate::channel::{self, fields, KINDS};
use crate::model::value_text;
use crate::url_state::encode;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_navigate, use_params_map};
use leptos_router::NavigateOptions;
use serde_json::Value;

fn kind_label(kind: &str) -> &'static str {
    KINDS
        .iter()
        .find(|k| k.0 == kind)
        .map(|k| k.1)
        .unwrap_or("Other")
}

#[component]
pub fn ChannelsPage() -> impl IntoView {
    let list = LocalResource::new(api::channels_json);
    let error = RwSignal::new(None::<String>);
    let editable = can_edit();
    view! {
        <section>
            <super::settings::SettingsNav/>
            <div class="toolbar"><h1>"Alert channels"</h1><span class="grow"></span>
                <Show when=move || editable.get()><a class="button" href="/settings/channels/new">"+ New channel"</a></Show>
            </div>
            {move || error.get().map(|m| view! { <ErrorView message=m/> })}
            <table class="data" aria-label="Channels">
                <thead><tr><th>"Name"</th><th>"Type"</th><th></th></tr></thead>
                <tbody>
                    {resource_view(list, move |items: Vec<Value>| {
                        if items.is_empty() {
                            return view! { <tr><td colspan="3" class="empty">"No channels yet."</td></tr> }.into_any();
                        }
                        items.into_iter().map(|c| {
                            let id = value_text(&c["id"]);
                            let href = format!("/settings/channels/{}", encode(&id));
                            view! {
                                <tr>
                                    <td><a href=href>{value_text(&c["name"])}</a></td>
                                    <td>{kind_label(c["type"].as_str().unwrap_or(""))}</td>
                                    <td><Show when=move || editable.get()>
                                        <button class="link danger" on:click={ let id = id.clone(); move |_| { let id = id.clone(); spawn_local(async move {
                                            match api::delete_channel(&id).await { Ok(()) => list.refetch(), Err(e) => error.set(Some(e.message)) } }) } }>"Delete"</button>
                                    </Show></td>
                                </tr>
                            }
                        }).collect_view().into_any()
                    })}
                </tbody>
            </table>
        </section>
    }
}

#[component]
pub fn ChannelEditPage() -> impl IntoView {
    let params = use_params_map();
    let id = params.with_untracked(|p| p.get("id")).unwrap_or_default();
    let id2 = id.clone();
    let loaded = LocalResource::new(move || {
        let id = id2.clone();
        async move {
            if id.is_empty() {
                return Ok(channel::new_receiver("slack", ""));
            }
            let item = api::channel_json(&id).await?;
            channel::receiver_of(&item).map_err(|message| api::ApiError { status: 0, message })
        }
    });
    let title = if id.is_empty() {
        "New channel"
    } else {
        "Edit channel"
    };
    view! {
        <section>
            <super::settings::SettingsNav/>
            <div class="toolbar"><h1>{title}</h1></div>
            {resource_view(loaded, move |r: Value| view! { <ChannelForm id=id.clone() receiver=r/> })}
        </section>
    }
}

#[component]
fn ChannelForm(id: String, receiver: Value) -> impl IntoView {
    let navigate = use_navigate();
    let editable = can_edit();
    let is_new = id.is_empty();
    let receiver = RwSignal::new(receiver);
    let error = RwSignal::new(None::<String>);
    let notice = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let kind = move || receiver.with(|r| channel::kind_of(r).unwrap_or("webhook"));
    let inputs = move || {
        fields(kind())
            .iter()
            .map(|f| {
                let path = f.path;
                let value = move || receiver.with(|r| channel::get(r, path));
                let on_input = move |ev| {
                    let v = event_target_value(&ev);
                    receiver.update(|r| channel::set(r, path, &v));
                };
                if f.multiline {
                    view! { <label class="wide">{f.label}<textarea rows="4" prop:value=value on:input=on_input></textarea></label> }.into_any()
                } else {
                    let t = if f.secret { "password" } else { "text" };
                    view! { <label>{f.label}<input type=t prop:value=value on:input=on_input/></label> }.into_any()
                }
            })
            .collect_view()
    };
    let check = move || {
        let r = receiver.get_untracked();
        channel::validate(&r).map(|()| r)
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let r = match check() {
            Ok(r) => r,
            Err(e) => return error.set(Some(e)),
        };
        let id = id.clone();
        let navigate = navigate.clone();
        busy.set(true);
        spawn_local(async move {
            let result = if id.is_empty() {
                api::create_channel(&r).await
            } else {
                api::update_channel(&id, &r).await
            };
            busy.set(false);
            match result {
                Ok(()) => navigate("/settings/channels", NavigateOptions::default()),
                Err(e) => error.set(Some(e.message)),
            }
        });
    };
    let test = move |_| {
        let r = match check() {
            Ok(r) => r,
            Err(e) => return error.set(Some(e)),
        };
        busy.set(true);
        spawn_local(async move {
            match api::test_channel(&r).await {
                Ok(()) => {
                    error.set(None);
                    notice.set(Some("Test notification sent.".into()));
                }
                Err(e) => error.set(Some(e.message)),
            }
            busy.set(false);
        });
    };
    view! {
        <form class="editor" on:submit=save aria-label="Channel editor">
            <label>"Name"<input type="text" prop:value=move || receiver.with(|r| value_text(&r["name"]))
                on:input=move |ev| { let v = event_target_value(&ev); receiver.update(|r| r["name"] = Value::String(v)); }/></label>
            <label>"Type"
                <select disabled=!is_new prop:value=kind on:change=move |ev| {
                    let k = event_target_value(&ev);
                    receiver.update(|r| { let name = value_text(&r["name"]); *r = channel::new_receiver(&k, &name); });
                }>
                    {KINDS.map(|(k, l)| view! { <option value=k selected=move || kind() == k>{l}</option> })}
                </select>
            </label>
            <label class="check"><input type="checkbox" prop:checked=move || receiver.with(channel::send_resolved)
                on:change=move |ev| { let on = event_target_checked(&ev); receiver.update(|r| channel::set_send_resolved(r, on)); }/>"Send resolved alerts"</label>
            {inputs}
            {move || error.get().map(|m| view! { <ErrorView message=m/> })}
            {move || notice.get().map(|m| view! { <p class="notice" role="status">{m}</p> })}
            <Show when=move || editable.get() fallback=|| view! { <p class="hint">"Viewers cannot change channels."</p> }>
                <div class="actions">
                    <button type="submit" disabled=move || busy.get()>"Save channel"</button>
                    <button type="button" disabled=move || busy.get() on:click=test>"Test"</button>
                    <a href="/settings/channels">"Cancel"</a>
                </div>
            </Show>
        </form>
    }
}
