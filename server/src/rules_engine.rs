//! Evaluates alert rules on a schedule (see `api::rules` for the rule model).

use std::time::Duration;

use tokio::sync::watch;

use crate::store::Store;

pub async fn run(_store: Store, tick: Duration, mut stop: watch::Receiver<bool>) {
    loop {
        tokio::select! {
            _ = tokio::time::sleep(tick) => {}
            _ = stop.wait_for(|s| *s) => return,
        }
    }
}
