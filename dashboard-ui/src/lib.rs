//! The dashboard: pure logic here, Leptos components in later modules.

#[cfg(test)]
mod tests {
    #[test]
    fn builds() {}
}
